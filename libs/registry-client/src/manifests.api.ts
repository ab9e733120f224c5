import { createHash } from 'node:crypto';
import { type Digest, isDigest, MANIFEST_ACCEPT } from '@app/oci';
import { RegistryError } from './registry.error';
import type { RegistryRequester } from './registry.requester';
import { header } from './response.util';
import { assertReference, assertRepositoryName } from './url.util';

export interface ManifestHead {
  digest: Digest;
  mediaType?: string;
  size?: number;
}

export interface Manifest {
  digest: Digest;
  mediaType?: string;
  bytes: Buffer;
}

export interface GetManifestOptions {
  /** Refuse bodies larger than this; default 4 MiB (distribution's own manifest limit). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

// Registries sometimes label manifests generically; the body's own mediaType is then the better witness.
const GENERIC_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

function contentType(value: string | undefined): string {
  return (value ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Digest, media type and size of a manifest without downloading it (`HEAD` does not count as a pull on
 * Docker Hub): what a sync uses to skip unchanged tags. null when the registry says 404. Falls back to a GET
 * when the registry omits `Docker-Content-Digest`.
 */
export async function headManifest(
  requester: RegistryRequester,
  name: string,
  ref: string,
  options: { signal?: AbortSignal } = {},
): Promise<ManifestHead | null> {
  assertRepositoryName(name);
  assertReference(ref);
  const head = await requester.run({
    method: 'HEAD',
    repository: name,
    signal: options.signal,
    passStatuses: [404],
    build: () => ({ path: `/v2/${name}/manifests/${ref}`, headers: { accept: MANIFEST_ACCEPT } }),
    handle: async (res) => {
      await res.body.dump();
      if (res.statusCode === 404) return null;
      const length = Number(header(res, 'content-length'));
      return {
        digest: header(res, 'docker-content-digest'),
        mediaType: contentType(header(res, 'content-type')) || undefined,
        size: Number.isFinite(length) ? length : undefined,
      };
    },
  });
  if (head === null) return null;
  if (isDigest(head.digest)) return { ...head, digest: head.digest };
  const manifest = await getManifest(requester, name, ref, options);
  return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
}

/**
 * A manifest or index body with its verified digest. Sends Accept for all four manifest kinds (distribution
 * answers 404 for an OCI manifest without it). A digest reference must equal sha256(body); for a tag the body
 * must match `Docker-Content-Digest` when the registry sends one.
 */
export async function getManifest(
  requester: RegistryRequester,
  name: string,
  ref: string,
  options: GetManifestOptions = {},
): Promise<Manifest> {
  assertRepositoryName(name);
  assertReference(ref);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  return requester.run({
    method: 'GET',
    repository: name,
    signal: options.signal,
    build: () => ({ path: `/v2/${name}/manifests/${ref}`, headers: { accept: MANIFEST_ACCEPT } }),
    handle: async (res, url) => {
      const tooBig = () =>
        new RegistryError({
          method: 'GET',
          url: url.toString(),
          status: res.statusCode,
          code: 'MANIFEST_TOO_LARGE',
          detail: `manifest is larger than the ${maxBytes}-byte limit`,
          retryable: false,
        });
      if (Number(header(res, 'content-length')) > maxBytes) throw tooBig();
      const chunks: Buffer[] = [];
      let size = 0;
      const hash = createHash('sha256');
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw tooBig();
        chunks.push(chunk as Buffer);
        hash.update(chunk as Buffer);
      }
      const bytes = Buffer.concat(chunks, size);
      const digest: Digest = `sha256:${hash.digest('hex')}`;
      const claimed = isDigest(ref) ? ref : header(res, 'docker-content-digest');
      if (claimed !== undefined && claimed !== digest) {
        throw new RegistryError({
          method: 'GET',
          url: url.toString(),
          status: res.statusCode,
          code: 'DIGEST_MISMATCH',
          detail: `manifest body hashes to ${digest}, expected ${claimed}`,
          retryable: false,
        });
      }
      return { digest, mediaType: mediaTypeOf(header(res, 'content-type'), bytes), bytes };
    },
  });
}

function mediaTypeOf(contentTypeHeader: string | undefined, bytes: Buffer): string | undefined {
  const fromHeader = contentType(contentTypeHeader);
  if (!GENERIC_TYPES.has(fromHeader)) return fromHeader;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    // Not JSON: the caller's parser will say so with more context.
  }
  return fromHeader || undefined;
}
