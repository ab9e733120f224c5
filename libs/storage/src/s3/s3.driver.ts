import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertDigest, type Digest } from '@app/oci';
import type {
  BlobInfo,
  BlobStat,
  BlobWriter,
  PresignOptions,
  ReadRange,
  StorageDriver,
  StorageUsage,
  WriterOptions,
} from '../storage.driver';
import { BlobNotFoundError, WriterBusyError } from '../storage.errors';
import { isNotFound } from './s3-ops';
import { S3Layout } from './s3-layout';
import { S3BlobWriter } from './s3.writer';
import { assertByteCount, assertReadRange, rehashMatches } from '../driver-checks';

export interface S3DriverOptions {
  client: S3Client;
  /** Signs presigned URLs when clients reach the store at another address than this process does. */
  presignClient?: S3Client;
  bucket: string;
  /** Key prefix for everything this driver stores: empty or ending in `/`. */
  prefix?: string;
  /** Multipart part size: S3 needs at least 5 MiB; each open writer holds one part in memory. */
  partSize?: number;
  /** What `usage()`/`hasRoomFor` count against: S3 has no free space to ask for, so it is configured (a quota). */
  capacityBytes?: number;
  /** Keys per list request (S3's maximum is 1000); smaller only in tests of paging. */
  pageSize?: number;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** 1 PiB: "no quota configured", still a safe integer for the callers' arithmetic. */
const DEFAULT_CAPACITY = 2 ** 50;
const DELETE_BATCH = 1000;
const USAGE_CACHE_MS = 60_000;

/** Content-addressed blobs in an S3 bucket (AWS S3, Ceph RGW, MinIO); passes the shared conformance suite. */
export class S3Driver implements StorageDriver {
  readonly kind = 's3';
  private readonly layout: S3Layout;
  private readonly client: S3Client;
  private readonly presignClient: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly capacity: number;
  private readonly pageSize: number | undefined;
  /** Writers open in this process, by temporary key (anonymous writers by a random slot). */
  private readonly active = new Map<string, S3BlobWriter | null>();
  private usedCache: { at: number; bytes: number } | undefined;

  constructor(options: S3DriverOptions) {
    assertByteCount(options.capacityBytes, 'capacityBytes');
    this.client = options.client;
    this.presignClient = options.presignClient ?? options.client;
    this.bucket = options.bucket;
    this.layout = new S3Layout(options.prefix ?? '');
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (this.partSize < 5 * 1024 * 1024) throw new RangeError('partSize must be at least 5 MiB (an S3 limit)');
    this.capacity = options.capacityBytes ?? DEFAULT_CAPACITY;
    this.pageSize = options.pageSize;
  }

