import type { Digest } from '@app/oci';
import { describe, expect, it } from 'vitest';
import { buildVersionView, layerQueries, type ManifestRow, type VersionRows } from './version-view.builder';

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const version = { id: 'v1', repositoryId: 'r1', number: 3, createdAt: new Date('2026-01-01T00:00:00Z') };

function manifest(id: string, c: string, fields: Partial<ManifestRow> = {}): ManifestRow {
  return {
    id,
    digest: digest(c),
    media_type: 'application/vnd.oci.image.manifest.v1+json',
    is_index: false,
    raw: Buffer.from(`{"id":"${id}"}`),
    annotations: null,
    config_digest: null,
    ...fields,
  };
}

function rows(fields: Partial<VersionRows>): VersionRows {
  return { manifests: [], tags: [], blobs: [], entries: [], layers: [], configs: [], ...fields };
}

describe('buildVersionView', () => {
  it('serves titled layers as files of their manifest, and untitled ones as blobs only', () => {
    const view = buildVersionView(
      version,
      rows({
        manifests: [manifest('m1', 'a')],
        tags: [{ name: 'f40', manifest_id: 'm1' }],
        layers: [
          { manifest_id: 'm1', blob_id: 'b1', digest: digest('1'), size: '1048576', media_type: 'x', title: 'vmlinuz' },
          { manifest_id: 'm1', blob_id: 'b2', digest: digest('2'), size: '7', media_type: 'y', title: null },
        ],
      }),
    );
    const m1 = view.tags.get('f40')!;
    expect([...m1.files.keys()]).toEqual(['vmlinuz']);
    expect(m1.files.get('vmlinuz')).toEqual({
      blobId: 'b1',
      digest: digest('1'),
      size: 1048576,
      mediaType: 'x',
      title: 'vmlinuz',
    });
    expect(view.blobs.get(digest('2'))).toEqual({ blobId: 'b2', digest: digest('2'), size: 7, mediaType: 'y' });
    expect(m1.annotations).toEqual({});
  });

  it('links an index to its platform children in index order and records each child’s parents', () => {
    const view = buildVersionView(
      version,
      rows({
        manifests: [manifest('i1', 'f', { is_index: true }), manifest('amd', 'b'), manifest('arm', 'c')],
        entries: [
          { index_id: 'i1', child_id: 'arm', architecture: 'arm64', os: 'linux', variant: 'v8', os_version: null },
          { index_id: 'i1', child_id: 'amd', architecture: 'amd64', os: 'linux', variant: null, os_version: null },
        ],
      }),
    );
    expect(view.manifestsById.get('i1')!.children.map((c) => c.manifestId)).toEqual(['arm', 'amd']);
    expect(view.parents.get('arm')).toEqual([
      { manifestId: 'arm', architecture: 'arm64', os: 'linux', variant: 'v8', osVersion: null },
    ]);
    expect(view.manifests.get(digest('b'))!.id).toBe('amd');
  });

  it('sorts tag names and drops a tag whose manifest the version does not hold', () => {
    const view = buildVersionView(
      version,
      rows({
        manifests: [manifest('m1', 'a')],
        tags: [
          { name: 'zeta', manifest_id: 'm1' },
          { name: 'alpha', manifest_id: 'm1' },
          { name: 'ghost', manifest_id: 'gone' },
        ],
      }),
    );
    expect(view.tagNames).toEqual(['alpha', 'zeta']);
    expect(view.tags.has('ghost')).toBe(false);
  });

  it('makes config blobs fetchable and keeps the version identity', () => {
    const view = buildVersionView(
      version,
      rows({
        manifests: [manifest('m1', 'a', { config_digest: digest('c') })],
        configs: [{ id: 'cfg', digest: digest('c'), size: '2', media_type: null }],
      }),
    );
    expect(view.blobs.get(digest('c'))).toEqual({ blobId: 'cfg', digest: digest('c'), size: 2, mediaType: null });
    expect(view).toMatchObject({ id: 'v1', repositoryId: 'r1', number: 3 });
  });
});

describe('layerQueries', () => {
  it('asks for layers of image manifests only and for each config digest once', () => {
    expect(
      layerQueries([
        manifest('i1', 'f', { is_index: true }),
        manifest('m1', 'a', { config_digest: digest('c') }),
        manifest('m2', 'b', { config_digest: digest('c') }),
      ]),
    ).toEqual({ imageIds: ['m1', 'm2'], configDigests: [digest('c')] });
  });
});
