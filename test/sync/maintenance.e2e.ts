import { digestHex, type Digest } from '@app/oci';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  orphansCleanupCleanup,
  repositoriesNetbootOciDelete,
  repositoriesReclaimSpaceReclaim,
  repositoriesNetbootOciVersionsRepair,
  statusRead,
} from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack, waitForTask } from '../support/stack';
import {
  createRemote,
  createRepository,
  pushFedora,
  storageRoot,
  storedDigests,
  sync,
  type FedoraFixture,
} from './sync-helpers';

const blobPath = (stack: Stack, digest: Digest) =>
  join(storageRoot(stack), 'blobs', 'sha256', digestHex(digest).slice(0, 2), digestHex(digest));

describe('disk maintenance on synced content', () => {
  let registry: TestRegistry;
  let stack: Stack;
  let fedora: FedoraFixture;
  let repoId: string;
  let remote: string;

  beforeAll(async () => {
    registry = await startRegistry();
    fedora = await pushFedora(registry.url, 'fedora/netboot');
    stack = await startStack();
    remote = await createRemote(stack, {
      url: registry.url,
      upstream_name: 'fedora/netboot',
      include_tags: ['40-amd64'],
    });
    repoId = await createRepository(stack);
    expect((await sync(stack, repoId, remote)).state).toBe('completed');
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'fedora', base_path: 'fedora', repository: `/pulp/api/v3/repositories/netboot/oci/${repoId}/` },
      throwOnError: true,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await registry?.stop();
  });

  it('repair re-fetches a corrupted and a missing file of a version', async () => {
    const [vmlinuz, initrd] = [fedora.amd64.layers[0]!.digest, fedora.amd64.layers[1]!.digest];
    writeFileSync(blobPath(stack, vmlinuz), 'corrupted on disk');
    rmSync(blobPath(stack, initrd));
    const { data } = await repositoriesNetbootOciVersionsRepair({
      client: stack.client,
      path: { id: repoId, number: 1 },
      throwOnError: true,
    });
    const task = await waitForTask(stack, data.task);
    expect(task.error).toBeNull();
    expect(task.progress_reports).toContainEqual(
      expect.objectContaining({ code: 'repair.verifying', suffix: '2 missing or corrupt' }),
    );
    expect(storedDigests(stack).every((file) => file.intact)).toBe(true);
    expect(existsSync(blobPath(stack, initrd))).toBe(true);
    const served = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/vmlinuz`);
    expect(Buffer.from(await served.arrayBuffer()).equals(fedora.amd64.blobs.get(vmlinuz)!)).toBe(true);
  });

  it('orphan cleanup frees exactly the files no version references any more', async () => {
    const lonely = makeFile(64 * 1024, 'only-in-the-doomed-repository');
    const doomedArtifact = buildNetbootArtifact({
      files: { vmlinuz: lonely, 'pxelinux.0': fedora.amd64.blobs.get(fedora.amd64.layers[6]!.digest)! },
    });
    await pushArtifact(registry.url, 'lab/doomed', 'v1', doomedArtifact);
    const doomedRemote = await createRemote(stack, { url: registry.url, upstream_name: 'lab/doomed' });
    const doomed = await createRepository(stack);
    expect((await sync(stack, doomed, doomedRemote)).state).toBe('completed');
    const lonelyDigest = doomedArtifact.layers[0]!.digest;
    expect(existsSync(blobPath(stack, lonelyDigest))).toBe(true);

    await repositoriesNetbootOciDelete({ client: stack.client, path: { id: doomed }, throwOnError: true });
    const { data: before } = await statusRead({ client: stack.anonymous, throwOnError: true });
    expect(before.storage.orphaned).toBe(lonely.length);

    const { data } = await orphansCleanupCleanup({
      client: stack.client,
      body: { orphan_protection_time: 0 },
      throwOnError: true,
    });
    const task = await waitForTask(stack, data.task);
    expect(task.state).toBe('completed');
    expect(existsSync(blobPath(stack, lonelyDigest))).toBe(false);
    // Shared with the surviving repository: kept.
    expect(existsSync(blobPath(stack, fedora.amd64.layers[6]!.digest))).toBe(true);
    const { data: after } = await statusRead({ client: stack.anonymous, throwOnError: true });
    expect(after.storage.orphaned).toBe(0);
    const rows = await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM blobs WHERE digest = $1`, [
      lonelyDigest,
    ]);
    expect(rows[0]!.n).toBe(0);
    const served = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/pxelinux.0`);
    expect(served.status).toBe(200);
  });

  it('the protection window keeps recent orphans', async () => {
    const fresh = buildNetbootArtifact({ files: { vmlinuz: makeFile(8 * 1024, 'fresh-orphan') } });
    await pushArtifact(registry.url, 'lab/fresh', 'v1', fresh);
    const freshRepo = await createRepository(stack);
    expect(
      (await sync(stack, freshRepo, await createRemote(stack, { url: registry.url, upstream_name: 'lab/fresh' })))
        .state,
    ).toBe('completed');
    await repositoriesNetbootOciDelete({ client: stack.client, path: { id: freshRepo }, throwOnError: true });
    const { data } = await orphansCleanupCleanup({
      client: stack.client,
      body: { orphan_protection_time: 60 },
      throwOnError: true,
    });
    await waitForTask(stack, data.task);
    expect(existsSync(blobPath(stack, fresh.layers[0]!.digest))).toBe(true);
  });

  it('reclaim turns stored files back into on-demand content, fetched again on the next request', async () => {
    const { data } = await repositoriesReclaimSpaceReclaim({
      client: stack.client,
      body: { repo_hrefs: [`/pulp/api/v3/repositories/netboot/oci/${repoId}/`] },
      throwOnError: true,
    });
    const task = await waitForTask(stack, data.task);
    expect(task.state).toBe('completed');
    const vmlinuz = fedora.amd64.layers[0]!.digest;
    expect(existsSync(blobPath(stack, vmlinuz))).toBe(false);
    const [row] = await stack.sql<{ state: string }>(`SELECT state FROM blobs WHERE digest = $1`, [vmlinuz]);
    expect(row!.state).toBe('remote');
    const served = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/vmlinuz`);
    expect(Buffer.from(await served.arrayBuffer()).equals(fedora.amd64.blobs.get(vmlinuz)!)).toBe(true);
    // The verified copy is committed just after the response ends.
    let state = 'remote';
    for (let i = 0; i < 50 && state !== 'stored'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ state }] = (await stack.sql<{ state: string }>(`SELECT state FROM blobs WHERE digest = $1`, [vmlinuz])) as [
        { state: string },
      ];
    }
    expect(state).toBe('stored');
    expect(existsSync(blobPath(stack, vmlinuz))).toBe(true);
  });

  it('refuses to reclaim something that is not a repository', async () => {
    const { response, error } = await repositoriesReclaimSpaceReclaim({
      client: stack.client,
      body: { repo_hrefs: ['/nope/'] },
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ errors: { repo_hrefs: [expect.any(String)] } });
  });
});
