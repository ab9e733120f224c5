import { CONTENT_GC_LOCK, type SyncTaskArgs } from '@app/queue';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { advisoryLock, reserveAll } from '../tasks/advisory-lock';
import { TaskHandlers } from '../tasks/task-handlers';
import { lockRepository } from './repository.lock';
import { SyncService } from './sync.service';

/** Registers the sync handler; a sync waits (task `waiting`) while another sync holds its repository. */
@Injectable()
export class SyncRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly sync: SyncService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.handlers.register(
      'sync',
      (context) => this.sync.run(context),
      // One sync per repository; and orphan cleanup or reclaim (exclusive holders of the content lock)
      // never delete what this sync is about to reference.
      (task, signal) =>
        reserveAll(
          [
            (s) => lockRepository(this.dataSource, (task.args as SyncTaskArgs).repositoryId, s),
            (s) => advisoryLock(this.dataSource, CONTENT_GC_LOCK, s, 'shared'),
          ],
          signal,
        ),
    );
  }
}
