import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError } from '@app/registry-client';
import { FaultProxy } from '../support/fault-proxy';
import { startRegistry, type TestRegistry } from '../support/registry';
import { buildNetbootArtifact, makeFile, MemorySink, pushArtifact, type NetbootArtifact } from '../support/push';
import type { TokenServer } from '../support/token-server';

describe('registry client with token (Bearer) auth', () => {
  let registry: TestRegistry;
  let tokens: TokenServer;
  let proxy: FaultProxy;
  let artifact: NetbootArtifact;
  const repo = 'netboot/centos-stream';
  const clients: RegistryClient[] = [];
  const client = (url: string, credentials: boolean) => {
    const c = new RegistryClient({
      url,
      ...(credentials ? { username: registry.username, password: registry.password } : {}),
      maxRetries: 2,
      retryBaseDelayMs: 10,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    tokens = registry.tokenServer!;
    proxy = await FaultProxy.start(registry.url);
    artifact = buildNetbootArtifact({
      files: { 'initrd.img': makeFile(3 * 1024 * 1024, 'initrd'), vmlinuz: makeFile(50_000, 'k') },
    });
    await pushArtifact(registry.url, repo, '10-x86_64', artifact, {
      username: registry.username!,
      password: registry.password!,
    });
  });

  beforeEach(() => {
    tokens.options = { users: { [registry.username!]: registry.password! } };
    proxy.reset();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy?.stop();
    await registry?.stop();
  });

  it('denies anonymous pulls when the token service grants nothing, with an actionable message', async () => {
    const error = (await client(registry.url, false)
      .getManifest(repo, '10-x86_64')
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/anonymous pull access to netboot\/centos-stream was refused/);
  });

  it('pulls anonymously when the token service allows it', async () => {
    tokens.options.anonymousPull = true;
    const manifest = await client(registry.url, false).getManifest(repo, '10-x86_64');
    expect(manifest.digest).toBe(artifact.digest);
    expect(tokens.requests.at(-1)).toMatchObject({ authorized: false, scopes: [`repository:${repo}:pull`] });
  });

  it('pulls with credentials and caches the token across requests', async () => {
    const c = client(registry.url, true);
    const before = tokens.issued;
    await c.listTags(repo);
    await c.getManifest(repo, '10-x86_64');
    await c.headManifest(repo, '10-x86_64');
    const sink = new MemorySink();
    await c.downloadBlob(repo, artifact.layers[1].digest, sink);
    sink.verify(artifact.layers[1].digest);
    expect(tokens.issued - before).toBe(1);
    expect(tokens.requests.at(-1)).toMatchObject({ authorized: true, account: registry.username });
  });

  it('uses access_token when token is absent', async () => {
    tokens.options.tokenField = 'access_token';
    tokens.options.omitExpiresIn = true;
    await expect(client(registry.url, true).listTags(repo)).resolves.toEqual(['10-x86_64']);
  });

  it('says the credentials are wrong when the token service refuses them', async () => {
    const c = new RegistryClient({ url: registry.url, username: registry.username, password: 'nope', maxRetries: 0 });
    clients.push(c);
    const error = (await c.listTags(repo).catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toMatch(/token service rejected the configured username\/password/);
    expect(error.message).not.toContain('nope');
  });

  it('builds the repository scope itself when the challenge omits it (Quay)', async () => {
    proxy.addFault({}, { kind: 'strip-challenge-scope' });
    const c = client(proxy.url, true);
    expect((await c.getManifest(repo, '10-x86_64')).digest).toBe(artifact.digest);
    expect(tokens.requests.at(-1)?.scopes).toEqual([`repository:${repo}:pull`]);
  });

  it('refreshes an expired token before resuming a download that outlived it', async () => {
    tokens.options.expiresIn = 1;
    const layer = artifact.layers[0];
    const c = client(proxy.url, true);
    // Learn the challenge first, so the fault rules below apply to the authorized blob GET, not to a 401.
    await c.getManifest(repo, '10-x86_64');
    const before = tokens.issued;
    // ~1 MiB/s: the first connection dies after about 1.4 s, after the 1 s token has expired.
    proxy.addFault({ method: 'GET', path: FaultProxy.BLOB_PATH }, { kind: 'throttle', bytesPerSecond: 1024 * 1024 }, 1);
    proxy.addFault({ method: 'GET', path: FaultProxy.BLOB_PATH }, { kind: 'drop-after', bytes: 1_500_000 }, 1);
    const sink = new MemorySink();
    await c.downloadBlob(repo, layer.digest, sink, { expectedSize: layer.size });
    sink.verify(layer.digest);
    const blobGets = proxy.requests.filter((r) => r.method === 'GET' && FaultProxy.BLOB_PATH.test(r.path));
    expect(blobGets.map((r) => r.range)).toEqual([undefined, 'bytes=1500000-']);
    // distribution allows 60 s of clock leeway, so it would still accept the old token: what matters is that
    // the client did not send a token it knew to be expired.
    expect(blobGets[1].authorization).not.toBe(blobGets[0].authorization);
    expect(tokens.issued - before).toBeGreaterThanOrEqual(1);
  });

  it('fetches a new token when the registry refuses a cached one mid-operation (401), once', async () => {
    const c = client(proxy.url, true);
    await c.getManifest(repo, '10-x86_64');
    const before = tokens.issued;
    proxy.reset();
    // distribution's 60 s leeway makes a truly expired JWT slow to produce; answer the registry's own 401 instead.
    const challenge = `Bearer realm="${tokens.realm}",service="${tokens.service}",scope="repository:${repo}:pull",error="invalid_token"`;
    proxy.addFault(
      { method: 'GET', path: FaultProxy.BLOB_PATH },
      { kind: 'status', status: 401, headers: { 'www-authenticate': challenge } },
      1,
    );
    const sink = new MemorySink();
    await c.downloadBlob(repo, artifact.layers[1].digest, sink);
    sink.verify(artifact.layers[1].digest);
    expect(tokens.issued - before).toBe(1);
    const blobGets = proxy.requests.filter((r) => FaultProxy.BLOB_PATH.test(r.path));
    expect(blobGets).toHaveLength(2);
    expect(blobGets[0].authorization).toMatch(/^Bearer /);
    expect(blobGets[1].authorization).toMatch(/^Bearer /);
    expect(blobGets[1].authorization).not.toBe(blobGets[0].authorization);
  });

  it('gives up after one fresh token is refused too', async () => {
    const c = client(proxy.url, true);
    await c.getManifest(repo, '10-x86_64');
    proxy.reset();
    const challenge = `Bearer realm="${tokens.realm}",service="${tokens.service}",error="invalid_token"`;
    proxy.addFault(
      { path: FaultProxy.BLOB_PATH },
      { kind: 'status', status: 401, headers: { 'www-authenticate': challenge } },
    );
    const error = (await c
      .downloadBlob(repo, artifact.layers[1].digest, new MemorySink())
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(401);
    expect(proxy.count('GET', FaultProxy.BLOB_PATH)).toBe(2);
  });
});
