import { formatPlatform, ManifestRejectedError, matchesPlatforms, parseManifestDocument } from '@app/netboot';
import type { Digest } from '@app/oci';
import { SYNC_PROGRESS } from '@app/queue';
import { filterTags, isLiteralTagList, type RegistryClient } from '@app/registry-client';
import type { TaskContext } from '../tasks/task-context';
import { mapLimit } from './map-limit';
import type { BlobRef, ScannedManifest, UpstreamSnapshot } from './sync.types';

export type ScanClient = Pick<RegistryClient, 'listTags' | 'headManifest' | 'getManifest'>;
export type ScanProgress = Pick<TaskContext, 'progress' | 'advance'>;

export interface ScanOptions {
  upstreamName: string;
  includeTags: string[] | null;
  excludeTags: string[] | null;
  platforms: string[];
  signal: AbortSignal;
  /** Tag HEADs in flight at once. */
  headConcurrency: number;
  /** Manifests already stored, by digest: their bytes are read from the database instead of the registry. */
  findKnown(digests: Digest[]): Promise<Map<Digest, { mediaType: string; raw: Buffer }>>;
}

const METADATA_CONCURRENCY = 8;
// An index of indexes is legal but rare; deeper nesting is more likely a loop or an attack.
const MAX_DEPTH = 4;

/**
 * Reads what upstream holds for the remote's tags: HEAD each tag, GET (and verify) only manifests not
 * stored yet, follow index children kept by the platform filter. Writes nothing: a rejected manifest
 * fails the scan before any content is recorded.
 */
export async function scanUpstream(client: ScanClient, options: ScanOptions, report: ScanProgress) {
  const { upstreamName: name, signal } = options;
  report.progress(SYNC_PROGRESS.tags, { message: 'Listing tags', state: 'running' });
  // Named tags need no listing: a repository may hold thousands of tags we would page through for nothing.
  const names = isLiteralTagList(options.includeTags)
    ? filterTags(options.includeTags, null, options.excludeTags)
    : filterTags(await client.listTags(name, { signal }), options.includeTags, options.excludeTags);
  report.progress(SYNC_PROGRESS.tags, { total: names.length, done: names.length, state: 'completed' });

  const tags = await checkTags(client, options, names, report);

  const snapshot: UpstreamSnapshot = { tags, manifests: new Map(), blobs: new Map() };
  // Where each manifest was reached from, so a rejection names the tag (and platform) a user recognizes.
  let level = new Map<Digest, string>();
  for (const [tag, digest] of tags) if (!level.has(digest)) level.set(digest, `tag ${tag}`);
  let total = level.size;
  report.progress(SYNC_PROGRESS.manifests, { message: 'Parsing manifests', total, done: 0 });

  for (let depth = 0; level.size > 0; depth++) {
    if (depth >= MAX_DEPTH)
      throw new Error(`image indexes nest deeper than ${MAX_DEPTH} levels under ${[...level.values()][0]}`);
    const scanned = await fetchLevel(client, options, level, report);
    const next = new Map<Digest, string>();
    for (const manifest of scanned) {
      const origin = level.get(manifest.digest)!;
      snapshot.manifests.set(manifest.digest, manifest);
      const parsed = manifest.parsed;
      if (parsed.kind === 'index') {
        parsed.manifests.forEach((entry, position) => {
          if (!matchesPlatforms(entry.platform, options.platforms)) return;
          manifest.children.push({ position, digest: entry.digest });
          if (!snapshot.manifests.has(entry.digest) && !next.has(entry.digest) && !level.has(entry.digest)) {
            const platform = entry.platform ? ` (${formatPlatform(entry.platform)})` : '';
            next.set(entry.digest, `${origin}${platform}`);
          }
        });
        continue;
      }
      if (parsed.config) addBlob(snapshot.blobs, { ...parsed.config, label: `the config of ${origin}` });
      for (const layer of parsed.layers) {
        const what = layer.title === null ? `layer ${layer.index}` : `file ${JSON.stringify(layer.title)}`;
        addBlob(snapshot.blobs, {
          digest: layer.digest,
          size: layer.size,
          mediaType: layer.mediaType,
          label: `${what} of ${origin}`,
        });
      }
    }
    total += next.size;
    if (next.size) report.progress(SYNC_PROGRESS.manifests, { total });
    level = next;
  }
  report.progress(SYNC_PROGRESS.manifests, { state: 'completed' });
  return snapshot;
}

