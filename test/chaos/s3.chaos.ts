import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatBytes } from '@app/format';
import { FaultProxy } from '../support/fault-proxy';
import { rgwEnv, s3ClientFor, type TestRgw, useRgw } from '../support/rgw';
import { bytesDone, createDistribution, createRemote, createRepository, startSync, waitForTask } from './support/api';
import { type Cluster, startCluster } from './support/cluster';
import { pushBootArtifact, pushLargeArtifact } from './support/fixtures';
import { waitForTasksToSettle } from './support/invariants';
import { diff, Load, type LoadFile } from './support/load';
import { renderTable, rowFrom, type ScenarioRow, seconds } from './support/report';

/**
 * Issue 17, item 5: the chaos layout (2 API, 2 content, 2 workers) on the run's Ceph RGW instead of a shared
 * directory. Every process has a data directory of its own and none has the blobs: a content replica can only
 * serve what a worker put into the bucket. A sync and a boot storm run while one content replica is SIGKILLed.
 */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MiB = 1024 * 1024;
const CLIENTS = env('CHAOS_S3_CLIENTS', 100);
const THINK_MS = env('CHAOS_THINK_MS', 500);
const BLOB_MIB = env('CHAOS_S3_BLOB_MIB', 64);
const THROTTLE = env('CHAOS_THROTTLE_MIB', 16) * MiB;
const SETTLE_MS = 90_000;
/** `presigned`: both content replicas answer with 302 to the RGW (the storm's clients follow it). */
const REDIRECT = process.env.CHAOS_S3_REDIRECT === 'presigned' ? 'presigned' : 'none';

let rgw: TestRgw;
let s3: S3Client;
let prefix: string;
let cluster: Cluster;
let load: Load | undefined;
let fixtureDir: string;
const rows: ScenarioRow[] = [];
const notes: string[] = [];

