import type { DataSource } from 'typeorm';
import type { MaybePromise } from '../http/maybe-promise';
import type { DistributionView, VersionView } from '../resolve/content-views';

interface Verdicts {
  /** Manifest id → state and reason, for manifests of the version that have a verdict. */
  byManifest: Map<string, { state: string; reason: string | null }>;
  /** Blobs reachable from verified manifests (files and configs): what /v2/ may hand out. */
  blobs: Set<string>;
  /** Manifest ids of cosign signature artifacts (`sha256-<hex>.sig` tags): served so clients can verify. */
  signatures: Set<string>;
  loadedAt: number;
}

// Verdicts change without a new version when a sync finds nothing new but the keys changed: re-read them as
// often as the distribution snapshot is.
const TTL_MS = 60_000;
const MAX_CACHED = 64;
const SIGNATURE_TAG_RE = /^sha256-[0-9a-f]{64}\.sig$/;
const COSIGN_PAYLOAD_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/**
 * `require_verified`: a distribution serves a tag or digest only when its manifest (or index) is verified. A
 * signed index vouches for its children (the sync records them as `signed-index`), so the manifest a path
 * starts with decides for everything below it.
 */
export class VerifiedContent {
  private readonly cache = new Map<string, Promise<Verdicts>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * null when the path below the distribution may be served, else the 403 reason. Without `require_verified`
   * (or above any tag) the answer is immediate.
   */
  refusal(distribution: DistributionView, version: VersionView, ref: string | undefined): MaybePromise<string | null> {
    if (!distribution.requireVerified || ref === undefined) return null;
    return this.verifiedRefusal(distribution, version, ref);
  }

  private async verifiedRefusal(
    distribution: DistributionView,
    version: VersionView,
    ref: string,
  ): Promise<string | null> {
    const manifest = ref.startsWith('sha256:') ? version.manifests.get(ref) : version.tags.get(ref);
    if (!manifest) return null;
    const verdicts = await this.verdicts(version);
    if (verdicts.signatures.has(manifest.id)) return null;
    const verdict = verdicts.byManifest.get(manifest.id);
    if (verdict?.state === 'verified') return null;
    const what = ref.startsWith('sha256:') ? ref : `tag ${ref} (${manifest.digest})`;
    const why = verdict ? `${verdict.state}: ${verdict.reason}` : 'its signature was never checked';
    return `distribution ${distribution.name} serves only verified content (require_verified); ${what} is not verified: ${why}`;
  }

  /** The same rule for a blob fetched by digest over /v2/. */
  async blobRefusal(distribution: DistributionView, version: VersionView, digest: string): Promise<string | null> {
    if (!distribution.requireVerified) return null;
    if ((await this.verdicts(version)).blobs.has(digest)) return null;
    return `distribution ${distribution.name} serves only verified content (require_verified); blob ${digest} belongs to no verified manifest`;
  }

  private verdicts(version: VersionView): Promise<Verdicts> {
    const cached = this.cache.get(version.id);
    if (cached) return cached;
    const loading = this.load(version).catch((error: unknown) => {
      this.cache.delete(version.id);
      throw error;
    });
    this.cache.set(version.id, loading);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    void loading.then(
      (verdicts) => {
        setTimeout(
          () => {
            if (this.cache.get(version.id) === loading) this.cache.delete(version.id);
          },
          TTL_MS - (Date.now() - verdicts.loadedAt),
        ).unref();
      },
      () => undefined,
    );
    return loading;
  }

  private async load(version: VersionView): Promise<Verdicts> {
    const ids = [...version.manifestsById.keys()];
    const rows: { manifest_id: string; state: string; reason: string | null }[] = ids.length
      ? await this.dataSource.query(
          'SELECT manifest_id, state, reason FROM manifest_signatures WHERE manifest_id = ANY($1::uuid[])',
          [ids],
        )
      : [];
    const byManifest = new Map(rows.map((row) => [row.manifest_id, { state: row.state, reason: row.reason }]));
    const blobs = new Set<string>();
    // A signature is public by nature and harmless to hand out; refusing it would stop clients from verifying.
    const signatures = new Set<string>();
    for (const [tag, manifest] of version.tags)
      if (SIGNATURE_TAG_RE.test(tag) && isSignatureManifest(manifest.raw)) signatures.add(manifest.id);
    for (const manifest of version.manifestsById.values()) {
      if (byManifest.get(manifest.id)?.state !== 'verified' && !signatures.has(manifest.id)) continue;
      if (manifest.configDigest) blobs.add(manifest.configDigest);
      for (const file of manifest.files.values()) blobs.add(file.digest);
      if (signatures.has(manifest.id)) for (const digest of layerDigests(manifest.raw)) blobs.add(digest);
    }
    return { byManifest, blobs, signatures, loadedAt: Date.now() };
  }
}

/**
 * Only a manifest made of cosign payloads counts as a signature: anything could be pushed under a `.sig` tag
 * (under `signature_policy: none` it is synced as an ordinary tag), and a kernel there must not escape the check.
 */
function isSignatureManifest(raw: Buffer): boolean {
  const layers = layersOf(raw);
  return layers.length > 0 && layers.every((layer) => layer.mediaType === COSIGN_PAYLOAD_TYPE && !layer.title);
}

/** A signature manifest's payload layers carry no title, so they are not among its files: read them from its bytes. */
function layerDigests(raw: Buffer): string[] {
  return layersOf(raw).map((layer) => layer.digest);
}

function layersOf(raw: Buffer): { digest: string; mediaType: unknown; title: unknown }[] {
  try {
    const layers = (
      JSON.parse(raw.toString('utf8')) as {
        layers?: { digest?: unknown; mediaType?: unknown; annotations?: Record<string, unknown> }[];
      }
    ).layers;
    if (!Array.isArray(layers)) return [];
    return layers
      .filter((layer) => typeof layer?.digest === 'string')
      .map((layer) => ({
        digest: layer.digest as string,
        mediaType: layer.mediaType,
        title: layer.annotations?.['org.opencontainers.image.title'],
      }));
  } catch {
    return [];
  }
}
