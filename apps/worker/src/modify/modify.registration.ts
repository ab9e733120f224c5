import { Injectable, OnModuleInit } from '@nestjs/common';
import { TaskHandlers } from '../tasks/task-handlers';
import { ModifyService } from './modify.service';

/**
 * Registers modify. Its locks (`TASKS.modify` in `@app/queue`): its repository exclusively (one writer of
 * versions at a time), the base version's repository shared (no sync or retention there deletes the version
 * while it is read), and content shared (orphan cleanup never deletes a unit it is about to reference).
 */
@Injectable()
export class ModifyRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly modify: ModifyService,
  ) {}

  onModuleInit(): void {
    this.handlers.register('modify', (context) => this.modify.run(context));
  }
}
