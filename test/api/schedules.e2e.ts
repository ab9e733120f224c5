import { redisOptionsFromUrl } from '@app/core';
import { SCHEDULE_QUEUE } from '@app/queue';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  remotesNetbootOciCreate,
  repositoriesNetbootOciCreate,
  syncSchedulesCreate,
  syncSchedulesDelete,
  syncSchedulesPartialUpdate,
  syncSchedulesRead,
} from '../../openapi/client/sdk.gen';
import { idOf, REDIS_URL, Stack, startStack } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

let stack: Stack;
let scheduleQueue: Queue;
let secondWorker: WorkerProcess;
let repositoryHref: string;

/**
 * Schedules fire at this second of the minute: about 25 s after the suite starts, so the firing test waits for
 * the next such second rather than for the next full minute (when setup is slower, the minute after).
 */
const SCHEDULE_SECOND = String((new Date().getUTCSeconds() + 25) % 60);

beforeAll(async () => {
  stack = await startStack({ env: { SCHEDULE_SECOND } });
  scheduleQueue = new Queue(SCHEDULE_QUEUE, { connection: redisOptionsFromUrl(REDIS_URL), prefix: stack.redisPrefix });
  // A second worker, as its own OS process (from dist/): a tick must still start exactly one sync.
  secondWorker = await spawnWorker(stack, { SCHEDULE_SECOND });
  const { data: remote } = await remotesNetbootOciCreate({
    client: stack.client,
    body: { name: 'dead', url: 'http://127.0.0.1:9', upstream_name: 'x/y', max_retries: 0 },
  });
  const { data: repo } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name: 'scheduled', remote: remote!.pulp_href },
  });
  repositoryHref = repo!.pulp_href;
});
afterAll(async () => {
  await scheduleQueue?.close();
  await secondWorker?.kill('SIGTERM');
  await stack?.stop();
});

describe('sync schedules', () => {
  it('validate cron expressions and time zones field by field', async () => {
    const bad = await syncSchedulesCreate({
      client: stack.client,
      body: { name: 'bad', repository: repositoryHref, cron: '0 0 3 * * *' },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ errors: { cron: [expect.stringContaining('five fields')] } });
    const zone = await syncSchedulesCreate({
      client: stack.client,
      body: { name: 'zone', repository: repositoryHref, cron: '0 3 * * *', timezone: 'Mars/Base' },
    });
    expect(zone.error).toMatchObject({ errors: { timezone: [expect.any(String)] } });
  });

  it('report the next run and stop when disabled', async () => {
    const { data } = await syncSchedulesCreate({
      client: stack.client,
      body: { name: 'nightly', repository: repositoryHref, cron: '0 3 * * *', timezone: 'Europe/Prague' },
    });
    expect(new Date(data!.next_run_at!).getTime()).toBeGreaterThan(Date.now());
    const { data: off } = await syncSchedulesPartialUpdate({
      client: stack.client,
      path: { id: idOf(data!.pulp_href) },
      body: { enabled: false },
    });
    expect(off!.next_run_at).toBeNull();
    expect(
      (await syncSchedulesDelete({ client: stack.client, path: { id: idOf(data!.pulp_href) } })).response.status,
    ).toBe(204);
  });

  it('fire exactly once per tick with two worker processes listening', async () => {
    const { data } = await syncSchedulesCreate({
      client: stack.client,
      body: { name: 'every-minute', repository: repositoryHref, cron: '* * * * *' },
    });
    const firstRun = new Date(data!.next_run_at!).getTime();
    expect(new Date(firstRun).getUTCSeconds()).toBe(Number(SCHEDULE_SECOND));
    const tasks = () =>
      stack.sql<{ id: string }>(
        `SELECT id FROM tasks WHERE name = 'bootdepot.app.tasks.sync' AND args->>'repositoryId' = $1`,
        [idOf(repositoryHref)],
      );
    await expect.poll(async () => (await tasks()).length, { timeout: firstRun - Date.now() + 10_000 }).toBe(1);
    // Both workers consume the schedule queue: once Redis holds no firing that is waiting or running, every
    // delivery of this tick has been handled, so a duplicate sync would already be recorded. The next tick is
    // delayed a minute.
    await expect
      .poll(async () => {
        const counts = await scheduleQueue.getJobCounts('waiting', 'active', 'prioritized', 'completed');
        return counts.waiting + counts.active + counts.prioritized === 0 && counts.completed >= 1;
      })
      .toBe(true);
    const fired = await tasks();
    expect(fired).toHaveLength(1);
    expect(Date.now()).toBeLessThan(firstRun + 60_000);
    const { data: after } = await syncSchedulesRead({ client: stack.client, path: { id: idOf(data!.pulp_href) } });
    expect(after!.last_task).toBe(`/pulp/api/v3/tasks/${fired[0]!.id}/`);
    expect(new Date(after!.next_run_at!).getTime()).toBeGreaterThan(firstRun);
  }, 90_000);
});
