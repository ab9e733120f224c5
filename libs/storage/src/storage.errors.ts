import type { Digest } from '@app/oci';

/** The disk filled up while a blob was written; the temporary file has already been removed. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(
    readonly digest: Digest,
    readonly bytesWritten: number,
    options?: { cause?: unknown },
  ) {
    super(`storage is full: no space left while writing ${digest} after ${bytesWritten} bytes`, options);
  }
}

/** The bytes written do not hash to the digest the writer was created for. Nothing was stored. */
export class DigestMismatchError extends Error {
  override readonly name = 'DigestMismatchError';
  constructor(
    readonly expected: Digest,
    readonly actual: Digest,
    readonly bytes: number,
  ) {
    super(`digest mismatch: expected ${expected}, got ${actual} over ${bytes} bytes`);
  }
}

/** More or fewer bytes than the `expectedSize` the writer was created with. */
export class SizeMismatchError extends Error {
  override readonly name = 'SizeMismatchError';
  constructor(
    readonly digest: Digest,
    readonly expectedSize: number,
    readonly actualSize: number,
  ) {
    super(`size mismatch for ${digest}: expected ${expectedSize} bytes, got ${actualSize}`);
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly digest: Digest) {
    super(`blob ${digest} is not in storage`);
  }
}

/** Another writer in this process holds the same resumable temporary. */
export class WriterBusyError extends Error {
  override readonly name = 'WriterBusyError';
  constructor(
    readonly digest: Digest,
    readonly resumeKey: string,
  ) {
    super(`a writer for ${digest} with resume key ${JSON.stringify(resumeKey)} is already open`);
  }
}

/** The writer was committed, aborted, released or failed; it accepts no more calls. */
export class WriterClosedError extends Error {
  override readonly name = 'WriterClosedError';
  constructor(
    readonly digest: Digest,
    readonly state: string,
  ) {
    super(`writer for ${digest} is ${state}`);
  }
}