/**
 * Tag → manifest digest, from one HEAD per tag, `headConcurrency` at a time, counted in the task's progress as
 * they return. The map keeps the listing's order, so error messages name the same tag on every run; tags that
 * share a manifest share one digest string (50,000 tags of one artifact hold one copy, not 50,000).
 */
async function checkTags(
  client: ScanClient,
  options: ScanOptions,
  names: readonly string[],
  report: ScanProgress,
): Promise<Map<string, Digest>> {
  report.progress(SYNC_PROGRESS.checked, { message: 'Checking tags', total: names.length, done: 0 });
  const seen = new Map<Digest, Digest>();
  const digests = await mapLimit(names, options.headConcurrency, async (tag) => {
    let head;
    try {
      head = await client.headManifest(options.upstreamName, tag, { signal: options.signal });
    } catch (error) {
      throw new Error(`tag ${tag}: ${(error as Error).message}`, { cause: error });
    }
    report.advance(SYNC_PROGRESS.checked);
    if (!head) return null;
    const digest = seen.get(head.digest) ?? head.digest;
    seen.set(digest, digest);
    return digest;
  });
  const tags = new Map<string, Digest>();
  names.forEach((tag, i) => {
    if (digests[i]) tags.set(tag, digests[i]);
  });
  report.progress(SYNC_PROGRESS.checked, { state: 'completed' });
  return tags;
}

async function fetchLevel(
  client: ScanClient,
  options: ScanOptions,
  level: Map<Digest, string>,
  report: ScanProgress,
): Promise<ScannedManifest[]> {
  const known = await options.findKnown([...level.keys()]);
  return mapLimit([...level], METADATA_CONCURRENCY, async ([digest, origin]) => {
    const stored = known.get(digest);
    let raw: Buffer;
    let mediaType: string | undefined;
    if (stored) {
      ({ raw, mediaType } = stored);
    } else {
      try {
        // By digest, not by tag: the tag may have moved since the HEAD, the digest cannot.
        const fetched = await client.getManifest(options.upstreamName, digest, { signal: options.signal });
        raw = fetched.bytes;
        mediaType = fetched.mediaType;
      } catch (error) {
        throw new Error(`${origin}: ${(error as Error).message}`, { cause: error });
      }
    }
    try {
      const parsed = parseManifestDocument(raw, { digest, contentType: mediaType });
      report.advance(SYNC_PROGRESS.manifests);
      return { digest, mediaType: parsed.mediaType, raw, parsed, children: [], known: !!stored };
    } catch (error) {
      if (error instanceof ManifestRejectedError) {
        throw new Error(`${origin}: manifest ${digest} was rejected: ${error.message}`, { cause: error });
      }
      throw error;
    }
  });
}

/** Two titles may share one blob (Fedora 40's boot.iso and install.img): it is one blob, recorded once. */
function addBlob(blobs: Map<Digest, BlobRef>, blob: BlobRef): void {
  const seen = blobs.get(blob.digest);
  if (seen && seen.size !== blob.size) {
    throw new Error(
      `${blob.label} gives blob ${blob.digest} a size of ${blob.size}, but ${seen.label} says ${seen.size}`,
    );
  }
  if (!seen)
    blobs.set(blob.digest, { digest: blob.digest, size: blob.size, mediaType: blob.mediaType, label: blob.label });
}
