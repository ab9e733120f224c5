import { CoreModule, CoreOptions } from '@app/core';
import { TaskQueueModule } from '@app/dispatch';
import { DynamicModule, Module } from '@nestjs/common';
import { WorkerHealthServer } from './health/worker-health.server';
import { MaintenanceRegistration } from './maintenance/maintenance.registration';
import { OrphanCleanupService } from './maintenance/orphan-cleanup.service';
import { ReclaimService } from './maintenance/reclaim.service';
import { RepairService } from './maintenance/repair.service';
import { TaskPurgeService } from './maintenance/task-purge.service';
import { ModifyRegistration } from './modify/modify.registration';
import { ModifyService } from './modify/modify.service';
import { ScheduleRunner } from './schedules/schedule-runner';
import { SignatureCheckService } from './sync/signatures/signature-check.service';
import { SyncContentRepository } from './sync/sync-content.repository';
import { SyncRegistration } from './sync/sync.registration';
import { SyncService } from './sync/sync.service';
import { TaskHandlers } from './tasks/task-handlers';
import { TaskRecovery } from './tasks/task-recovery';
import { TaskRunner } from './tasks/task-runner';
import { ExportContentRepository } from './transfer/export-content.repository';
import { ExportService } from './transfer/export.service';
import { ImportService } from './transfer/import.service';
import { TransferRegistration } from './transfer/transfer.registration';

@Module({})
export class WorkerModule {
  static forRoot(core: Omit<CoreOptions, 'role'>, options: { withCore?: boolean } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports:
        options.withCore === false
          ? []
          : [CoreModule.forRoot({ ...core, role: 'worker' }), TaskQueueModule.forRoot(core.config)],
      providers: [
        TaskHandlers,
        TaskRunner,
        TaskRecovery,
        SyncContentRepository,
        SyncService,
        SignatureCheckService,
        SyncRegistration,
        OrphanCleanupService,
        RepairService,
        ReclaimService,
        MaintenanceRegistration,
        TaskPurgeService,
        ModifyService,
        ModifyRegistration,
        ScheduleRunner,
        WorkerHealthServer,
        ExportContentRepository,
        ExportService,
        ImportService,
        TransferRegistration,
      ],
    };
  }
}
