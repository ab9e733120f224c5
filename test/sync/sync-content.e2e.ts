import { EMPTY_BLOB_DIGEST, MediaType } from '@app/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributionsNetbootOciCreate, remotesNetbootOciPartialUpdate } from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, pushArtifact, pushBlob } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { idOf, type Stack, startStack } from '../support/stack';
import {
  createRemote,
  createRepository,
  type FedoraFixture,
  latestVersion,
  presentTags,
  pushFedora,
  rebuilt,
  storedDigests,
  summaryOf,
  sync,
} from './sync-helpers';

let stack: Stack;
let registry: TestRegistry;
let fedora: FedoraFixture;

beforeAll(async () => {
  registry = await startRegistry();
  stack = await startStack();
  fedora = await pushFedora(registry.url, 'fedora/netboot');
});
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

describe('mirror and additive syncs', () => {
  it('keeps a tag deleted upstream unless mirror is true', async () => {
    const upstream = 'mirror/netboot';
    await pushFedora(registry.url, upstream);
    const extra = buildNetbootArtifact({ files: { vmlinuz: makeFile(8 * 1024, 'rawhide-vmlinuz') } });
    const descriptor = await pushArtifact(registry.url, upstream, 'rawhide', extra);
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: registry.url, upstream_name: upstream });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    expect(await presentTags(stack, repo)).toEqual(['40', '40-amd64', '40-arm64', 'rawhide']);

    const res = await fetch(`${registry.url}/v2/${upstream}/manifests/${descriptor.digest}`, { method: 'DELETE' });
    expect(res.status).toBe(202);

    const additive = await sync(stack, repo, remote, false);
    expect(additive.state).toBe('completed');
    expect(additive.created_resources).toEqual([]);
    expect(await presentTags(stack, repo)).toContain('rawhide');

    const mirrored = await sync(stack, repo, remote, true);
    expect(mirrored.state).toBe('completed');
    expect(await latestVersion(stack, repo)).toBe(2);
    // The tag, its manifest and the one blob only it used (its config is shared) go away.
    expect(await summaryOf(stack, repo, 2)).toMatchObject({ removed: { tag: 1, manifest: 1, blob: 1 }, added: {} });
    expect(await presentTags(stack, repo)).toEqual(['40', '40-amd64', '40-arm64']);
  });

  it('replaces a moved tag instead of keeping two manifests under one name', async () => {
    const upstream = 'moving/netboot';
    const one = buildNetbootArtifact({ files: { vmlinuz: makeFile(4096, 'moving-1') } });
    const two = buildNetbootArtifact({ files: { vmlinuz: makeFile(4096, 'moving-2') } });
    await pushArtifact(registry.url, upstream, 'rawhide', one);
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: registry.url, upstream_name: upstream });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    await pushArtifact(registry.url, upstream, 'rawhide', two);
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    expect(await summaryOf(stack, repo, 2)).toMatchObject({
      added: { tag: 1, manifest: 1, blob: 1 },
      removed: { tag: 1 },
      present: { tag: 1, manifest: 2, blob: 3 },
    });
  });
});

describe('filters', () => {
  it('applies include/exclude globs and the platform filter to index children', async () => {
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, {
      url: registry.url,
      upstream_name: 'fedora/netboot',
      include_tags: ['40*'],
      exclude_tags: ['*-arm64'],
      platforms: ['linux/amd64'],
    });
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    expect(await presentTags(stack, repo)).toEqual(['40', '40-amd64']);
    // The index and its amd64 child; the arm64 child and its own blobs are not synced.
    expect(await summaryOf(stack, repo, 1)).toMatchObject({
      present: { tag: 2, manifest: 2, blob: fedora.blobCount.amd64 },
    });
    const entries = await stack.sql<{ architecture: string }>(
      `SELECT e.architecture FROM index_entries e JOIN manifests m ON m.id = e.index_id WHERE m.digest = $1`,
      [fedora.index.digest],
    );
    expect(entries).toEqual([{ architecture: 'amd64' }]);
  });

  it('does not list tags when include_tags names them literally', async () => {
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, {
      url: registry.url,
      upstream_name: 'fedora/netboot',
      include_tags: ['40-arm64'],
    });
    const task = await sync(stack, repo, remote);
    expect(task.state).toBe('completed');
    expect(await presentTags(stack, repo)).toEqual(['40-arm64']);
    expect(await summaryOf(stack, repo, 1)).toMatchObject({
      present: { tag: 1, manifest: 1, blob: fedora.blobCount.arm64 },
    });
  });
});

describe('on_demand', () => {
  it('records manifests, blobs as remote and where to fetch them, and stores no file', async () => {
    const upstream = 'lazy/netboot';
    const fixture = await pushFedora(registry.url, upstream);
    const isolated = await startStack();
    try {
      const repo = await createRepository(isolated);
      const remote = await createRemote(isolated, { url: registry.url, upstream_name: upstream, policy: 'on_demand' });
      const task = await sync(isolated, repo, remote);
      expect(task.state).toBe('completed');
      expect(await summaryOf(isolated, repo, 1)).toMatchObject({
        present: { tag: 3, manifest: 3, blob: fixture.blobCount.all },
      });
      expect(storedDigests(isolated)).toEqual([]);
      const blobs = await isolated.sql<{ state: string; n: string }>(
        'SELECT state, count(*) AS n FROM blobs GROUP BY state',
      );
      expect(blobs).toEqual([{ state: 'remote', n: String(fixture.blobCount.all) }]);
      const artifacts = await isolated.sql<{ upstream_name: string; remote_id: string }>(
        'SELECT upstream_name, remote_id FROM remote_artifacts',
      );
      expect(artifacts).toHaveLength(fixture.blobCount.all);
      expect(artifacts.every((a) => a.upstream_name === upstream && a.remote_id === idOf(remote))).toBe(true);
    } finally {
      await isolated.stop();
    }
  });
});

