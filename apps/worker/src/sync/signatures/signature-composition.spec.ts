import type { ParsedManifestDocument } from '@app/netboot';
import type { Digest } from '@app/oci';
import { describe, expect, it } from 'vitest';
import type { ScannedManifest, UpstreamSnapshot } from '../sync.types';
import { composeVerdicts, keepTags } from './signature-composition';
import { type SignatureVerdict, unsigned, verified } from './signature.types';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest;

function image(digest: Digest, blob: Digest): ScannedManifest {
  const parsed = {
    kind: 'manifest',
    config: null,
    layers: [{ digest: blob, size: 1, mediaType: 'x', title: 'f', index: 0 }],
  } as unknown as ParsedManifestDocument;
  return { digest, mediaType: 'm', raw: Buffer.alloc(0), parsed, children: [], known: false };
}

function index(digest: Digest, children: Digest[]): ScannedManifest {
  const parsed = { kind: 'index', manifests: [] } as unknown as ParsedManifestDocument;
  return {
    digest,
    mediaType: 'i',
    raw: Buffer.alloc(0),
    parsed,
    children: children.map((child, position) => ({ position, digest: child })),
    known: false,
  };
}

function snapshot(manifests: ScannedManifest[], tags: Record<string, Digest>): UpstreamSnapshot {
  const blobs = new Map(
    manifests.flatMap((m) =>
      m.parsed.kind === 'manifest'
        ? m.parsed.layers.map((l) => [l.digest, { digest: l.digest, size: 1, mediaType: 'x', label: 'f' }] as const)
        : [],
    ),
  );
  return { tags: new Map(Object.entries(tags)), manifests: new Map(manifests.map((m) => [m.digest, m])), blobs };
}

describe('signature composition', () => {
  const [a, b, c, i1, i2, i3] = [d(1), d(2), d(3), d(4), d(5), d(6)];
  const snap = snapshot(
    [image(a, d(7)), image(b, d(8)), image(c, d(9)), index(i1, [a, b]), index(i2, [a, c]), index(i3, [c])],
    { both: i1, half: i2, signedIndex: i3, a, c },
  );
  const own = new Map<Digest, SignatureVerdict>([
    [a, verified('cosign', 'k')],
    [b, verified('simple-signing', 'k')],
    [c, unsigned('no signature')],
    [i1, unsigned('no signature')],
    [i2, unsigned('no signature')],
    [i3, verified('cosign', 'k')],
  ]);

  it('counts an index as signed when every child is, and names the child that is not', () => {
    const verdicts = composeVerdicts(snap, own);
    expect(verdicts.get(i1)).toMatchObject({ state: 'verified', kind: 'index-children' });
    expect(verdicts.get(i2)).toMatchObject({ state: 'unsigned' });
    expect(verdicts.get(i2)!.reason).toContain(`child ${c}: no signature`);
  });

  it('lets a signed index vouch for the children it pins', () => {
    expect(composeVerdicts(snap, own).get(c)).toMatchObject({ state: 'verified', kind: 'signed-index' });
  });

  it('keeps only what the kept tags reach, blobs included', () => {
    const kept = keepTags(snap, new Set(['both']));
    expect([...kept.tags.keys()]).toEqual(['both']);
    expect([...kept.manifests.keys()].sort()).toEqual([a, b, i1].sort());
    expect([...kept.blobs.keys()].sort()).toEqual([d(7), d(8)].sort());
  });
});
