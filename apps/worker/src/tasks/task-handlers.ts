import type { TaskJobName } from '@app/queue';
import { Injectable } from '@nestjs/common';
import type { TaskHandler } from './task-context';

/** Something a task holds while it runs (its locks); released whatever the outcome. */
export interface TaskReservation {
  release(): Promise<void>;
}

/**
 * Which handler runs each kind of task; feature modules register theirs at start. What a task locks is not
 * registered here: the runner takes the locks its declaration in `TASKS` (`@app/queue`) names, the same
 * declaration the API shows as `reserved_resources`.
 */
@Injectable()
export class TaskHandlers {
  private readonly handlers = new Map<TaskJobName, TaskHandler<never>>();

  register<K extends TaskJobName>(name: K, handler: TaskHandler<K>): void {
    this.handlers.set(name, handler as TaskHandler<never>);
  }

  get<K extends TaskJobName>(name: K): TaskHandler<K> | undefined {
    return this.handlers.get(name) as TaskHandler<K> | undefined;
  }
}
