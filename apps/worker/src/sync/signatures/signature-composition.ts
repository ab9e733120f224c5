import type { Digest } from '@app/oci';
import type { UpstreamSnapshot } from '../sync.types';
import { unsigned, verified, type SignatureVerdict } from './signature.types';

/**
 * Verdicts for the whole snapshot from each manifest's own: an index counts as signed when it is, or when each
 * child it brings in is; a child pinned by a signed index is covered by that signature (digests bind it).
 */
export function composeVerdicts(
  snapshot: UpstreamSnapshot,
  own: Map<Digest, SignatureVerdict>,
): Map<Digest, SignatureVerdict> {
  const result = new Map<Digest, SignatureVerdict>();
  const resolve = (digest: Digest, depth: number): SignatureVerdict => {
    const done = result.get(digest);
    if (done) return done;
    const mine = own.get(digest) ?? unsigned('not checked');
    const manifest = snapshot.manifests.get(digest);
    let verdict = mine;
    if (mine.state !== 'verified' && manifest?.parsed.kind === 'index' && depth < 8) {
      const children = manifest.children.map((child) => ({
        digest: child.digest,
        verdict: resolve(child.digest, depth + 1),
      }));
      const bad = children.find((child) => child.verdict.state !== 'verified');
      if (children.length > 0 && !bad) verdict = verified('index-children', null);
      else if (bad) verdict = { ...mine, reason: `${mine.reason}; child ${bad.digest}: ${bad.verdict.reason}` };
    }
    result.set(digest, verdict);
    return verdict;
  };
  for (const digest of snapshot.manifests.keys()) resolve(digest, 0);
  // A signed index vouches for the children it pins, at any depth.
  const vouch = (digest: Digest, depth: number) => {
    const manifest = snapshot.manifests.get(digest);
    if (!manifest || manifest.parsed.kind !== 'index' || depth >= 8) return;
    for (const child of manifest.children) {
      if (result.get(child.digest)?.state !== 'verified') result.set(child.digest, verified('signed-index', null));
      vouch(child.digest, depth + 1);
    }
  };
  for (const [digest, verdict] of [...result])
    if (verdict.kind === 'simple-signing' || verdict.kind === 'cosign') vouch(digest, 0);
  return result;
}

/** The snapshot limited to the given tags: only the manifests and blobs they reach are kept (nothing else is downloaded). */
export function keepTags(snapshot: UpstreamSnapshot, tags: Set<string>): UpstreamSnapshot {
  const kept: UpstreamSnapshot = { tags: new Map(), manifests: new Map(), blobs: new Map() };
  const visit = (digest: Digest) => {
    const manifest = snapshot.manifests.get(digest);
    if (!manifest || kept.manifests.has(digest)) return;
    kept.manifests.set(digest, manifest);
    const parsed = manifest.parsed;
    if (parsed.kind === 'index') {
      for (const child of manifest.children) visit(child.digest);
      return;
    }
    for (const ref of [parsed.config, ...parsed.layers]) {
      const blob = ref ? snapshot.blobs.get(ref.digest) : undefined;
      if (blob) kept.blobs.set(blob.digest, blob);
    }
  };
  for (const [tag, digest] of snapshot.tags) {
    if (!tags.has(tag)) continue;
    kept.tags.set(tag, digest);
    visit(digest);
  }
  return kept;
}