describe('variants', () => {
  it('syncs nboci zstd layers, octet-stream layers, a manifest without mediaType and a 0-byte empty config', async () => {
    const upstream = 'variants/netboot';
    const base = buildNetbootArtifact({
      files: { vmlinuz: makeFile(4096, 'v-vmlinuz'), 'initrd.img': makeFile(8192, 'v-initrd') },
      layerMediaType: MediaType.NetbootFileZstd,
      artifactType: 'application/vnd.unknown.artifact.v1',
    });
    const nboci = rebuilt(base, (m) => {
      m.annotations = { 'os.name': 'rhel', 'os.version': '9.3.0', 'os.arch': 'x86_64', entrypoint: 'vmlinuz' };
      m.layers.forEach((layer: any, i: number) => {
        layer.annotations['org.pulpproject.netboot.src.digest'] = `sha256:${String(i).repeat(64)}`;
        layer.annotations['org.pulpproject.netboot.src.size'] = '123456';
      });
    });
    await pushArtifact(registry.url, upstream, 'rhel-9.3.0-x86_64', nboci);
    const octet = buildNetbootArtifact({
      files: { 'shimx64.efi': makeFile(2048, 'v-shim') },
      layerMediaType: 'application/octet-stream',
    });
    await pushArtifact(registry.url, upstream, 'octet', octet);
    const bare = rebuilt(
      buildNetbootArtifact({ files: { 'pxelinux.0': makeFile(1024, 'v-pxe') } }),
      (m) => delete m.mediaType,
    );
    await pushArtifact(registry.url, upstream, 'no-media-type', bare);
    await pushBlob(registry.url, upstream, Buffer.alloc(0));
    const emptyConfig = rebuilt(buildNetbootArtifact({ files: { 'grubx64.efi': makeFile(1024, 'v-grub') } }), (m) => {
      m.config = {
        mediaType: MediaType.OciEmpty,
        digest: EMPTY_BLOB_DIGEST,
        size: 0,
      };
    });
    emptyConfig.blobs.delete([...emptyConfig.blobs.keys()][0]!);
    await pushArtifact(registry.url, upstream, 'empty-config', emptyConfig);

    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: registry.url, upstream_name: upstream });
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    expect(await presentTags(stack, repo)).toEqual(['empty-config', 'no-media-type', 'octet', 'rhel-9.3.0-x86_64']);
    // 2 zstd + 1 + 1 + 1 layers, the 2-byte empty config, the 0-byte empty config.
    expect(await summaryOf(stack, repo, 1)).toMatchObject({ present: { tag: 4, manifest: 4, blob: 7 } });
    const [layer] = await stack.sql<{ annotations: Record<string, string>; media_type: string }>(
      `SELECT l.annotations, l.media_type FROM manifest_layers l JOIN manifests m ON m.id = l.manifest_id
        WHERE m.digest = $1 AND l.position = 0`,
      [nboci.digest],
    );
    expect(layer).toMatchObject({
      media_type: MediaType.NetbootFileZstd,
      annotations: { 'org.pulpproject.netboot.src.size': '123456' },
    });
    const stored = new Set(storedDigests(stack).map((f) => f.digest));
    expect(stored.has(EMPTY_BLOB_DIGEST)).toBe(true);
  });
});

describe('retain_repo_versions', () => {
  it('prunes the oldest versions beyond the limit', async () => {
    const repo = await createRepository(stack, { retain: 1 });
    const remote = await createRemote(stack, {
      url: registry.url,
      upstream_name: 'fedora/netboot',
      include_tags: ['40-amd64'],
    });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(remote) },
      body: { include_tags: ['40-amd64', '40-arm64'] },
      throwOnError: true,
    });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    const numbers = await stack.sql<{ number: number }>(
      'SELECT number FROM repository_versions WHERE repository_id = $1 ORDER BY number',
      [repo],
    );
    expect(numbers.map((n) => n.number)).toEqual([2]);
    expect(await summaryOf(stack, repo, 2)).toMatchObject({ present: { tag: 2, manifest: 2 } });
  });

  it('never prunes a version a distribution pins', async () => {
    const repo = await createRepository(stack, { retain: 1 });
    const remote = await createRemote(stack, {
      url: registry.url,
      upstream_name: 'fedora/netboot',
      include_tags: ['40-amd64'],
    });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: `pinned-${repo}`,
        base_path: `pinned-${repo}`,
        repository_version: `/pulp/api/v3/repositories/netboot/oci/${repo}/versions/1/`,
      },
      throwOnError: true,
    });
    for (const tags of [['40-amd64', '40-arm64'], ['40-arm64']]) {
      await remotesNetbootOciPartialUpdate({
        client: stack.client,
        path: { id: idOf(remote) },
        body: { include_tags: tags },
        throwOnError: true,
      });
      expect((await sync(stack, repo, remote, true)).state).toBe('completed');
    }
    const numbers = await stack.sql<{ number: number }>(
      'SELECT number FROM repository_versions WHERE repository_id = $1 ORDER BY number',
      [repo],
    );
    // 0 and 2 pruned; 1 is pinned, 3 is the latest.
    expect(numbers.map((n) => n.number)).toEqual([1, 3]);
  });
});
