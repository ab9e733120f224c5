import type { TaskEntity } from '@app/domain';
import { TaskJobName } from '@app/queue';
import { Injectable } from '@nestjs/common';
import { TaskHandler } from './task-context';

/** Something a task holds while it runs (a lock); released whatever the outcome. */
export interface TaskReservation {
  release(): Promise<void>;
}

/**
 * Runs before a task is marked `running` and resolves once it may start, so a task queued behind another
 * one on the same resource stays `waiting`. The signal aborts when the task is canceled while it waits.
 */
export type TaskReserver = (task: TaskEntity, signal: AbortSignal) => Promise<TaskReservation>;

export interface TaskDefinition {
  handler: TaskHandler;
  reserve?: TaskReserver;
}

/** Which handler runs each kind of task; feature modules register theirs at start. */
@Injectable()
export class TaskHandlers {
  private readonly definitions = new Map<TaskJobName, TaskDefinition>();

  register(name: TaskJobName, handler: TaskHandler, reserve?: TaskReserver): void {
    this.definitions.set(name, { handler, reserve });
  }

  get(name: TaskJobName): TaskDefinition | undefined {
    return this.definitions.get(name);
  }
}
