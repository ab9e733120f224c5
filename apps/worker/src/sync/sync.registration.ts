import { Injectable, OnModuleInit } from '@nestjs/common';
import { TaskHandlers } from '../tasks/task-handlers';
import { SyncService } from './sync.service';

/**
 * Registers the sync handler. A sync waits (task `waiting`) while another sync holds its repository: its locks
 * are declared in `TASKS.sync` (`@app/queue`).
 */
@Injectable()
export class SyncRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly sync: SyncService,
  ) {}

  onModuleInit(): void {
    this.handlers.register('sync', (context) => this.sync.run(context));
  }
}
