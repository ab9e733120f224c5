import { type Digest, EMPTY_BLOB_DIGEST, isDigest } from '@app/oci';
import { ManifestRejectedError } from './netboot.errors';
import type { Annotations, DescriptorRef, Platform } from './manifest.types';

export type JsonObject = Record<string, unknown>;

export function reject(message: string): never {
  throw new ManifestRejectedError(message);
}

export function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) reject(`${what} must be a JSON object`);
  return value as JsonObject;
}

export function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') reject(`${what} must be a string`);
  return value;
}

export function parseDigest(value: unknown, what: string): Digest {
  if (!isDigest(value)) reject(`${what} ${JSON.stringify(value)} is not a sha256 digest`);
  return value;
}

export function parseSize(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    reject(`${what} ${JSON.stringify(value)} is not a non-negative safe integer`);
  }
  return value;
}

export function parseAnnotations(value: unknown, what: string): Annotations {
  if (value === undefined || value === null) return {};
  const object = asObject(value, `${what} annotations`);
  for (const [key, entry] of Object.entries(object)) {
    if (typeof entry !== 'string') reject(`${what} annotation ${JSON.stringify(key)} must be a string`);
  }
  return { ...(object as Annotations) };
}

/**
 * Digest, size and media type of a descriptor. Some publishers omit `mediaType` on index entries,
 * hence the fallback; a size of 0 is accepted only for the empty blob, the one 0-byte content there is.
 */
export function parseDescriptor(value: unknown, what: string, fallbackMediaType?: string): DescriptorRef {
  const object = asObject(value, what);
  const digest = parseDigest(object.digest, `${what} digest`);
  const size = parseSize(object.size, `${what} size`);
  const mediaType = optionalString(object.mediaType, `${what} mediaType`) ?? fallbackMediaType;
  if (mediaType === undefined) reject(`${what} has no mediaType`);
  if ((size === 0) !== (digest === EMPTY_BLOB_DIGEST)) reject(`${what} size ${size} does not match digest ${digest}`);
  return { digest, size, mediaType };
}

export function parsePlatformObject(value: unknown, what: string): Platform | null {
  if (value === undefined || value === null) return null;
  const object = asObject(value, `${what} platform`);
  const architecture = optionalString(object.architecture, `${what} platform architecture`);
  const os = optionalString(object.os, `${what} platform os`);
  if (!architecture || !os) reject(`${what} platform needs architecture and os`);
  const platform: Platform = { architecture, os };
  const variant = optionalString(object.variant, `${what} platform variant`);
  const osVersion = optionalString(object['os.version'], `${what} platform os.version`);
  if (variant) platform.variant = variant;
  if (osVersion) platform.osVersion = osVersion;
  return platform;
}
