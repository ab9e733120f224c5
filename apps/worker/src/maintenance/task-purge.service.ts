import { FINAL_TASK_STATES, TasksRepository } from '@app/domain';
import { Injectable } from '@nestjs/common';
import type { TaskContext } from '../tasks/task-context';

/** Rows per DELETE: short statements, so the purge never holds many row locks or blocks the task table long. */
const BATCH = 1000;
const TASKS = 'purge.tasks.key.core.Task';
const TOTAL = 'purge.tasks.total';

/**
 * Pulp's task purge: deletes the records of tasks that finished before a time in the given final states, a
 * batch at a time, counting them in progress reports with Pulp's codes. A task that has not finished has no
 * `finished_at` and a non-final state, so it is never touched; schedules that name a purged task as their
 * last one forget it (ON DELETE SET NULL).
 */
@Injectable()
export class TaskPurgeService {
  constructor(private readonly tasks: TasksRepository) {}

  async run(context: TaskContext<'purge-tasks'>): Promise<void> {
    const { finishedBefore, states } = context.args;
    // Defence in depth: the API allows only final states, and this never widens them.
    const final = states.filter((state) => (FINAL_TASK_STATES as readonly string[]).includes(state));
    const count = await this.tasks.countFinishedBefore(finishedBefore, final);
    context.progress(TOTAL, { message: 'Purged task-related-objects total', total: null, done: 0 });
    context.progress(TASKS, { message: 'Purged task-objects of type core.Task', total: count, done: 0 });
    let purged = 0;
    for (;;) {
      context.signal.throwIfAborted();
      const deleted = await this.tasks.deleteFinishedBefore(finishedBefore, final, BATCH);
      if (!deleted) break;
      purged += deleted;
      context.advance(TASKS, deleted);
      context.advance(TOTAL, deleted);
    }
    context.progress(TASKS, { state: 'completed', total: purged, done: purged });
    context.progress(TOTAL, { state: 'completed', total: purged, done: purged });
  }
}
