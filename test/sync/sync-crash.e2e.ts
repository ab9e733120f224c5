import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy';
import { pushFileArtifact, writeFixtureFile } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack, waitForTask } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { storedDigests, syncKilledMidDownload, temporaries } from './sync-helpers';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;

let stack: Stack;
let registry: TestRegistry;
let proxy: FaultProxy;
let fixtureDir: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await FaultProxy.start(registry.url);
  stack = await startStack({ worker: false });
  fixtureDir = mkdtempSync(join(tmpdir(), 'bootdepot-crash-'));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await stack?.stop();
  await proxy?.stop();
  await registry?.stop();
  rmSync(fixtureDir, { recursive: true, force: true });
});

describe('a worker killed mid-download', () => {
  it('is replaced by another worker that resumes the partial blob and completes the task', async () => {
    const path = join(fixtureDir, 'install.img');
    const digest = await writeFixtureFile(path, SIZE, 'crash-install');
    await pushFileArtifact(registry.url, 'crash/netboot', '40-amd64', [
      { title: 'install.img', path, digest, size: SIZE },
    ]);
    // Slow enough that the kill lands mid-blob.
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'throttle', bytesPerSecond: 40 * MiB });

    const href = await syncKilledMidDownload(stack, workers, {
      remoteUrl: proxy.url,
      upstreamName: 'crash/netboot',
      afterBytes: 30 * MiB,
    });
    expect(temporaries(stack).length).toBe(1);

    const second = await spawnWorker(stack);
    workers.push(second);
    const task = await waitForTask(stack, href, 100_000);
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    expect(task.created_resources).toHaveLength(1);
    const resumed = proxy.requests.filter((r) => r.path.includes(digest));
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    expect(Number(/bytes=(\d+)-/.exec(resumed.at(-1)!.range ?? '')?.[1] ?? 0)).toBeGreaterThan(0);
    expect(storedDigests(stack).find((f) => f.digest === digest)?.intact).toBe(true);
    expect(temporaries(stack)).toEqual([]);
    await second.kill('SIGTERM');
  }, 180_000);
});