  /** Checks that the bucket answers before the process starts serving or syncing. */
  static async open(options: S3DriverOptions): Promise<S3Driver> {
    const driver = new S3Driver(options);
    await driver.ping();
    return driver;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  describe(): Record<string, string> {
    return { bucket: this.bucket, prefix: this.layout.prefix };
  }

  async stat(digest: Digest): Promise<BlobStat | null> {
    const key = this.layout.blobKey(assertDigest(digest));
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async openRead(digest: Digest, range: ReadRange = {}): Promise<Readable> {
    assertReadRange(range);
    const { start, end } = range;
    const Range = start === undefined && end === undefined ? undefined : `bytes=${start ?? 0}-${end ?? ''}`;
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.layout.blobKey(assertDigest(digest)), Range }),
      );
      return object.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(digest);
      // A range starting at or past the end: nothing to read, as a file stream would say.
      if ((error as Error).name === 'InvalidRange') return Readable.from([]);
      throw error;
    }
  }

  async presignRead(digest: Digest, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.layout.blobKey(assertDigest(digest)),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.presignClient, command, { expiresIn: options.expiresInSeconds });
  }

  async createWriter(digest: Digest, options: WriterOptions = {}): Promise<BlobWriter> {
    assertDigest(digest);
    assertByteCount(options.expectedSize, 'expectedSize');
    const tempKey = options.resumeKey === undefined ? undefined : this.layout.tempKey(digest, options.resumeKey);
    const slot = tempKey ?? `anon-${randomUUID()}`;
    if (this.active.has(slot)) throw new WriterBusyError(digest, options.resumeKey ?? '');
    this.active.set(slot, null);
    try {
      const resumed = tempKey ? await this.resume(tempKey, options.expectedSize) : undefined;
      const writer = new S3BlobWriter({
        digest,
        client: this.client,
        bucket: this.bucket,
        blobKey: this.layout.blobKey(digest),
        tempKey,
        expectedSize: options.expectedSize,
        partSize: this.partSize,
        hash: resumed?.hash ?? createHash('sha256'),
        written: resumed?.size ?? 0,
        tail: resumed?.tail ?? Buffer.alloc(0),
        copyParts: resumed?.copyParts ?? 0,
        exists: (key) => this.exists(key),
        onClosed: () => this.active.delete(slot),
      });
      this.active.set(slot, writer);
      return writer;
    } catch (error) {
      this.active.delete(slot);
      throw error;
    }
  }

  /**
   * A writer that died without `release()` (a killed worker) left a multipart upload on its temporary key whose
   * parts nobody can read. All of them are whole parts, so completing that upload turns them into a readable
   * temporary, which then resumes like a released one; only the unflushed tail (under one part) is lost.
   */
  private async adoptCrashedUpload(tempKey: string): Promise<void> {
    const uploads = [];
    for await (const upload of this.listUploads(tempKey)) if (upload.key === tempKey) uploads.push(upload);
    uploads.sort((a, b) => b.initiated - a.initiated);
    for (const [index, upload] of uploads.entries()) {
      const parts = index === 0 ? await this.wholeParts(upload) : [];
      if (parts.length) {
        await this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: tempKey,
            UploadId: upload.uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      } else {
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: tempKey, UploadId: upload.uploadId }))
          .catch((error: unknown) => {
            if ((error as Error).name !== 'NoSuchUpload') throw error;
          });
      }
    }
  }

  /**
   * The upload's whole parts from part 1 up to the first gap: parts upload two at a time, so a kill can leave
   * part n+1 without part n. Completing with that prefix only is allowed; S3 discards the parts not listed.
   */
  private async wholeParts(upload: { key: string; uploadId: string }) {
    const parts: { PartNumber: number; ETag: string }[] = [];
    let PartNumberMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker }),
      );
      for (const part of page.Parts ?? []) {
        if (part.Size !== this.partSize || part.PartNumber !== parts.length + 1) return parts;
        parts.push({ PartNumber: part.PartNumber, ETag: part.ETag! });
      }
      if (!page.IsTruncated) return parts;
      PartNumberMarker = page.NextPartNumberMarker;
    }
  }

  /** Reads a released writer's temporary once to rebuild the hash (Node cannot serialize one), as the filesystem does. */
  private async resume(tempKey: string, expectedSize: number | undefined) {
    await this.adoptCrashedUpload(tempKey);
    let body: Readable;
    try {
      body = (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: tempKey }))).Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const hash = createHash('sha256');
    const tailChunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const wholeBefore = Math.floor(size / this.partSize) * this.partSize;
      size += chunk.length;
      tailChunks.push(chunk);
      // Keep only the bytes after the last whole part: whole parts are copied server-side on resume.
      const whole = Math.floor(size / this.partSize) * this.partSize;
      if (whole > wholeBefore) {
        const keep = size - whole;
        tailChunks.length = 0;
        if (keep > 0) tailChunks.push(chunk.subarray(chunk.length - keep));
      }
      if (expectedSize !== undefined && size > expectedSize) break;
    }
    if (expectedSize !== undefined && size > expectedSize) {
      // Longer than the blob: cannot be a prefix of it, start over.
      body.destroy();
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tempKey }));
      return undefined;
    }
    return { hash, size, tail: Buffer.concat(tailChunks), copyParts: Math.floor(size / this.partSize) };
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async delete(digest: Digest): Promise<boolean> {
    const Key = this.layout.blobKey(assertDigest(digest));
    if (!(await this.exists(Key))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    return true;
  }

  /** Up to 1000 keys per request; returns how many were deleted. Missing blobs count as deleted (S3 cannot tell). */
  async deleteMany(digests: Digest[]): Promise<number> {
    let deleted = 0;
    for (let index = 0; index < digests.length; index += DELETE_BATCH) {
      const Objects = digests
        .slice(index, index + DELETE_BATCH)
        .map((digest) => ({ Key: this.layout.blobKey(assertDigest(digest)) }));
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
      );
      if (result.Errors?.length) {
        const first = result.Errors[0];
        throw new Error(`S3 refused to delete ${result.Errors.length} blobs, first ${first.Key}: ${first.Code}`);
      }
      deleted += Objects.length;
    }
    return deleted;
  }

  /** Lists by prefix, 1000 keys a page. */
  async *list(): AsyncIterable<BlobInfo> {
    for await (const object of this.listObjects(this.layout.blobsPrefix)) {
      const digest = this.layout.digestOf(object.key);
      if (digest) yield { digest, size: object.size, modifiedAt: object.modifiedAt };
    }
  }

  /** Every object under a prefix (page by page), for listing blobs, temporaries and test clean-up. */
  async *listObjects(Prefix: string): AsyncIterable<{ key: string; size: number; modifiedAt?: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken, MaxKeys: this.pageSize }),
      );
      for (const object of page.Contents ?? []) {
        yield { key: object.Key!, size: object.Size ?? 0, modifiedAt: object.LastModified?.getTime() };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Lists every blob (S3 keeps no running total); callers cache it, not poll it. */
  async usage(): Promise<StorageUsage> {
    let usedBytes = 0;
    for await (const blob of this.list()) usedBytes += blob.size;
    this.usedCache = { at: Date.now(), bytes: usedBytes };
    return { usedBytes, freeBytes: Math.max(0, this.capacity - usedBytes), totalBytes: this.capacity };
  }

  async hasRoomFor(bytes: number): Promise<boolean> {
    assertByteCount(bytes, 'bytes');
    if (bytes > this.capacity) return false;
    if (this.capacity === DEFAULT_CAPACITY) return true;
    if (!this.usedCache || Date.now() - this.usedCache.at > USAGE_CACHE_MS) await this.usage();
    let promised = 0;
    for (const writer of this.active.values()) promised += writer?.outstandingBytes ?? 0;
    return this.capacity - this.usedCache!.bytes - promised >= bytes;
  }

  /**
   * Aborts multipart uploads and deletes released temporaries that nobody in this process holds and that have not
   * changed for `olderThanMs` (an upload's age is its newest part). A crashed worker's upload cannot be resumed
   * (S3 does not let anyone read unfinished parts), so this is what frees its parts.
   */
  async cleanupTemporaries(olderThanMs: number): Promise<number> {
    assertByteCount(olderThanMs, 'olderThanMs');
    const cutoff = Date.now() - olderThanMs;
    const heldUploads = new Set<string>();
    for (const writer of this.active.values()) if (writer?.uploadId) heldUploads.add(writer.uploadId);
    let removed = 0;
    for await (const upload of this.listUploads()) {
      if (heldUploads.has(upload.uploadId) || (await this.lastTouched(upload)) > cutoff) continue;
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId }))
        .then(() => removed++)
        .catch((error: unknown) => {
          if ((error as Error).name !== 'NoSuchUpload') throw error;
        });
    }
    for await (const object of this.listObjects(this.layout.tmpPrefix)) {
      if (this.active.has(object.key) || (object.modifiedAt ?? 0) > cutoff) continue;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.key }));
      removed++;
    }
    return removed;
  }

  /** Unfinished multipart uploads under this driver's prefix, paged. */
  async *listUploads(Prefix = this.layout.prefix): AsyncIterable<{ key: string; uploadId: string; initiated: number }> {
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix, KeyMarker, UploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        const key = upload.Key!;
        if (!key.startsWith(this.layout.blobsPrefix) && !key.startsWith(this.layout.tmpPrefix)) continue;
        yield { key, uploadId: upload.UploadId!, initiated: upload.Initiated?.getTime() ?? 0 };
      }
      if (!page.IsTruncated) return;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
  }

  private async lastTouched(upload: { key: string; uploadId: string; initiated: number }): Promise<number> {
    let newest = upload.initiated;
    let PartNumberMarker: string | undefined;
    for (;;) {
      const page = await this.client
        .send(
          new ListPartsCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name === 'NoSuchUpload') return null;
          throw error;
        });
      if (!page) return newest;
      for (const part of page.Parts ?? []) newest = Math.max(newest, part.LastModified?.getTime() ?? 0);
      if (!page.IsTruncated) return newest;
      PartNumberMarker = page.NextPartNumberMarker;
    }
  }

  verify(digest: Digest): Promise<boolean> {
    return rehashMatches((d) => this.openRead(d), digest);
  }
}
