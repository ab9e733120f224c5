import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tasksCancel } from '../../openapi/client/sdk.gen';
import { FaultProxy } from '../support/fault-proxy';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { idOf, type Stack, startStack, waitForTask } from '../support/stack';
import {
  createRemote,
  createRepository,
  latestVersion,
  presentTags,
  readTask,
  rebuilt,
  startSync,
  storedDigests,
  sync,
  temporaries,
  waitForTaskState,
  waitUntilPickedUp,
} from './sync-helpers';

let stack: Stack;
let registry: TestRegistry;
let proxy: FaultProxy;

const MiB = 1024 * 1024;
const big = buildNetbootArtifact({
  files: { 'install.img': makeFile(4 * MiB, 'faults-install'), vmlinuz: makeFile(64 * 1024, 'faults-vmlinuz') },
});
const bigBlob = big.layers[0]!.digest;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await FaultProxy.start(registry.url);
  stack = await startStack();
  await pushArtifact(registry.url, 'faults/netboot', '40-amd64', big);
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await registry?.stop();
});

async function fresh(include = ['40-amd64'], upstream = 'faults/netboot') {
  const repo = await createRepository(stack);
  const remote = await createRemote(stack, {
    url: proxy.url,
    upstream_name: upstream,
    include_tags: include,
    max_retries: 5,
  });
  return { repo, remote };
}

