import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Driver } from '@app/storage';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy';
import { pushFileArtifact, writeFixtureFile } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { rgwEnv, s3ClientFor, useRgw } from '../support/rgw';
import { type Stack, startStack, waitForTask } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { syncKilledMidDownload } from '../sync/sync-helpers';

const MiB = 1024 * 1024;
const SIZE = 120 * MiB;

/**
 * A worker killed mid-download with S3 storage: it never released its writer, so what it left is an unfinished
 * multipart upload under the task's temporary key. The next worker adopts its whole parts and asks the registry
 * only for the rest.
 */
describe('a worker killed mid-download into S3', () => {
  let stack: Stack;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let s3: S3Client;
  let driver: S3Driver;
  let env: Record<string, string>;
  let fixtureDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const rgw = await useRgw();
    const prefix = `crash-${randomUUID()}/`;
    env = rgwEnv(rgw, prefix);
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    s3 = s3ClientFor(rgw);
    driver = new S3Driver({ client: s3, bucket: rgw.bucket, prefix });
    registry = await startRegistry();
    proxy = await FaultProxy.start(registry.url);
    stack = await startStack({ worker: false, env });
    fixtureDir = mkdtempSync(join(tmpdir(), 'bootdepot-s3-crash-'));
  }, 300_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await stack?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (driver) {
      await driver.cleanupTemporaries(0);
      for await (const blob of driver.list()) await driver.delete(blob.digest);
    }
    s3?.destroy();
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  });

  it('resumes from the parts the killed worker uploaded and stores the verified blob', async () => {
    const path = join(fixtureDir, 'install.img');
    const digest = await writeFixtureFile(path, SIZE, 's3-crash-install');
    await pushFileArtifact(registry.url, 'crash/netboot', '40-amd64', [
      { title: 'install.img', path, digest, size: SIZE },
    ]);
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'throttle', bytesPerSecond: 20 * MiB });

    const href = await syncKilledMidDownload(stack, workers, {
      remoteUrl: proxy.url,
      upstreamName: 'crash/netboot',
      afterBytes: 40 * MiB,
      env,
    });
    const left = [];
    for await (const upload of driver.listUploads()) left.push(upload.key);
    expect(left).toEqual([expect.stringMatching(/tmp\/[a-f0-9]{64}\.[^/]+\.partial$/)]);

    const second = await spawnWorker(stack, env);
    workers.push(second);
    const task = await waitForTask(stack, href, 120_000);
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    const requests = proxy.requests.filter((r) => r.path.includes(digest));
    const resumedAt = Number(/bytes=(\d+)-/.exec(requests.at(-1)!.range ?? '')?.[1] ?? 0);
    console.log(`S3 crash resume: the second worker asked for bytes=${resumedAt}- of ${SIZE}`);
    // Whole 8 MiB parts survive the kill: at least the ones before the 40 MiB mark.
    expect(resumedAt).toBeGreaterThanOrEqual(32 * MiB);
    expect(resumedAt % (8 * MiB)).toBe(0);
    expect(await driver.verify(digest)).toBe(true);
    const after = [];
    for await (const upload of driver.listUploads()) after.push(upload.key);
    expect(after).toEqual([]);
    const temporaries = [];
    for await (const object of driver.listObjects(`${env.S3_PREFIX}tmp/`)) temporaries.push(object.key);
    expect(temporaries).toEqual([]);
    await second.kill('SIGTERM');
  }, 300_000);
});
