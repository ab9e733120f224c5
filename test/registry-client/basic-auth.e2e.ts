import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError } from '@app/registry-client';
import { startRegistry, type TestRegistry } from '../support/registry';
import { buildNetbootArtifact, makeFile, MemorySink, pushArtifact, type NetbootArtifact } from '../support/push';

describe('registry client with htpasswd (Basic) auth', () => {
  let registry: TestRegistry;
  let artifact: NetbootArtifact;
  const repo = 'netboot/fedora';
  const clients: RegistryClient[] = [];
  const client = (username?: string, password?: string) => {
    const c = new RegistryClient({ url: registry.url, username, password, maxRetries: 1, retryBaseDelayMs: 10 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    artifact = buildNetbootArtifact({ files: { vmlinuz: makeFile(100_000, 'k') } });
    await pushArtifact(registry.url, repo, '40-amd64', artifact, {
      username: registry.username!,
      password: registry.password!,
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await registry?.stop();
  });

  it('works with the right credentials', async () => {
    const c = client(registry.username, registry.password);
    await c.ping();
    expect(await c.listTags(repo)).toEqual(['40-amd64']);
    expect((await c.getManifest(repo, '40-amd64')).digest).toBe(artifact.digest);
    const sink = new MemorySink();
    await c.downloadBlob(repo, artifact.layers[0].digest, sink, { expectedSize: artifact.layers[0].size });
    sink.verify(artifact.layers[0].digest);
  });

  it('says the password is wrong, without leaking it', async () => {
    const error = (await client(registry.username, 'wrong-password')
      .listTags(repo)
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/configured credentials were refused/);
    expect(error.message).not.toContain('wrong-password');
  });

  it('says credentials are needed when none are configured', async () => {
    const error = (await client()
      .getManifest(repo, '40-amd64')
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/requires a username and password/);
  });
});
