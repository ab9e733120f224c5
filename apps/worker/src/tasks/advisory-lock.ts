import type { TaskLock } from '@app/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { TaskReservation } from './task-handlers';

const POLL_MS = 500;

/**
 * PostgreSQL session advisory locks, taken in the given order on one connection of their own and held until
 * released; a worker that dies loses its session and with it the locks. Polls with the try- variant so a waiting
 * task can still be canceled through `signal`; locks already taken stay held while it waits for the next.
 */
export async function advisoryLocks(
  dataSource: DataSource,
  locks: readonly TaskLock[],
  signal: AbortSignal,
): Promise<TaskReservation> {
  if (locks.length === 0) return { release: async () => undefined };
  const suffix = (lock: TaskLock) => (lock.mode === 'shared' ? '_shared' : '');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const held: TaskLock[] = [];
  const unlockHeld = async () => {
    try {
      for (const lock of held.reverse()) {
        await runner.query(`SELECT pg_advisory_unlock${suffix(lock)}(hashtextextended($1, 0))`, [lock.key]);
      }
    } finally {
      await runner.release();
    }
  };
  try {
    for (const lock of locks) {
      for (;;) {
        const [row]: { locked: boolean }[] = await runner.query(
          `SELECT pg_try_advisory_lock${suffix(lock)}(hashtextextended($1, 0)) AS locked`,
          [lock.key],
        );
        if (row?.locked) break;
        await sleep(POLL_MS, undefined, { signal });
      }
      held.push(lock);
    }
  } catch (error) {
    await unlockHeld().catch(() => undefined);
    throw error;
  }
  return { release: unlockHeld };
}
