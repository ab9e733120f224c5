import type { DataSource } from 'typeorm';
import { advisoryLock } from '../tasks/advisory-lock';
import type { TaskReservation } from '../tasks/task-handlers';

/**
 * One sync per repository across every worker process: a session advisory lock held for the whole sync
 * (released by PostgreSQL if the worker dies, so a crashed sync never blocks the next one).
 */
export function lockRepository(
  dataSource: DataSource,
  repositoryId: string,
  signal: AbortSignal,
): Promise<TaskReservation> {
  return advisoryLock(dataSource, `bootdepot.sync:${repositoryId}`, signal);
}
