import {
  EMPTY_BLOB_DIGEST as EMPTY_BLOB,
  EMPTY_JSON_DIGEST as EMPTY_JSON,
  MediaType,
  sha256Digest,
  TITLE_ANNOTATION,
} from '@app/oci';
import { describe, expect, it } from 'vitest';
import { parseManifestDocument, SRC_DIGEST_ANNOTATION, SRC_SIZE_ANNOTATION } from './manifest.parser';
import { ManifestRejectedError } from './netboot.errors';

const blob = (name: string) => sha256Digest(name);

function parse(doc: unknown, contentType?: string) {
  const bytes = Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc));
  return parseManifestDocument(bytes, { digest: sha256Digest(bytes), contentType });
}

function layer(title: string | null, digest = blob(title ?? 'untitled'), extra: Record<string, unknown> = {}) {
  return {
    mediaType: MediaType.NetbootFile,
    digest,
    size: 1000,
    ...(title === null ? {} : { annotations: { [TITLE_ANNOTATION]: title } }),
    ...extra,
  };
}

/** Shaped like quay.io/pulp/fedora-kickstart-artifacts:40-amd64, where boot.iso and install.img share a blob. */
function fedoraManifest(
  layers = [
    layer('initrd.img'),
    layer('boot.iso', blob('iso')),
    layer('grubx64.efi'),
    layer('pxelinux.0'),
    layer('shimx64.efi'),
    layer('vmlinuz'),
    layer('install.img', blob('iso')),
  ],
) {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.NetbootArtifact,
    config: { mediaType: MediaType.OciEmpty, digest: EMPTY_JSON, size: 2, data: 'e30=' },
    layers,
    annotations: { 'org.pulpproject.netboot.version': '1' },
  };
}

function rejection(doc: unknown): string {
  try {
    parse(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestRejectedError);
    return (error as Error).message;
  }
  throw new Error('expected the document to be rejected');
}

