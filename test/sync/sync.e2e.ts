import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import {
  createRemote,
  createRepository,
  type FedoraFixture,
  latestVersion,
  presentTags,
  pushFedora,
  storageRoot,
  storedDigests,
  summaryOf,
  sync,
} from './sync-helpers';

let stack: Stack;
let registry: TestRegistry;
let proxy: FaultProxy;
let fedora: FedoraFixture;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await FaultProxy.start(registry.url);
  stack = await startStack();
  fedora = await pushFedora(registry.url, 'fedora/netboot');
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await registry?.stop();
});

describe('immediate sync', () => {
  it('creates version 1 with every tag, manifest and blob, and stores verified files', async () => {
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: proxy.url, upstream_name: 'fedora/netboot', policy: 'immediate' });
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    expect(task.created_resources).toEqual([`/pulp/api/v3/repositories/netboot/oci/${repo}/versions/1/`]);
    expect(await latestVersion(stack, repo)).toBe(1);
    expect(await summaryOf(stack, repo, 1)).toEqual({
      added: { tag: 3, manifest: 3, blob: fedora.blobCount.all },
      removed: {},
      present: { tag: 3, manifest: 3, blob: fedora.blobCount.all },
    });
    const reports = Object.fromEntries(task.progress_reports.map((r) => [r.code, r]));
    expect(reports['sync.listing.tags']).toMatchObject({ total: 3, done: 3 });
    expect(reports['sync.checking.tags']).toMatchObject({ total: 3, done: 3, state: 'completed' });
    expect(reports['sync.parsing.manifests']).toMatchObject({ total: 3, done: 3 });
    expect(reports['sync.downloading.blobs']).toMatchObject({
      total: fedora.blobCount.all,
      done: fedora.blobCount.all,
    });
    const bytes = reports['sync.downloading.bytes']!;
    expect(bytes.done).toBe(bytes.total);

    // Every blob is in storage, intact, under its digest; two titles sharing a blob gave one file.
    const stored = storedDigests(stack);
    expect(stored.every((file) => file.intact)).toBe(true);
    const expected = new Set([...fedora.amd64.blobs.keys(), ...fedora.arm64.blobs.keys()]);
    expect(new Set(stored.map((file) => file.digest))).toEqual(expected);
    const rows = await stack.sql<{ state: string; n: string }>('SELECT state, count(*) AS n FROM blobs GROUP BY state');
    expect(rows).toEqual([{ state: 'stored', n: String(expected.size) }]);
    const titles = await stack.sql<{ title: string; digest: string }>(
      `SELECT l.title, l.digest FROM manifest_layers l JOIN manifests m ON m.id = l.manifest_id WHERE m.digest = $1 ORDER BY l.position`,
      [fedora.amd64.digest],
    );
    expect(titles.map((t) => t.title)).toEqual([
      'vmlinuz',
      'initrd.img',
      'install.img',
      'boot.iso',
      'shimx64.efi',
      'grubx64.efi',
      'pxelinux.0',
    ]);
    expect(titles[2]!.digest).toBe(titles[3]!.digest);
    const raw = await stack.sql<{ raw: Buffer }>('SELECT raw FROM manifests WHERE digest = $1', [fedora.index.digest]);
    expect(`sha256:${createHash('sha256').update(raw[0]!.raw).digest('hex')}`).toBe(fedora.index.digest);
    const file = join(
      storageRoot(stack),
      'blobs',
      'sha256',
      fedora.amd64.layers[0]!.digest.slice(7, 9),
      fedora.amd64.layers[0]!.digest.slice(7),
    );
    expect(readFileSync(file).length).toBe(fedora.amd64.layers[0]!.size);

    // A re-sync changes nothing: no version, not one blob request, no manifest body fetched again.
    proxy.reset();
    const again = await sync(stack, repo, remote);
    expect(again.state).toBe('completed');
    expect(again.created_resources).toEqual([]);
    expect(await latestVersion(stack, repo)).toBe(1);
    expect(proxy.count('GET', FaultProxy.BLOB_PATH)).toBe(0);
    expect(proxy.count('GET', '/manifests/')).toBe(0);
    expect(proxy.count('HEAD', '/manifests/')).toBe(3);
  });

  it('shares blobs with another repository without downloading them again', async () => {
    const first = await createRepository(stack);
    const second = await createRepository(stack);
    const remote = await createRemote(stack, { url: proxy.url, upstream_name: 'fedora/netboot' });
    expect((await sync(stack, first, remote)).state).toBe('completed');
    proxy.reset();
    const task = await sync(stack, second, remote);
    expect(task.state).toBe('completed');
    expect(await summaryOf(stack, second, 1)).toMatchObject({
      present: { tag: 3, manifest: 3, blob: fedora.blobCount.all },
    });
    expect(proxy.count('GET', FaultProxy.BLOB_PATH)).toBe(0);
    expect(await presentTags(stack, second)).toEqual(['40', '40-amd64', '40-arm64']);
  });
});