async function listKeys(under: string): Promise<{ key: string; size: number }[]> {
  const keys: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${prefix}${under}`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) keys.push({ key: o.Key!.slice(prefix.length), size: o.Size ?? 0 });
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function sha256Of(key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: rgw.bucket, Key: `${prefix}${key}` }));
  const hash = createHash('sha256');
  for await (const chunk of Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The chaos invariants, read from the bucket: what `checkInvariants` reads from the shared directory. */
async function bucketInvariants(): Promise<string[]> {
  const violations: string[] = [];
  const stuck = await waitForTasksToSettle(cluster, SETTLE_MS);
  for (const t of stuck) violations.push(`task ${t.id} (${t.name}) still ${t.state}`);
  const objects = new Map((await listKeys('blobs/sha256/')).map((o) => [o.key.split('/').pop()!, o.size]));
  for (const hex of objects.keys()) {
    const actual = await sha256Of(`blobs/sha256/${hex.slice(0, 2)}/${hex}`);
    if (actual !== hex) violations.push(`object sha256:${hex} hashes to sha256:${actual}`);
  }
  const blobs = await cluster.sql<{ digest: string; size: string; state: string }>(
    `SELECT DISTINCT b.digest, b.size, b.state FROM blobs b JOIN repository_content rc ON rc.content_id = b.id`,
  );
  for (const blob of blobs) {
    const size = objects.get(blob.digest.slice('sha256:'.length));
    if (blob.state !== 'stored') violations.push(`blob ${blob.digest} is in a version but ${blob.state}`);
    else if (size === undefined) violations.push(`blob ${blob.digest} is stored but has no object`);
    else if (size !== Number(blob.size)) violations.push(`blob ${blob.digest} object has the wrong size`);
  }
  if (stuck.length === 0) {
    for (const o of await listKeys('tmp/')) violations.push(`orphaned temporary ${o.key}`);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: rgw.bucket, Prefix: prefix }));
    for (const u of uploads.Uploads ?? []) violations.push(`unfinished multipart upload ${u.Key}`);
  }
  // No process kept a blob on its own disk: every byte served went through the bucket.
  for (const dir of readdirSync(cluster.runDir).filter((d) => d.startsWith('data-'))) {
    const local = join(cluster.runDir, dir, 'storage', 'blobs');
    if (existsSync(local) && readdirSync(local, { recursive: true }).length > 0) {
      violations.push(`${dir} holds blobs on its own disk`);
    }
  }
  return violations;
}

/** Downloads `path` from `url` and returns the SHA-256 of the body (and the status, so a failure says why). */
async function fetchDigest(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) return `HTTP ${res.status}`;
  const hash = createHash('sha256');
  for await (const chunk of res.body!) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

beforeAll(async () => {
  rgw = await useRgw();
  s3 = s3ClientFor(rgw);
  prefix = `chaos-${process.pid}-${Date.now().toString(36)}/`;
  cluster = await startCluster({
    storageMiB: 0,
    workerConcurrency: 2,
    objectStorageEnv: { ...rgwEnv(rgw, prefix), CONTENT_REDIRECT: REDIRECT },
  });
  fixtureDir = join(cluster.runDir, 'fixtures');
  mkdirSync(fixtureDir);
  cluster.proxy.addFault({ method: 'GET', path: FaultProxy.BLOB_PATH }, { kind: 'throttle', bytesPerSecond: THROTTLE });
  const pushed = await pushBootArtifact(cluster.registry.url, 'chaos/s3-boot', '40-amd64', {
    kernelMiB: 1,
    initrdMiB: env('CHAOS_INITRD_MIB', 4),
  });
  const remote = await createRemote(cluster.clients[0]!, 'boot', cluster.gate.url, 'chaos/s3-boot');
  const repository = await createRepository(cluster.clients[0]!, 'boot', remote);
  expect((await waitForTask(cluster.clients, await startSync(cluster.clients[0]!, repository, remote))).state).toBe(
    'completed',
  );
  await createDistribution(cluster.clients[1]!, 'boot', 'boot', repository);
  const files: LoadFile[] = pushed.files.map((f) => ({ ...f, path: `/pulp/content/boot/40-amd64/${f.title}` }));
  // The distribution was just created: both replicas serve it (from the bucket) before the storm starts.
  for (const content of cluster.contents) {
    await vi.waitFor(async () => expect(await fetchDigest(`${content.url}${files[1]!.path}`)).toBe(files[1]!.digest), {
      timeout: 10_000,
      interval: 100,
    });
  }
  if (REDIRECT === 'presigned') {
    // The storm then measures redirects, not streaming: each replica answers the initrd with a 302 to the RGW.
    for (const content of cluster.contents) {
      const res = await fetch(`${content.url}${files[1]!.path}`, { redirect: 'manual' });
      await res.arrayBuffer();
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toContain(new URL(rgw.endpoint).host);
    }
  }
  load = Load.start({
    targets: cluster.contents.map((c) => c.url),
    files,
    clients: CLIENTS,
    thinkMs: THINK_MS,
    maxAttempts: 8,
  });
}, 300_000);

afterAll(async () => {
  const final = await load?.stop().catch(() => undefined);
  const summary = [
    `S3: Ceph RGW ${rgw?.endpoint}, prefix ${prefix}; every process with its own BOOTDEPOT_DATA_DIR; CONTENT_REDIRECT=${REDIRECT}`,
    `clients: ${CLIENTS} (think ${THINK_MS} ms), large blobs: ${BLOB_MIB} MiB at ${THROTTLE / MiB} MiB/s per connection`,
    final ? `whole run: ${final.served} downloads served, ${formatBytes(final.bytes)}, ${final.corrupt} corrupt` : '',
    ...notes,
  ].filter(Boolean);
  const report = `${renderTable(rows)}\n\n${summary.join('\n')}\n`;
  console.log(`\n${report}`);
  if (process.env.CHAOS_REPORT) writeFileSync(process.env.CHAOS_REPORT, report);
  await cluster?.stop();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  if (s3 && prefix) {
    const keys = await listKeys('');
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((o) => ({ Key: `${prefix}${o.key}` }));
      await s3.send(new DeleteObjectsCommand({ Bucket: rgw.bucket, Delete: { Objects: batch } }));
    }
    s3.destroy();
  }
}, 120_000);

describe.sequential('scale-out on S3 (Ceph RGW): 2 API, 2 content, 2 workers, no shared filesystem', () => {
  it('syncs and serves a boot storm while a content replica is SIGKILLed: 0 corrupt downloads', async () => {
    const before = await load!.snapshot();
    const blobs = await pushLargeArtifact(cluster.registry.url, 'chaos/s3-big', 'big-1', 2, BLOB_MIB, fixtureDir);
    const total = 2 * BLOB_MIB * MiB;
    const remote = await createRemote(cluster.clients[0]!, 'big', cluster.gate.url, 'chaos/s3-big');
    const repository = await createRepository(cluster.clients[0]!, 'big', remote);
    await createDistribution(cluster.clients[0]!, 'big', 'big', repository);
    const href = await startSync(cluster.clients[1]!, repository, remote);
    await waitForTask(cluster.clients, href, (t) => bytesDone(t) > total * 0.2);

    const victim = cluster.contents[1]!;
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    await sleep(8000); // every client hits the dead replica several times
    const down = await load!.snapshot();
    await victim.start();
    const restartedAt = Date.now();
    await expect
      .poll(async () => (await load!.snapshot()).byReplica[1]! > down.byReplica[1]!, { timeout: 30_000 })
      .toBe(true);
    const serving = Date.now() - restartedAt;

    const task = await waitForTask(cluster.clients, href, undefined, 240_000);
    expect(task.state).toBe('completed');
    // The synced blobs, from each replica: neither has them on a disk, both read them from the bucket.
    for (const content of cluster.contents) {
      for (const [i, digest] of [...blobs.keys()].entries()) {
        expect(await fetchDigest(`${content.url}/pulp/content/big/big-1/part-${i}.img`)).toBe(digest);
      }
    }
    const counters = diff(await load!.snapshot(), before);
    const violations = await bucketInvariants();
    const row = rowFrom(
      'S3: sync + content replica SIGKILL',
      counters,
      {
        recover: `0 s for clients (retry on the other replica); replica down ${seconds(restartedAt - killedAt)}, serving ${seconds(serving)} after restart`,
        outcome: `sync ${task.state} (${formatBytes(total)}); both replicas serve its blobs from the bucket`,
      },
      violations,
    );
    rows.push(row);
    console.log(`[chaos-s3] ${JSON.stringify(row)}`);
    expect(violations).toEqual([]);
    expect(counters.corrupt).toBe(0);
    expect(counters.failedDownloads).toBe(0);
    expect(counters.served).toBeGreaterThan(0);
  }, 400_000);
});
