import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orphansCleanupCleanup, remotesNetbootOciCreate, statusRead } from '../../openapi/client/sdk.gen';
import { freePort } from '../support/registry';
import { idOf, Stack, startStack, waitForTask } from '../support/stack';

let stack: Stack;
let workerHealthPort: number;
beforeAll(async () => {
  workerHealthPort = await freePort();
  stack = await startStack({
    env: { WORKER_HEALTH_PORT: String(workerHealthPort), ORPHAN_PROTECTION_MINUTES: '90' },
  });
});
afterAll(async () => stack?.stop());

describe('health and metrics', () => {
  it('answers liveness and readiness without credentials', async () => {
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ database: true, redis: true, storage: true });
    const worker = await fetch(`http://127.0.0.1:${workerHealthPort}/readyz`);
    expect(await worker.json()).toEqual({ database: true, redis: true, storage: true });
  });

  it('exposes Prometheus metrics with requests by route pattern, tasks and queue depth', async () => {
    await remotesNetbootOciCreate({
      client: stack.client,
      body: { name: 'm', url: 'http://127.0.0.1:9', upstream_name: 'a/b' },
    });
    await fetch(`${stack.apiUrl}/pulp/api/v3/remotes/netboot/oci/`);
    const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(text).toMatch(
      /bootdepot_http_requests_total\{[^}]*route="\/pulp\/api\/v3\/remotes\/netboot\/oci"[^}]*status="201"/,
    );
    expect(text).toMatch(/bootdepot_http_requests_total\{[^}]*status="401"/);
    expect(text).toContain('bootdepot_queue_jobs{');
    expect(text).toContain('bootdepot_sync_downloaded_bytes');
    expect(text).toContain('bootdepot_sync_duration_seconds_count');
    expect(text).toContain('bootdepot_process_resident_memory_bytes');
    expect(text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/);
  });
});

describe('orphan cleanup', () => {
  it('runs as a task and reports what it freed', async () => {
    const { data, response } = await orphansCleanupCleanup({
      client: stack.client,
      body: { orphan_protection_time: 0 },
    });
    expect(response.status).toBe(202);
    const task = await waitForTask(stack, data!.task);
    expect(task.state).toBe('completed');
    expect(task.progress_reports.map((r) => r.code)).toEqual(
      expect.arrayContaining(['orphans.content', 'orphans.files']),
    );
    const { data: status } = await statusRead({ client: stack.anonymous });
    expect(status!.storage.orphaned).toBe(0);
  });

  it("protects for the server's ORPHAN_PROTECTION_MINUTES when the request names no time", async () => {
    const { data } = await orphansCleanupCleanup({ client: stack.client, body: {}, throwOnError: true });
    await waitForTask(stack, data.task);
    const [task] = await stack.sql<{ args: { protectionMinutes: number } }>('SELECT args FROM tasks WHERE id = $1', [
      idOf(data.task),
    ]);
    expect(task.args.protectionMinutes).toBe(90);
  });

  it('refuses a negative protection time', async () => {
    const { response } = await orphansCleanupCleanup({ client: stack.client, body: { orphan_protection_time: -1 } });
    expect(response.status).toBe(400);
  });
});
