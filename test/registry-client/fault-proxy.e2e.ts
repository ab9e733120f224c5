import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '@app/oci';
import { RegistryClient, type RegistryClientOptions, RegistryError } from '@app/registry-client';
import { FaultProxy } from '../support/fault-proxy';
import { startRegistry, type TestRegistry } from '../support/registry';
import { makeFile, MemorySink, pushBlob, pushBlobFile, writeFixtureFile } from '../support/push';

const BIG = 24 * 1024 * 1024;

describe('registry client through a fault-injecting proxy', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let dir: string;
  let big: { digest: Digest; size: number };
  let small: { digest: Digest; bytes: Buffer };
  const repo = 'netboot/chaos';
  const blobGet = { method: 'GET', path: FaultProxy.BLOB_PATH };
  const clients: RegistryClient[] = [];
  const client = (options: Partial<RegistryClientOptions> = {}) => {
    const c = new RegistryClient({
      url: proxy.url,
      username: registry.username,
      password: registry.password,
      maxRetries: 3,
      retryBaseDelayMs: 20,
      ...options,
    });
    clients.push(c);
    return c;
  };
  // Clients learn the Basic challenge first, so injected faults hit authorized requests, not the 401 probe.
  const ready = async (options: Partial<RegistryClientOptions> = {}) => {
    const c = client(options);
    await c.ping();
    return c;
  };
  const gets = () => proxy.requests.filter((r) => r.method === 'GET' && FaultProxy.BLOB_PATH.test(r.path));

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    proxy = await FaultProxy.start(registry.url);
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-fixtures-'));
    const auth = { username: registry.username!, password: registry.password! };
    const path = join(dir, 'install.img');
    const digest = await writeFixtureFile(path, BIG, 'install.img');
    big = await pushBlobFile(registry.url, repo, path, auth, digest);
    const bytes = makeFile(200_000, 'small');
    small = { digest: await pushBlob(registry.url, repo, bytes, auth), bytes };
  });

  beforeEach(() => proxy.reset());

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('waits as long as Retry-After (seconds) says after a 429', async () => {
    proxy.addFault(blobGet, { kind: 'status', status: 429, retryAfter: '1' }, 1);
    const sink = new MemorySink();
    await (await ready()).downloadBlob(repo, small.digest, sink);
    sink.verify(small.digest);
    const [limited, retried] = gets();
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(990);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const until = new Date(Date.now() + 2000).toUTCString();
    proxy.addFault(blobGet, { kind: 'status', status: 429, retryAfter: until }, 1);
    await (await ready()).downloadBlob(repo, small.digest, new MemorySink());
    const last = gets().at(-1)!;
    expect(last.at).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('fails at once, saying why, when Retry-After exceeds totalTimeoutMs', async () => {
    proxy.addFault(blobGet, { kind: 'status', status: 429, retryAfter: '60', body: '<html>slow down</html>' });
    const started = Date.now();
    const error = (await client({ totalTimeoutMs: 5000 })
      .downloadBlob(repo, small.digest, new MemorySink())
      .catch((e: unknown) => e)) as RegistryError;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(429);
    expect(error.message).toMatch(
      /answered 429: too many requests \(retrying would take 60000 ms, beyond totalTimeoutMs\)/,
    );
  });

  it('recovers from a 503 burst shorter than maxRetries', async () => {
    proxy.addFault({ path: '/manifests/' }, { kind: 'status', status: 503 }, 3);
    proxy.addFault(blobGet, { kind: 'status', status: 503 }, 3);
    const sink = new MemorySink();
    await (await ready({ maxRetries: 3 })).downloadBlob(repo, small.digest, sink);
    sink.verify(small.digest);
    expect(gets().length).toBeGreaterThanOrEqual(4);
  });

  it('gives up after maxRetries with a retryable error', async () => {
    proxy.addFault(blobGet, { kind: 'status', status: 503 });
    const error = (await (
      await ready({ maxRetries: 2 })
    )
      .downloadBlob(repo, small.digest, new MemorySink())
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(/gave up after 2 retries/);
    expect(gets().length).toBe(3);
  });

  it('does not retry a 404', async () => {
    const missing = `sha256:${'0'.repeat(64)}` as Digest;
    await expect((await ready()).downloadBlob(repo, missing, new MemorySink())).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
    expect(gets()).toHaveLength(1);
  });

  it('resumes a dropped download with Range and ends byte-exact', async () => {
    proxy.addFault(blobGet, { kind: 'drop-after', bytes: BIG / 2 + 12345 }, 2);
    const sink = new MemorySink();
    await (await ready()).downloadBlob(repo, big.digest, sink, { expectedSize: big.size });
    expect(sink.written).toBe(BIG);
    sink.verify(big.digest);
    expect(sink.resets).toBe(0);
    expect(gets().map((r) => r.range)).toEqual([undefined, `bytes=${BIG / 2 + 12345}-`]);
  });

  it('restarts from zero when the server answers 200 to a Range request', async () => {
    const c = await ready();
    proxy.addFault(blobGet, { kind: 'drop-after', bytes: 1_000_000 }, 1);
    proxy.addFault(blobGet, { kind: 'ignore-range' });
    const sink = new MemorySink();
    await c.downloadBlob(repo, big.digest, sink, { expectedSize: big.size });
    sink.verify(big.digest);
    expect(sink.resets).toBe(1);
    expect(gets().map((r) => r.range)).toEqual([undefined, 'bytes=1000000-']);
  });

  it('lets the sink catch corrupted bytes', async () => {
    proxy.addFault(blobGet, { kind: 'corrupt', at: 4242 });
    const sink = new MemorySink();
    await (await ready()).downloadBlob(repo, small.digest, sink, { expectedSize: small.bytes.length });
    expect(() => sink.verify(small.digest)).toThrow(/digest mismatch/);
  });

  it('follows a redirect to the CDN without sending Authorization there', async () => {
    proxy.addFault(blobGet, { kind: 'redirect-cdn' });
    const sink = new MemorySink();
    await (await ready()).downloadBlob(repo, small.digest, sink);
    sink.verify(small.digest);
    expect(proxy.cdnRequests.length).toBeGreaterThanOrEqual(1);
    for (const r of proxy.cdnRequests) expect(r.authorization).toBeUndefined();
    expect(gets().every((r) => r.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('resumes through a 307 redirect with Range preserved', async () => {
    const c = await ready();
    proxy.addFault(blobGet, { kind: 'redirect-cdn', status: 307 });
    proxy.addFault({ cdn: true }, { kind: 'drop-after', bytes: 3_000_000 }, 1);
    const sink = new MemorySink();
    await c.downloadBlob(repo, big.digest, sink, { expectedSize: big.size });
    sink.verify(big.digest);
    expect(proxy.cdnRequests.map((r) => r.range)).toEqual([undefined, 'bytes=3000000-']);
  });

  it('stops after 5 redirects with a clear error', async () => {
    proxy.addFault(blobGet, { kind: 'redirect-loop' });
    const error = (await (
      await ready()
    )
      .downloadBlob(repo, small.digest, new MemorySink())
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/more than 5 redirects/);
  });

  it('stops promptly when aborted mid-download', async () => {
    proxy.addFault(blobGet, { kind: 'throttle', bytesPerSecond: 256 * 1024 });
    const controller = new AbortController();
    const sink = new MemorySink();
    const c = await ready();
    const download = c.downloadBlob(repo, big.digest, sink, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('sync canceled')), 300);
    const started = Date.now();
    await expect(download).rejects.toThrow('sync canceled');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sink.written).toBeLessThan(BIG);
  });

  it('times out a silent server with sockReadTimeoutMs and retries', async () => {
    // undici checks read timeouts on a ~1 s tick, so a 300 ms timeout fires within about a second.
    proxy.addFault(blobGet, { kind: 'delay', ms: 4000 }, 2);
    const started = Date.now();
    const sink = new MemorySink();
    await (await ready({ sockReadTimeoutMs: 300 })).downloadBlob(repo, small.digest, sink);
    sink.verify(small.digest);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(gets()).toHaveLength(3);
  });
});
