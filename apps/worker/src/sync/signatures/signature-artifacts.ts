import { parseManifestDocument } from '@app/netboot';
import type { Digest } from '@app/oci';
import type { UpstreamSnapshot } from '../sync.types';
import { COSIGN_PAYLOAD_TYPE, type SignatureArtifact } from './cosign.verifier';
import { keepTags } from './signature-composition';
import { SIGNATURE_LIMITS } from './signature.types';

/** cosign's tag scheme: `sha256-<hex>.sig` holds the signatures of manifest `sha256:<hex>`. */
export const SIGNATURE_TAG_RE = /^sha256-[0-9a-f]{64}\.sig$/;

/**
 * The snapshot without cosign signature tags: upstream's `.sig` tags (another bootdepot mirrors them) are
 * signatures, not content to verify in turn; the ones for what this sync keeps come back attached to it.
 */
export function withoutSignatureTags(snapshot: UpstreamSnapshot): UpstreamSnapshot {
  const content = [...snapshot.tags.keys()].filter((tag) => !SIGNATURE_TAG_RE.test(tag));
  if (content.length === snapshot.tags.size) return snapshot;
  return keepTags(snapshot, new Set(content));
}

/**
 * Adds the verified `.sig` manifests of the snapshot's manifests, tagged as cosign tags them, with their config
 * and payload blobs: the new version then holds, exports and serves the signatures next to what they sign, so
 * a client of bootdepot's `/v2/` (an edge bootdepot, cosign) can verify again. The payloads are small (the
 * verifier refused anything over its limits), so they are downloaded with the content under any policy.
 */
export function attachSignatureArtifacts(
  snapshot: UpstreamSnapshot,
  artifacts: Map<Digest, SignatureArtifact>,
): UpstreamSnapshot {
  const result: UpstreamSnapshot = {
    tags: new Map(snapshot.tags),
    manifests: new Map(snapshot.manifests),
    blobs: new Map(snapshot.blobs),
  };
  for (const [signed, artifact] of artifacts) {
    if (!snapshot.manifests.has(signed)) continue;
    const parsed = parseManifestDocument(artifact.raw, { digest: artifact.digest, contentType: artifact.mediaType });
    if (parsed.kind === 'index' || !onlySmallPayloads(parsed)) continue;
    const tag = `${signed.replace(':', '-')}.sig`;
    result.tags.set(tag, artifact.digest);
    result.manifests.set(artifact.digest, {
      digest: artifact.digest,
      mediaType: parsed.mediaType,
      raw: artifact.raw,
      parsed,
      children: [],
      known: false,
    });
    const refs = parsed.config ? [parsed.config, ...parsed.layers] : parsed.layers;
    for (const ref of refs) {
      if (!result.blobs.has(ref.digest))
        result.blobs.set(ref.digest, {
          digest: ref.digest,
          size: ref.size,
          mediaType: ref.mediaType,
          label: `the cosign signature ${tag}`,
        });
    }
  }
  return result;
}

/**
 * The `.sig` manifest itself is not signed (its payloads are): whoever can push to the registry could add a huge
 * layer beside a valid payload. Only a manifest of small cosign payloads (and a small config) is mirrored; the
 * verdict stands either way.
 */
function onlySmallPayloads(parsed: Exclude<ReturnType<typeof parseManifestDocument>, { kind: 'index' }>): boolean {
  const small = (size: number) => size <= SIGNATURE_LIMITS.maxSignatureBytes;
  if (parsed.config && !small(parsed.config.size)) return false;
  return parsed.layers.every((layer) => layer.mediaType === COSIGN_PAYLOAD_TYPE && small(layer.size));
}
