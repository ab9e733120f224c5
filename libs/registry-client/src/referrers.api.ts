import type { Digest } from '@app/oci';
import type { RegistryRequester } from './registry.requester';
import { assertRepositoryName } from './url.util';

/** One entry of a referrers index, as the registry lists it (unchecked beyond its shape). */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType: string | null;
}

export interface ListReferrersOptions {
  /** Asks the registry to filter; the answer is filtered again here, as a registry may ignore it. */
  artifactType?: string;
  /** Refuse larger answers; default 256 KiB (a few thousand descriptors). */
  maxBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_BYTES = 256 * 1024;
// What registries without the OCI 1.1 referrers API answer for the route: unknown (404), or refused outright.
const NOT_SUPPORTED = [400, 404, 405, 501] as const;

/**
 * `GET /v2/<name>/referrers/<digest>` (OCI distribution 1.1): the manifests whose `subject` is `digest`. null
 * when the registry has no referrers API (distribution 2.8 answers 404), so the caller falls back to the tag
 * schema; only the first page is read (signatures are few).
 */
export async function listReferrers(
  requester: RegistryRequester,
  name: string,
  digest: Digest,
  options: ListReferrersOptions = {},
): Promise<ReferrerDescriptor[] | null> {
  assertRepositoryName(name);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
  return requester.run({
    method: 'GET',
    repository: name,
    signal: options.signal,
    passStatuses: NOT_SUPPORTED,
    build: () => ({
      path: `/v2/${name}/referrers/${digest}${query}`,
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    }),
    handle: async (res) => {
      if (res.statusCode >= 400) {
        await res.body.dump();
        return null;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw new Error(`referrers answer is larger than the ${maxBytes}-byte limit`);
        chunks.push(chunk as Buffer);
      }
      const body = JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as { manifests?: unknown };
      // Anything else (an HTML page, a registry's own JSON) means no referrers API here.
      if (!Array.isArray(body.manifests)) return null;
      return body.manifests
        .filter(
          (entry): entry is ReferrerDescriptor =>
            typeof entry?.digest === 'string' &&
            /^sha256:[0-9a-f]{64}$/.test(entry.digest) &&
            typeof entry.mediaType === 'string',
        )
        .map((entry) => ({
          mediaType: entry.mediaType,
          digest: entry.digest,
          size: Number(entry.size),
          artifactType: typeof entry.artifactType === 'string' ? entry.artifactType : null,
        }))
        .filter((entry) => !options.artifactType || entry.artifactType === options.artifactType);
    },
  });
}
