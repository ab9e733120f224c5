import type { Readable } from 'node:stream';
import type { Digest } from '@app/oci';
import type { BlobSink } from './blob-sink';

export interface BlobStat {
  size: number;
}

export interface BlobInfo {
  digest: Digest;
  size: number;
  /** When the file was last written (ms since the epoch), where the driver knows it. */
  modifiedAt?: number;
}

/** Byte range of a read; `end` is inclusive, like HTTP `Range: bytes=start-end`. */
export interface ReadRange {
  start?: number;
  end?: number;
}

export interface WriterOptions {
  /** When known (from the descriptor), writes beyond it are refused and commit checks it. */
  expectedSize?: number;
  /**
   * Makes the temporary name deterministic (e.g. a task id) so a writer created after a crash with the
   * same digest and key continues where the previous one stopped. `[A-Za-z0-9_-]{1,128}`.
   */
  resumeKey?: string;
}

export interface CommitResult {
  digest: Digest;
  size: number;
  /** True when the blob was already stored (by another writer or an earlier sync); the bytes were discarded. */
  alreadyExisted: boolean;
}

export interface StorageUsage {
  /** Sum of the sizes of stored blobs (temporaries excluded). */
  usedBytes: number;
  /** Bytes available to this process on the underlying volume. */
  freeBytes: number;
  totalBytes: number;
}

/**
 * A writer for one blob. Bytes go to a temporary; only `commit()` makes the blob visible, after
 * verifying digest and size. Exactly one of commit/abort/release should end its life.
 */
export interface BlobWriter extends BlobSink {
  readonly digest: Digest;
  commit(): Promise<CommitResult>;
  /** Removes the temporary. Safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
  /**
   * Closes the writer but keeps a keyed temporary so a later writer can resume it (graceful shutdown).
   * Without a resume key nobody could find the temporary again, so it is removed.
   */
  release(): Promise<void>;
}

/** What a presigned read URL fixes in its signature. */
export interface PresignOptions {
  contentType: string;
  contentDisposition?: string;
  expiresInSeconds: number;
}

/** Content-addressed blob storage. Every driver must pass `describeStorageDriver` (testing/driver-conformance). */
export interface StorageDriver {
  readonly kind: string;
  stat(digest: Digest): Promise<BlobStat | null>;
  /** Filesystem drivers only: where the committed blob lives, so a server can read it with a FileHandle. */
  localPath?(digest: Digest): string;
  /** Object-store drivers only: a short-lived URL a client can GET the blob from directly. */
  presignRead?(digest: Digest, options: PresignOptions): Promise<string>;
  /** Object-store drivers only: removes many blobs in few requests; returns how many were asked to go. */
  deleteMany?(digests: Digest[]): Promise<number>;
  /** Rejects when the backing store does not answer (readiness). */
  ping?(): Promise<void>;
  /** Rejects with `BlobNotFoundError` when the blob is not stored. */
  openRead(digest: Digest, range?: ReadRange): Promise<Readable>;
  createWriter(digest: Digest, options?: WriterOptions): Promise<BlobWriter>;
  /** True when a blob was removed. */
  delete(digest: Digest): Promise<boolean>;
  list(): AsyncIterable<BlobInfo>;
  usage(): Promise<StorageUsage>;
  /** Whether `bytes` more fit, counting what open writers in this process still expect to write. */
  hasRoomFor(bytes: number): Promise<boolean>;
  /** Removes temporaries not modified for `olderThanMs` and not held by an open writer; returns how many. */
  cleanupTemporaries(olderThanMs: number): Promise<number>;
  /** Re-hashes a stored blob: true when it still matches its digest, false when corrupted or missing. */
  verify(digest: Digest): Promise<boolean>;
}
