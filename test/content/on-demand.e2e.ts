import { FilesystemDriver } from '@app/storage';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy';
import { buildNetbootArtifact, makeFile, type NetbootArtifact, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import { header, raw } from './support/http';
import { Seeder } from './support/seed';

const MiB = 1024 * 1024;

describe('content app: on_demand and streamed blobs', () => {
  let stack: Stack;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let storage: FilesystemDriver;
  let onDemand: NetbootArtifact;
  let streamed: NetbootArtifact;
  const limited = new Map<string, NetbootArtifact>();
  const initrd = makeFile(24 * MiB, 'od-initrd');
  const upstreamGets = (digest: string) => proxy.count('GET', new RegExp(`/blobs/${digest}`));
  const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await FaultProxy.start(registry.url);
    stack = await startStack({ worker: false });
    storage = await FilesystemDriver.open({ root: stack.prepared.config.storagePath });
    const seed = await Seeder.open(stack);
    onDemand = buildNetbootArtifact({
      files: { vmlinuz: makeFile(2 * MiB, 'od-k'), 'initrd.img': initrd, 'bad.img': makeFile(3 * MiB, 'od-bad') },
    });
    streamed = buildNetbootArtifact({ files: { vmlinuz: makeFile(3 * MiB, 'st-k') } });
    await pushArtifact(registry.url, 'netboot/od', '40-amd64', onDemand);
    await pushArtifact(registry.url, 'netboot/st', '40-amd64', streamed);

    const odRemote = await seed.remote(proxy.url, 'netboot/od', 'on_demand');
    const odRepo = await seed.repository('od');
    await seed.version(odRepo, {
      tags: { '40-amd64': onDemand },
      remote: { remoteId: odRemote, upstreamName: 'netboot/od' },
    });
    await seed.distribution('od', odRepo);
    const stRemote = await seed.remote(proxy.url, 'netboot/st', 'streamed');
    const stRepo = await seed.repository('st');
    await seed.version(stRepo, {
      tags: { '40-amd64': streamed },
      remote: { remoteId: stRemote, upstreamName: 'netboot/st' },
    });
    await seed.distribution('st', stRepo);

    // Remotes whose limits the on-demand fetches must honour, as a sync does; blobs of their own, because a
    // blob is recorded once, with the first remote that offered it.
    const limits = { read: { sock_read_timeout: 1 }, total: { total_timeout: 2 }, rate: { rate_limit: 1 } };
    for (const [name, remoteLimits] of Object.entries(limits)) {
      const artifact = buildNetbootArtifact({
        files: { vmlinuz: makeFile(4 * MiB, `${name}-k`), 'initrd.img': makeFile(4 * MiB, `${name}-i`) },
      });
      limited.set(name, artifact);
      await pushArtifact(registry.url, `netboot/lim-${name}`, '40-amd64', artifact);
      const remote = await seed.remote(proxy.url, `netboot/lim-${name}`, 'on_demand', remoteLimits);
      const repo = await seed.repository(`lim-${name}`);
      await seed.version(repo, {
        tags: { '40-amd64': artifact },
        remote: { remoteId: remote, upstreamName: `netboot/lim-${name}` },
      });
      await seed.distribution(`lim-${name}`, repo);
    }
  });

  beforeEach(() => proxy.reset());

  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
    await registry?.stop();
  });

  const digestOf = (artifact: NetbootArtifact, title: string) =>
    artifact.layers.find((l) => l.annotations!['org.opencontainers.image.title'] === title)!.digest;

  it('shares one upstream download among concurrent first requests, then serves from storage', async () => {
    const digest = digestOf(onDemand, 'initrd.img');
    expect(await storage.stat(digest)).toBeNull();
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'throttle', bytesPerSecond: 48 * MiB });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        get('/pulp/content/od/40-amd64/images/pxeboot/initrd.img', i % 3 === 0 ? { range: 'bytes=1000-' } : {}),
      ),
    );
    for (const [i, res] of results.entries()) {
      if (i % 3 === 0) {
        expect(res.status).toBe(206);
        expect(res.body.equals(initrd.subarray(1000))).toBe(true);
      } else {
        expect(res.status).toBe(200);
        expect(res.body.equals(initrd)).toBe(true);
      }
    }
    expect(upstreamGets(digest)).toBe(1);
    // Stored once verified: the file is committed, then the row says so, both just after the last response.
    await expect.poll(() => storage.stat(digest), { timeout: 5_000 }).toEqual({ size: initrd.length });
    const state = async () =>
      (await stack.sql<{ state: string }>(`SELECT state FROM blobs WHERE digest = $1`, [digest]))[0]!.state;
    await expect.poll(state, { timeout: 5_000 }).toBe('stored');
    const again = await get('/pulp/content/od/40-amd64/initrd.img');
    expect(again.body.equals(initrd)).toBe(true);
    expect(upstreamGets(digest)).toBe(1);
  });

  it('answers HEAD for a blob not yet fetched without going upstream', async () => {
    const digest = digestOf(onDemand, 'vmlinuz');
    const head = await raw(stack.contentUrl, '/pulp/content/od/40-amd64/vmlinuz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(header(head, 'content-length')).toBe(String(2 * MiB));
    expect(upstreamGets(digest)).toBe(0);
    const viaRegistry = await get(`/v2/od/blobs/${digest}`);
    expect(viaRegistry.body.equals(makeFile(2 * MiB, 'od-k'))).toBe(true);
    expect(upstreamGets(digest)).toBe(1);
  });

  it('aborts every response on a digest mismatch and cools the remote artifact down', async () => {
    const digest = digestOf(onDemand, 'bad.img');
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'corrupt', at: 2 * MiB });
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () => fetchFully('/pulp/content/od/40-amd64/bad.img')),
    );
    for (const outcome of outcomes) {
      expect(outcome.complete).toBe(false);
      expect(outcome.bytes).toBeLessThan(3 * MiB);
    }
    expect(upstreamGets(digest)).toBe(1);
    const [row] = await stack.sql<{ failed_until: Date | null }>(
      `SELECT ra.failed_until FROM remote_artifacts ra JOIN blobs b ON b.id = ra.blob_id WHERE b.digest = $1`,
      [digest],
    );
    expect(row.failed_until!.getTime()).toBeGreaterThan(Date.now());
    expect(await storage.stat(digest)).toBeNull();
    // While cooling down, no upstream request and a clean 404.
    expect((await get('/pulp/content/od/40-amd64/bad.img')).status).toBe(404);
    expect(upstreamGets(digest)).toBe(1);
  });

  it('streams without storing for the streamed policy', async () => {
    const digest = digestOf(streamed, 'vmlinuz');
    const first = await get('/pulp/content/st/40-amd64/vmlinuz');
    expect(first.body.equals(makeFile(3 * MiB, 'st-k'))).toBe(true);
    // The download is over once its flight is gone; an on_demand blob would be in storage by then.
    await expect.poll(() => stack.content.onDemand.inFlight).toBe(0);
    expect(await storage.stat(digest)).toBeNull();
    await get('/pulp/content/st/40-amd64/vmlinuz');
    expect(upstreamGets(digest)).toBe(2);
  });

  it("abandons an upstream that goes silent mid-body after the remote's sock_read_timeout", async () => {
    const digest = digestOf(limited.get('read')!, 'vmlinuz');
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'stall', afterBytes: MiB, ms: 30_000 });
    const started = Date.now();
    const outcome = await fetchFully('/pulp/content/lim-read/40-amd64/vmlinuz');
    // undici checks the read timeout on a ~1 s tick: 1 s of silence ends the transfer within a few seconds,
    // where a client without the remote's setting would wait out the 30 s stall and complete.
    expect(outcome.complete).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await storage.stat(digest)).toBeNull();
  });

  it("answers 502 when upstream headers do not come within the remote's total_timeout, as JSON on /v2/", async () => {
    const digest = digestOf(limited.get('total')!, 'initrd.img');
    proxy.addFault({ method: 'GET', path: digest }, { kind: 'delay', ms: 30_000 });
    const started = Date.now();
    const file = await get('/pulp/content/lim-total/40-amd64/initrd.img');
    expect(file.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(10_000);

    const blob = await get(`/v2/lim-total/blobs/${digest}`);
    expect(blob.status).toBe(502);
    expect(header(blob, 'content-type')).toBe('application/json');
    expect(header(blob, 'docker-distribution-api-version')).toBe('registry/2.0');
    const body = JSON.parse(blob.body.toString()) as { errors: { code: string; message: string }[] };
    expect(body.errors).toEqual([expect.objectContaining({ code: 'UNAVAILABLE' })]);
  });

  it("spaces upstream requests by the remote's rate_limit", async () => {
    const digests = [digestOf(limited.get('rate')!, 'vmlinuz'), digestOf(limited.get('rate')!, 'initrd.img')];
    const [kernel, initrd] = await Promise.all([
      get('/pulp/content/lim-rate/40-amd64/vmlinuz'),
      get('/pulp/content/lim-rate/40-amd64/initrd.img'),
    ]);
    expect(kernel.body.equals(makeFile(4 * MiB, 'rate-k'))).toBe(true);
    expect(initrd.body.equals(makeFile(4 * MiB, 'rate-i'))).toBe(true);
    const times = proxy.requests
      .filter((r) => r.method === 'GET' && digests.some((d) => r.path.includes(d)))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(2);
    // One request per second, burst one: the second waits about a second for its token.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    await expect.poll(() => stack.content.onDemand.inFlight).toBe(0);
  });

  function fetchFully(path: string): Promise<{ bytes: number; complete: boolean }> {
    const url = new URL(stack.contentUrl);
    return new Promise((resolve) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, complete: res.complete }));
        res.on('error', () => resolve({ bytes, complete: false }));
        res.on('aborted', () => resolve({ bytes, complete: false }));
      });
      req.on('error', () => resolve({ bytes: -1, complete: false }));
      req.end();
    });
  }
});
