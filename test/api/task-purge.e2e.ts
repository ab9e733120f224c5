import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksPurge } from '../../openapi/client/sdk.gen';
import type { PurgeTasksRequest } from '../../openapi/client/types.gen';
import { idOf, type Stack, startStack, waitForTask } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const DAY = 86_400_000;

/** A task record as a worker would have left it; `finishedDaysAgo` null for one that has not finished. */
async function seedTask(name: string, state: string, finishedDaysAgo: number | null): Promise<string> {
  const created = new Date(Date.now() - ((finishedDaysAgo ?? 60) + 1) * DAY);
  const finished = finishedDaysAgo === null ? null : new Date(Date.now() - finishedDaysAgo * DAY);
  const [row] = await stack.sql<{ id: string }>(
    `INSERT INTO tasks (name, state, pulp_created, started_at, finished_at)
     VALUES ($1, $2, $3, $3, $4) RETURNING id`,
    [name, state, created, finished],
  );
  return row!.id;
}

async function remaining(): Promise<string[]> {
  const rows = await stack.sql<{ name: string }>(`SELECT name FROM tasks WHERE name LIKE 'seeded.%' ORDER BY name`);
  return rows.map((row) => row.name);
}

async function purge(body: PurgeTasksRequest) {
  const { data, response, error } = await tasksPurge({ client: stack.client, body });
  expect(response.status, JSON.stringify(error)).toBe(202);
  const task = await waitForTask(stack, data!.task);
  expect(task.state).toBe('completed');
  return task;
}

describe('tasks/purge/', () => {
  it('by default deletes completed tasks that finished more than 30 days ago, and only those', async () => {
    await seedTask('seeded.completed-40d', 'completed', 40);
    await seedTask('seeded.completed-31d', 'completed', 31);
    await seedTask('seeded.completed-29d', 'completed', 29);
    await seedTask('seeded.failed-40d', 'failed', 40);
    await seedTask('seeded.canceled-40d', 'canceled', 40);
    // Open tasks created long ago: never purged, whatever the request says.
    await seedTask('seeded.waiting-old', 'waiting', null);
    await seedTask('seeded.running-old', 'running', null);
    // (Task recovery leaves them alone: no job kind has their names.)

    const task = await purge({});
    expect(task.name).toBe('bootdepot.app.tasks.purge');
    const reports = Object.fromEntries(task.progress_reports.map((r) => [r.code, r]));
    expect(reports['purge.tasks.key.core.Task']).toMatchObject({ total: 2, done: 2, state: 'completed' });
    expect(reports['purge.tasks.total']).toMatchObject({ total: 2, done: 2, state: 'completed' });
    expect(await remaining()).toEqual([
      'seeded.canceled-40d',
      'seeded.completed-29d',
      'seeded.failed-40d',
      'seeded.running-old',
      'seeded.waiting-old',
    ]);
  });

  it('deletes the given states finished before the given time, in batches, never open tasks', async () => {
    // More than one DELETE batch (1000).
    await stack.sql(
      `INSERT INTO tasks (name, state, pulp_created, finished_at)
       SELECT 'seeded.bulk-failed-' || i, 'failed', now() - interval '6 days', now() - interval '5 days'
         FROM generate_series(1, 1203) AS i`,
    );
    const task = await purge({
      finished_before: new Date(Date.now() - 2 * DAY).toISOString(),
      states: ['failed', 'canceled'],
    });
    const reports = Object.fromEntries(task.progress_reports.map((r) => [r.code, r]));
    expect(reports['purge.tasks.key.core.Task']).toMatchObject({ total: 1205, done: 1205 });
    expect(await remaining()).toEqual(['seeded.completed-29d', 'seeded.running-old', 'seeded.waiting-old']);
    // The purge's own record and the first purge's are recent and completed: kept.
    const [{ n }] = await stack.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE name = 'bootdepot.app.tasks.purge'`,
    );
    expect(n).toBe(2);
  });

  it('takes a date without a time', async () => {
    await seedTask('seeded.completed-400d', 'completed', 400);
    const day = new Date(Date.now() - 300 * DAY).toISOString().slice(0, 10);
    const task = await purge({ finished_before: day });
    const [row] = await stack.sql<{ args: { finishedBefore: string } }>('SELECT args FROM tasks WHERE id = $1', [
      idOf(task.pulp_href),
    ]);
    expect(row!.args.finishedBefore).toBe(`${day}T00:00:00.000Z`);
    expect(await remaining()).not.toContain('seeded.completed-400d');
  });

  it('refuses open states, unknown states, an empty list and a malformed time, naming the field', async () => {
    const cases: [PurgeTasksRequest, string][] = [
      [{ states: ['running' as never] }, 'states'],
      [{ states: ['waiting' as never] }, 'states'],
      [{ states: [] }, 'states'],
      [{ finished_before: 'last tuesday' }, 'finished_before'],
      [{ finished_before: '2026-13-01' }, 'finished_before'],
    ];
    for (const [body, field] of cases) {
      const { response, error } = await tasksPurge({ client: stack.client, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((error as { errors: object }).errors)).toEqual([field]);
    }
  });
});
