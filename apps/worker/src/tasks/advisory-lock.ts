import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { TaskReservation } from './task-handlers';

const POLL_MS = 500;

/**
 * A PostgreSQL session advisory lock on a connection of its own, held until released; a worker that
 * dies loses its session and with it the lock. Polls with the try- variant so a waiting task can still
 * be canceled through `signal`.
 */
export async function advisoryLock(
  dataSource: DataSource,
  key: string,
  signal: AbortSignal,
  mode: 'exclusive' | 'shared' = 'exclusive',
): Promise<TaskReservation> {
  const suffix = mode === 'shared' ? '_shared' : '';
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    for (;;) {
      const [row]: { locked: boolean }[] = await runner.query(
        `SELECT pg_try_advisory_lock${suffix}(hashtextextended($1, 0)) AS locked`,
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
        await runner.query(`SELECT pg_advisory_unlock${suffix}(hashtextextended($1, 0))`, [key]);
      } finally {
        await runner.release();
      }
    },
  };
}

/** Holds several reservations as one, taken in order and released in reverse. */
export async function reserveAll(
  steps: ((signal: AbortSignal) => Promise<TaskReservation>)[],
  signal: AbortSignal,
): Promise<TaskReservation> {
  const held: TaskReservation[] = [];
  try {
    for (const step of steps) held.push(await step(signal));
  } catch (error) {
    for (const reservation of held.reverse()) await reservation.release().catch(() => undefined);
    throw error;
  }
  return {
    async release() {
      for (const reservation of held.reverse()) await reservation.release().catch(() => undefined);
    },
  };
}