describe('parseManifestDocument', () => {
  it('reads the netboot spec manifest, one file per titled layer, two titles sharing a blob', () => {
    const parsed = parse(fedoraManifest());
    if (parsed.kind !== 'manifest') throw new Error('expected a manifest');
    expect(parsed.artifactType).toBe(MediaType.NetbootArtifact);
    expect(parsed.annotations).toEqual({ 'org.pulpproject.netboot.version': '1' });
    expect(parsed.config).toEqual({ mediaType: MediaType.OciEmpty, digest: EMPTY_JSON, size: 2 });
    expect(parsed.files.map((f) => f.title)).toEqual([
      'initrd.img',
      'boot.iso',
      'grubx64.efi',
      'pxelinux.0',
      'shimx64.efi',
      'vmlinuz',
      'install.img',
    ]);
    const iso = parsed.files.find((f) => f.title === 'boot.iso');
    const stage2 = parsed.files.find((f) => f.title === 'install.img');
    expect(iso?.digest).toBe(stage2?.digest);
    expect(stage2).toMatchObject({ layerIndex: 6, size: 1000, compression: 'none', srcDigest: null });
  });

  it('accepts the osbuild/nboci variant: zstd layers, no top-level mediaType, size-0 empty config', () => {
    const src = blob('vmlinuz-uncompressed');
    const parsed = parse({
      schemaVersion: 2,
      artifactType: 'application/vnd.unknown.artifact.v1',
      config: { mediaType: 'application/vnd.unknown.config.v1+json', digest: EMPTY_BLOB, size: 0 },
      layers: [
        layer('vmlinuz', blob('z'), {
          mediaType: MediaType.NetbootFileZstd,
          annotations: {
            [TITLE_ANNOTATION]: 'vmlinuz',
            [SRC_DIGEST_ANNOTATION]: src,
            [SRC_SIZE_ANNOTATION]: '13000000',
          },
        }),
        layer('shimx64.efi', blob('shim'), { mediaType: 'application/vnd.efi.img' }),
        layer('initrd.img', blob('initrd'), { mediaType: 'application/octet-stream' }),
        layer(null),
      ],
      annotations: { 'os.name': 'rhel', 'os.version': '9.3.0', 'os.arch': 'x86_64', entrypoint: 'shimx64.efi' },
    });
    if (parsed.kind !== 'manifest') throw new Error('expected a manifest');
    expect(parsed.mediaType).toBe(MediaType.OciManifest);
    expect(parsed.artifactType).toBe('application/vnd.unknown.artifact.v1');
    expect(parsed.files[0]).toMatchObject({ compression: 'zstd', srcDigest: src, srcSize: 13_000_000 });
    expect(parsed.files.map((f) => f.mediaType)).toEqual([
      MediaType.NetbootFileZstd,
      'application/vnd.efi.img',
      'application/octet-stream',
    ]);
    expect(parsed.layers).toHaveLength(4);
    expect(parsed.layers[3].title).toBeNull();
  });

  it('reads a Docker v2 manifest and takes the media type from Content-Type when the body has none', () => {
    const { mediaType: _drop, ...body } = fedoraManifest();
    expect(parse(body, `${MediaType.DockerManifest}; charset=utf-8`)).toMatchObject({
      kind: 'manifest',
      mediaType: MediaType.DockerManifest,
    });
  });

  it('reads an OCI index with platforms, and a Docker list whose entries omit mediaType', () => {
    const index = parse({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      annotations: { 'org.pulpproject.netboot.version': '1' },
      manifests: [
        {
          mediaType: MediaType.OciManifest,
          artifactType: MediaType.NetbootArtifact,
          digest: blob('amd64'),
          size: 1234,
          platform: { architecture: 'amd64', os: 'linux', 'os.version': 'fedora-40' },
        },
        {
          mediaType: MediaType.OciManifest,
          digest: blob('arm64'),
          size: 1200,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
        { mediaType: MediaType.OciManifest, digest: blob('sig'), size: 500 },
      ],
    });
    if (index.kind !== 'index') throw new Error('expected an index');
    expect(index.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux', osVersion: 'fedora-40' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      null,
    ]);
    expect(index.manifests[0].artifactType).toBe(MediaType.NetbootArtifact);

    const list = parse(
      { schemaVersion: 2, manifests: [{ digest: blob('x'), size: 10 }] },
      MediaType.DockerManifestList,
    );
    expect(list).toMatchObject({ kind: 'index', manifests: [{ mediaType: MediaType.DockerManifest }] });
    expect(parse({ manifests: [] })).toMatchObject({ kind: 'index', mediaType: MediaType.OciIndex });
  });

  it.each([
    ['../etc/passwd', 'layer 1 title "../etc/passwd" is not a plain file name'],
    ['images/vmlinuz', 'is not a plain file name'],
    ['..', 'is not a plain file name'],
    ['.', 'is not a plain file name'],
    ['boot\\x.efi', 'is not a plain file name'],
    ['', 'layer 1 title "" is empty'],
    ['vmlinuz\u0000.txt', 'contains control characters'],
    ['initrd\n.img', 'contains control characters'],
    ['a'.repeat(256), 'is longer than 255 bytes'],
    ['é'.repeat(128), 'is longer than 255 bytes'],
  ])('rejects the title %j', (title, message) => {
    expect(rejection(fedoraManifest([layer('vmlinuz'), layer(title, blob('evil'))]))).toContain(message);
  });

  it('accepts a 255-byte title and rejects duplicate titles', () => {
    expect(() => parse(fedoraManifest([layer('a'.repeat(255))]))).not.toThrow();
    expect(rejection(fedoraManifest([layer('vmlinuz'), layer('initrd.img'), layer('vmlinuz', blob('other'))]))).toBe(
      'layer 2 title "vmlinuz" duplicates the title of layer 0',
    );
  });

  it.each([
    [{ ...layer('vmlinuz'), size: -1 }, 'layer 0 size -1 is not a non-negative safe integer'],
    [{ ...layer('vmlinuz'), size: 2 ** 53 }, 'layer 0 size 9007199254740992'],
    [{ ...layer('vmlinuz'), size: '10' }, 'layer 0 size "10"'],
    [{ ...layer('vmlinuz'), digest: 'sha256:ABC' }, 'layer 0 digest "sha256:ABC" is not a sha256 digest'],
    [{ ...layer('vmlinuz'), digest: `sha512:${'a'.repeat(128)}` }, 'is not a sha256 digest'],
    [{ ...layer('vmlinuz'), size: 0 }, 'layer 0 size 0 does not match digest'],
    [{ ...layer('vmlinuz'), mediaType: undefined }, 'layer 0 has no mediaType'],
    [{ ...layer('vmlinuz'), annotations: { [TITLE_ANNOTATION]: 5 } }, 'must be a string'],
    [
      {
        ...layer('vmlinuz'),
        mediaType: MediaType.NetbootFileZstd,
        annotations: { [TITLE_ANNOTATION]: 'vmlinuz', [SRC_SIZE_ANNOTATION]: '-5' },
      },
      'is not a byte count',
    ],
  ])('validates layer descriptors (%#)', (bad, message) => {
    expect(rejection(fedoraManifest([bad as never]))).toContain(message);
  });

  it('validates config and index entry descriptors too', () => {
    expect(
      rejection({ ...fedoraManifest(), config: { mediaType: MediaType.OciEmpty, digest: EMPTY_JSON, size: -2 } }),
    ).toContain('config size -2');
    expect(rejection({ manifests: [{ mediaType: MediaType.OciManifest, digest: 'nope', size: 1 }] })).toContain(
      'index entry 0 digest "nope"',
    );
    expect(rejection({ manifests: [{ digest: blob('a'), size: 1, platform: { os: 'linux' } }] })).toContain(
      'needs architecture and os',
    );
  });

  it('rejects invalid JSON, wrong digests, ambiguous and unknown documents with clear messages', () => {
    expect(() => parse('{"layers": [')).toThrow(/is not valid JSON/);
    expect(() => parse('[]')).toThrow(/must be a JSON object/);
    const bytes = Buffer.from(JSON.stringify(fedoraManifest()));
    expect(() => parseManifestDocument(bytes, { digest: blob('other') })).toThrow(/hashes to sha256:[0-9a-f]+, not/);
    expect(rejection({ layers: [], manifests: [] })).toMatch(/ambiguous/);
    expect(rejection({ schemaVersion: 1, fsLayers: [] })).toMatch(/schemaVersion 1/);
    expect(rejection({ config: {} })).toMatch(/neither "layers" nor "manifests"/);
    expect(rejection({ mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', layers: [] })).toMatch(
      /unsupported manifest mediaType/,
    );
    expect(() => parse(fedoraManifest(), MediaType.OciIndex)).toThrow(/served as/);
  });
});
