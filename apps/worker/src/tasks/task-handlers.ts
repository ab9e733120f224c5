import { TaskJobName } from '@app/queue';
import { Injectable } from '@nestjs/common';
import { TaskHandler } from './task-context';

/** Which handler runs each kind of task; feature modules register theirs at start. */
@Injectable()
export class TaskHandlers {
  private readonly handlers = new Map<TaskJobName, TaskHandler>();

  register(name: TaskJobName, handler: TaskHandler): void {
    this.handlers.set(name, handler);
  }

  get(name: TaskJobName): TaskHandler | undefined {
    return this.handlers.get(name);
  }
}
