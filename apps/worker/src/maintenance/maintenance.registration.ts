import { CONTENT_GC_LOCK } from '@app/queue';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { advisoryLock } from '../tasks/advisory-lock';
import { TaskHandlers } from '../tasks/task-handlers';
import { OrphanCleanupService } from './orphan-cleanup.service';
import { ReclaimService } from './reclaim.service';
import { RepairService } from './repair.service';
import { TaskPurgeService } from './task-purge.service';

@Injectable()
export class MaintenanceRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly orphans: OrphanCleanupService,
    private readonly repair: RepairService,
    private readonly reclaim: ReclaimService,
    private readonly purge: TaskPurgeService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    // Orphan cleanup waits until no task is adding content; those hold the same lock shared.
    this.handlers.register(
      'orphan-cleanup',
      (context) => this.orphans.run(context),
      (_task, signal) => advisoryLock(this.dataSource, CONTENT_GC_LOCK, signal, 'exclusive'),
    );
    // Reclaim deletes files: like orphan cleanup it must not overlap a sync deciding what is stored.
    this.handlers.register(
      'reclaim',
      (context) => this.reclaim.run(context),
      (_task, signal) => advisoryLock(this.dataSource, CONTENT_GC_LOCK, signal, 'exclusive'),
    );
    this.handlers.register(
      'repair',
      (context) => this.repair.run(context),
      (_task, signal) => advisoryLock(this.dataSource, CONTENT_GC_LOCK, signal, 'shared'),
    );
    // Touches only finished task records: nothing to reserve.
    this.handlers.register('purge-tasks', (context) => this.purge.run(context));
  }
}
