import type { DataSource } from 'typeorm';
import { advisoryLock } from '../tasks/advisory-lock';
import type { TaskReservation } from '../tasks/task-handlers';

/**
 * One sync per repository across every worker process: a session advisory lock held for the whole sync
 * (released by PostgreSQL if the worker dies, so a crashed sync never blocks the next one). Shared: a task that
 * only reads one of the repository's versions (modify from a base_version) while no version is written.
 */
export function lockRepository(
  dataSource: DataSource,
  repositoryId: string,
  signal: AbortSignal,
  mode: 'exclusive' | 'shared' = 'exclusive',
): Promise<TaskReservation> {
  return advisoryLock(dataSource, `bootdepot.sync:${repositoryId}`, signal, mode);
}
