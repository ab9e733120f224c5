/** Checks every storage driver makes the same way: the arguments it is handed and a stored blob's integrity. */

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Digest } from '@app/oci';
import type { ReadRange } from './storage.driver';
import { BlobNotFoundError } from './storage.errors';

/** Checks a byte count or size handed to a driver: callers' arithmetic errors fail here, not in a syscall. */
export function assertByteCount(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
}

/** Checks an inclusive byte range of `openRead`, the same for every driver (the conformance suite expects it). */
export function assertReadRange({ start, end }: ReadRange): void {
  assertByteCount(start, 'range start');
  assertByteCount(end, 'range end');
  if (start !== undefined && end !== undefined && start > end) {
    throw new RangeError(`range start ${start} is after range end ${end}`);
  }
}

/**
 * Whether a stored blob's bytes still hash to its digest (false when it is gone), read through the driver's own
 * `openRead`, so every driver answers `verify` the same way.
 */
export async function rehashMatches(openRead: (digest: Digest) => Promise<Readable>, digest: Digest) {
  let stream: Readable;
  try {
    stream = await openRead(digest);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return false;
    throw error;
  }
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}` === digest;
}
