import type { ParsedManifestDocument } from '@app/netboot';
import { type Digest, sha256Digest } from '@app/oci';
import { describe, expect, it } from 'vitest';
import type { UpstreamSnapshot } from '../sync.types';
import { COSIGN_PAYLOAD_TYPE } from './cosign.verifier';
import { attachSignatureArtifacts, withoutSignatureTags } from './signature-artifacts';

const signed = `sha256:${'1'.repeat(64)}` as Digest;
const sigTag = `sha256-${'1'.repeat(64)}.sig`;

function content(): UpstreamSnapshot {
  const parsed = { kind: 'manifest', config: null, layers: [] } as unknown as ParsedManifestDocument;
  return {
    tags: new Map([['40', signed]]),
    manifests: new Map([
      [signed, { digest: signed, mediaType: 'm', raw: Buffer.alloc(0), parsed, children: [], known: false }],
    ]),
    blobs: new Map(),
  };
}

function sigManifest(layers: { mediaType: string; size: number }[]) {
  const config = Buffer.from('{}');
  const raw = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config), size: 2 },
      layers: layers.map((layer, n) => ({ ...layer, digest: `sha256:${String(n + 2).repeat(64)}` })),
    }),
  );
  return { digest: sha256Digest(raw), mediaType: 'application/vnd.oci.image.manifest.v1+json', raw };
}

describe('signature artifacts in the snapshot', () => {
  it('adds a verified .sig manifest under its tag, with its config and payload blobs', () => {
    const artifact = sigManifest([{ mediaType: COSIGN_PAYLOAD_TYPE, size: 300 }]);
    const result = attachSignatureArtifacts(content(), new Map([[signed, artifact]]));
    expect(result.tags.get(sigTag)).toBe(artifact.digest);
    expect(result.manifests.get(artifact.digest)?.raw).toEqual(artifact.raw);
    expect([...result.blobs.values()].map((blob) => blob.size).sort()).toEqual([2, 300]);
  });

  it('does not mirror a .sig manifest carrying anything besides small payloads', () => {
    const huge = sigManifest([
      { mediaType: COSIGN_PAYLOAD_TYPE, size: 300 },
      { mediaType: 'application/octet-stream', size: 1 << 30 },
    ]);
    const big = sigManifest([{ mediaType: COSIGN_PAYLOAD_TYPE, size: 1 << 20 }]);
    for (const artifact of [huge, big]) {
      const result = attachSignatureArtifacts(content(), new Map([[signed, artifact]]));
      expect(result.tags.has(sigTag)).toBe(false);
      expect(result.blobs.size).toBe(0);
    }
  });

  it('sets upstream .sig tags aside, keeping the content tags', () => {
    const snapshot = content();
    const artifact = sigManifest([{ mediaType: COSIGN_PAYLOAD_TYPE, size: 300 }]);
    const withSig = attachSignatureArtifacts(snapshot, new Map([[signed, artifact]]));
    const stripped = withoutSignatureTags(withSig);
    expect([...stripped.tags.keys()]).toEqual(['40']);
    expect(stripped.manifests.has(artifact.digest)).toBe(false);
  });
});
