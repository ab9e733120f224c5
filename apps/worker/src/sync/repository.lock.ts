import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { TaskReservation } from '../tasks/task-handlers';

const POLL_MS = 500;

/**
 * One sync per repository across every worker process: a PostgreSQL session advisory lock, held on a
 * connection of its own for the whole sync. If the worker dies, Postgres closes the session and the lock goes
 * with it, so a crashed sync never blocks the next one. Polls with pg_try_advisory_lock instead of blocking
 * so the waiting task can still be canceled.
 */
export async function lockRepository(
  dataSource: DataSource,
  repositoryId: string,
  signal: AbortSignal,
): Promise<TaskReservation> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const key = `bootdepot.sync:${repositoryId}`;
  try {
    for (;;) {
      const [row]: { locked: boolean }[] = await runner.query(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [key],
      );
      if (row?.locked) break;
      await sleep(POLL_MS, undefined, { signal });
    }
  } catch (error) {
    await runner.release();
    throw error;
  }
  return {
    async release() {
      try {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      } finally {
        await runner.release();
      }
    },
  };
}
