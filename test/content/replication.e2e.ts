import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributionsNetbootOciCreate, repositoriesNetbootOciRead } from '../../openapi/client/sdk.gen';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import {
  createRemote,
  createRepository,
  type FedoraFixture,
  latestVersion,
  pushFedora,
  sync,
} from '../sync/sync-helpers';

/**
 * A Capsule-style edge: bootdepot B syncs from bootdepot A's read-only registry, which synced from a real
 * registry. Digests must survive both hops, and B must serve the same boot files as A.
 */
describe('replication: one bootdepot syncs from another', () => {
  let registry: TestRegistry;
  let a: Stack;
  let b: Stack;
  let fedora: FedoraFixture;

  async function publish(stack: Stack, basePath: string, repositoryId: string) {
    const { data: repo } = await repositoriesNetbootOciRead({
      client: stack.client,
      path: { id: repositoryId },
      throwOnError: true,
    });
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: basePath.replace(/\//g, '-'), base_path: basePath, repository: repo.pulp_href },
      throwOnError: true,
    });
    // The API announces the new distribution to the content app (Redis pub/sub, asynchronous): wait until
    // its registry serves it, as a client would find out.
    await expect.poll(() => fetch(`${stack.contentUrl}/v2/${basePath}/tags/list`).then((res) => res.status)).toBe(200);
  }

  beforeAll(async () => {
    registry = await startRegistry();
    fedora = await pushFedora(registry.url, 'fedora/netboot');
    a = await startStack();
    b = await startStack();
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await registry?.stop();
  });

  it('syncs A from the registry, then B from A, with digests and files unchanged', async () => {
    const repoA = await createRepository(a);
    const remoteA = await createRemote(a, { url: registry.url, upstream_name: 'fedora/netboot', policy: 'immediate' });
    expect((await sync(a, repoA, remoteA)).state).toBe('completed');
    await publish(a, 'fedora/40', repoA);

    const repoB = await createRepository(b);
    const remoteB = await createRemote(b, { url: a.contentUrl, upstream_name: 'fedora/40', policy: 'immediate' });
    const task = await sync(b, repoB, remoteB);
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    expect(await latestVersion(b, repoB)).toBe(1);
    await publish(b, 'edge/fedora', repoB);

    const digests = async (stack: Stack) =>
      (await stack.sql<{ digest: string }>('SELECT digest FROM manifests ORDER BY digest')).map((r) => r.digest);
    expect(await digests(b)).toEqual(await digests(a));
    expect(await digests(b)).toEqual(
      expect.arrayContaining([fedora.amd64.digest, fedora.arm64.digest, fedora.index.digest]),
    );

    for (const path of ['40-amd64/vmlinuz', '40/aarch64/images/pxeboot/initrd.img', '40-amd64/EFI/BOOT/BOOTX64.EFI']) {
      const fromA = await fetch(`${a.contentUrl}/pulp/content/fedora/40/${path}`);
      const fromB = await fetch(`${b.contentUrl}/pulp/content/edge/fedora/${path}`);
      expect(fromB.status, path).toBe(200);
      expect(fromB.headers.get('etag')).toBe(fromA.headers.get('etag'));
      expect(Buffer.from(await fromB.arrayBuffer()).equals(Buffer.from(await fromA.arrayBuffer()))).toBe(true);
    }
    const manifestA = await fetch(`${a.contentUrl}/v2/fedora/40/manifests/40`);
    const manifestB = await fetch(`${b.contentUrl}/v2/edge/fedora/manifests/40`);
    expect(manifestB.headers.get('docker-content-digest')).toBe(fedora.index.digest);
    expect(Buffer.from(await manifestB.arrayBuffer()).equals(Buffer.from(await manifestA.arrayBuffer()))).toBe(true);
  });
});
