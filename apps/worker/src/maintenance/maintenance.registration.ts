import { Injectable, OnModuleInit } from '@nestjs/common';
import { TaskHandlers } from '../tasks/task-handlers';
import { OrphanCleanupService } from './orphan-cleanup.service';
import { ReclaimService } from './reclaim.service';
import { RepairService } from './repair.service';
import { TaskPurgeService } from './task-purge.service';

/** Registers the maintenance handlers; what each one locks is declared with its arguments in `TASKS`. */
@Injectable()
export class MaintenanceRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly orphans: OrphanCleanupService,
    private readonly repair: RepairService,
    private readonly reclaim: ReclaimService,
    private readonly purge: TaskPurgeService,
  ) {}

  onModuleInit(): void {
    this.handlers.register('orphan-cleanup', (context) => this.orphans.run(context));
    this.handlers.register('reclaim', (context) => this.reclaim.run(context));
    this.handlers.register('repair', (context) => this.repair.run(context));
    this.handlers.register('purge-tasks', (context) => this.purge.run(context));
  }
}