/** Each test needs the blob downloaded again: forget it in storage and in the database. */
async function forgetBlobs() {
  const { rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  rmSync(join(stack.prepared.config.storagePath, 'blobs'), { recursive: true, force: true });
  await stack.sql(`UPDATE blobs SET state = 'remote'`);
}

describe('registry failures', () => {
  beforeEach(forgetBlobs);

  it('waits for Retry-After on 429 and completes', async () => {
    proxy.addFault(
      { method: 'GET', path: bigBlob },
      { kind: 'status', status: 429, retryAfter: '1', body: '<html>slow down</html>' },
      2,
    );
    const { repo, remote } = await fresh();
    const started = Date.now();
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(proxy.count('GET', bigBlob)).toBe(3);
  });

  it('rides out a burst of 503s on manifests and blobs', async () => {
    proxy.addFault({ path: '/manifests/' }, { kind: 'status', status: 503 }, 3);
    proxy.addFault({ method: 'GET', path: FaultProxy.BLOB_PATH }, { kind: 'status', status: 503 }, 3);
    const { repo, remote } = await fresh();
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    expect(storedDigests(stack).every((f) => f.intact)).toBe(true);
  });

  it('resumes a blob whose connection dropped halfway', async () => {
    proxy.addFault({ method: 'GET', path: bigBlob }, { kind: 'drop-after', bytes: 2 * MiB }, 1);
    const { repo, remote } = await fresh();
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    const ranges = proxy.requests.filter((r) => r.path.includes(bigBlob)).map((r) => r.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(storedDigests(stack).find((f) => f.digest === bigBlob)?.intact).toBe(true);
  });

  it('fails on a wrong digest, stores nothing from the sync, and keeps the previous version latest', async () => {
    const { repo, remote } = await fresh(['40-amd64', '41-amd64']);
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    const next = buildNetbootArtifact({ files: { vmlinuz: makeFile(256 * 1024, 'faults-41-vmlinuz') } });
    await pushArtifact(registry.url, 'faults/netboot', '41-amd64', next);
    const bad = next.layers[0]!.digest;
    proxy.addFault({ method: 'GET', path: bad }, { kind: 'corrupt', at: 1000 });
    const task = await sync(stack, repo, remote);
    expect(task.state).toBe('failed');
    expect(task.error!.description).toContain('file "vmlinuz" of tag 41-amd64');
    expect(task.error!.description).toContain(`${proxy.url}/v2/faults/netboot/blobs/${bad}`);
    expect(task.error!.description).toMatch(/hash to sha256:[0-9a-f]{64}, not/);
    expect(await latestVersion(stack, repo)).toBe(1);
    expect(await presentTags(stack, repo)).toEqual(['40-amd64']);
    expect(storedDigests(stack).map((f) => f.digest)).not.toContain(bad);
    expect(await stack.sql('SELECT 1 FROM blobs WHERE digest = $1', [bad])).toEqual([]);
    expect(await stack.sql('SELECT 1 FROM manifests WHERE digest = $1', [next.digest])).toEqual([]);
    expect(temporaries(stack)).toEqual([]);
  });
});

describe('rejected content', () => {
  it('fails on an unsafe title, naming the tag and the title, and records nothing', async () => {
    const evil = rebuilt(buildNetbootArtifact({ files: { vmlinuz: makeFile(1024, 'evil') } }), (m) => {
      m.layers[0].annotations['org.opencontainers.image.title'] = '../../etc/shadow';
    });
    await pushArtifact(registry.url, 'evil/netboot', 'bad', evil);
    const { repo, remote } = await fresh(['bad'], 'evil/netboot');
    const task = await sync(stack, repo, remote);
    expect(task.state).toBe('failed');
    expect(task.error!.description).toContain('tag bad');
    expect(task.error!.description).toContain('"../../etc/shadow"');
    expect(await latestVersion(stack, repo)).toBe(0);
    expect(await stack.sql('SELECT 1 FROM manifests WHERE digest = $1', [evil.digest])).toEqual([]);
  });

  it('fails before downloading when the manifests announce more than the storage has free', async () => {
    const small = makeFile(1024, 'huge-liar');
    const liar = rebuilt(buildNetbootArtifact({ files: { 'boot.iso': small } }), (m) => {
      m.layers[0].size = 2 ** 50;
    });
    await pushArtifact(registry.url, 'huge/netboot', 'huge', liar);
    const { repo, remote } = await fresh(['huge'], 'huge/netboot');
    const task = await sync(stack, repo, remote);
    expect(task.state).toBe('failed');
    expect(task.error!.description).toMatch(/not enough free space in storage: .*1\.00 PiB \(\d+ bytes\)/);
    expect(proxy.count('GET', FaultProxy.BLOB_PATH)).toBe(0);
    expect(await latestVersion(stack, repo)).toBe(0);
  });
});

describe('cancel and concurrency', () => {
  beforeEach(forgetBlobs);

  it('cancels mid-download: task canceled, no version, no temporaries', async () => {
    proxy.addFault({ method: 'GET', path: bigBlob }, { kind: 'throttle', bytesPerSecond: 512 * 1024 });
    const { repo, remote } = await fresh();
    const href = await startSync(stack, repo, remote);
    await waitForTaskState(
      stack,
      href,
      (t) => (t.progress_reports.find((r) => r.code === 'sync.downloading.bytes')?.done ?? 0) > 0,
    );
    await tasksCancel({
      client: stack.client,
      path: { id: idOf(href) },
      body: { state: 'canceled' },
      throwOnError: true,
    });
    const started = Date.now();
    const task = await waitForTask(stack, href);
    expect(task.state).toBe('canceled');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await latestVersion(stack, repo)).toBe(0);
    expect(temporaries(stack)).toEqual([]);
    expect(storedDigests(stack).map((f) => f.digest)).not.toContain(bigBlob);
  });

  it('runs one sync per repository at a time: the second waits until the first ends', async () => {
    proxy.addFault({ method: 'GET', path: bigBlob }, { kind: 'throttle', bytesPerSecond: 2 * MiB });
    const { repo, remote } = await fresh();
    const first = await startSync(stack, repo, remote);
    await waitForTaskState(stack, first, (t) => t.state === 'running');
    const second = await startSync(stack, repo, remote);
    await waitUntilPickedUp(stack, second);
    expect((await readTask(stack, first)).state).toBe('running');
    expect((await readTask(stack, second)).state).toBe('waiting');
    const a = await waitForTask(stack, first);
    const b = await waitForTask(stack, second);
    expect([a.state, b.state]).toEqual(['completed', 'completed']);
    expect(a.created_resources).toHaveLength(1);
    expect(b.created_resources).toEqual([]);
    expect(new Date(b.started_at!).getTime()).toBeGreaterThanOrEqual(new Date(a.finished_at!).getTime() - 50);
  });

  it('cancels a sync that is still waiting for its repository', async () => {
    proxy.addFault({ method: 'GET', path: bigBlob }, { kind: 'throttle', bytesPerSecond: 4 * MiB });
    const { repo, remote } = await fresh();
    const first = await startSync(stack, repo, remote);
    await waitForTaskState(stack, first, (t) => t.state === 'running');
    const second = await startSync(stack, repo, remote);
    await waitUntilPickedUp(stack, second);
    expect((await readTask(stack, second)).state).toBe('waiting');
    await tasksCancel({
      client: stack.client,
      path: { id: idOf(second) },
      body: { state: 'canceled' },
      throwOnError: true,
    });
    const canceled = await waitForTask(stack, second);
    expect(canceled.state).toBe('canceled');
    expect(canceled.started_at).toBeNull();
    expect((await waitForTask(stack, first)).state).toBe('completed');
  });

  it('lets syncs of different repositories sharing blobs run at once', async () => {
    const one = await fresh();
    const two = await fresh();
    const tasks = await Promise.all([startSync(stack, one.repo, one.remote), startSync(stack, two.repo, two.remote)]);
    const done = await Promise.all(tasks.map((href) => waitForTask(stack, href)));
    expect(done.map((t) => t.error)).toEqual([null, null]);
    expect(await latestVersion(stack, one.repo)).toBe(1);
    expect(await latestVersion(stack, two.repo)).toBe(1);
  });
});
