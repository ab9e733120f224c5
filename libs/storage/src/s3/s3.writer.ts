import { createHash, type Hash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { Digest } from '@app/oci';
import type { BlobWriter, CommitResult } from '../storage.driver';
import { DigestMismatchError, SizeMismatchError, StorageFullError, WriterClosedError } from '../storage.errors';
import { copyObject, isQuotaExceeded } from './s3-ops';

type WriterState = 'open' | 'committed' | 'aborted' | 'released' | 'failed';

/** Parts uploading while the next one fills: one at a time left the writer waiting on each round trip. */
const PARTS_IN_FLIGHT = 2;

export interface S3WriterInit {
  digest: Digest;
  client: S3Client;
  bucket: string;
  blobKey: string;
  /** Keyed writers upload under their temporary key so that `release()` can leave a readable prefix behind. */
  tempKey: string | undefined;
  expectedSize: number | undefined;
  partSize: number;
  hash: Hash;
  written: number;
  /** Resumed bytes past the temporary's last whole part; they start the next part. */
  tail: Buffer;
  /** Whole parts of the resumed temporary, copied server-side into the new upload when it starts. */
  copyParts: number;
  exists(key: string): Promise<boolean>;
  /** Called once when the writer stops holding its temporary. */
  onClosed(): void;
}

/**
 * Hashes while uploading: bytes collect into part-sized buffers, full parts go to a multipart upload as they fill,
 * and the upload is completed only after digest and size matched (aborted otherwise), so an unverified object never
 * appears under a blob key. A blob smaller than one part is a single PUT at commit.
 */
export class S3BlobWriter implements BlobWriter {
  readonly digest: Digest;
  private state: WriterState = 'open';
  private hash: Hash;
  private bytes: number;
  private buffer: Buffer;
  private fill = 0;
  private nextPart = 1;
  private inflight: Promise<void>[] = [];
  private copyParts: number;
  private parts: { PartNumber: number; ETag: string }[] = [];
  private upload: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly init: S3WriterInit) {
    this.digest = init.digest;
    this.hash = init.hash;
    this.bytes = init.written;
    this.copyParts = init.copyParts;
    this.buffer = Buffer.allocUnsafe(init.partSize);
    init.tail.copy(this.buffer);
    this.fill = init.tail.length;
  }

  get written(): number {
    return this.bytes;
  }

  /** The multipart upload this writer holds, so cleanup leaves it alone. */
  get uploadId(): string | undefined {
    return this.upload;
  }

  get outstandingBytes(): number {
    return this.state === 'open' && this.init.expectedSize !== undefined
      ? Math.max(0, this.init.expectedSize - this.bytes)
      : 0;
  }

  private get targetKey(): string {
    return this.init.tempKey ?? this.init.blobKey;
  }

  write(chunk: Uint8Array): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      if (chunk.byteLength === 0) return;
      const { expectedSize } = this.init;
      if (expectedSize !== undefined && this.bytes + chunk.byteLength > expectedSize) {
        throw new SizeMismatchError(this.digest, expectedSize, this.bytes + chunk.byteLength);
      }
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
      let offset = 0;
      try {
        while (offset < chunk.byteLength) {
          const take = Math.min(chunk.byteLength - offset, this.buffer.length - this.fill);
          this.buffer.set(chunk.subarray(offset, offset + take), this.fill);
          this.fill += take;
          offset += take;
          if (this.fill === this.buffer.length) await this.flushPart();
        }
      } catch (error) {
        throw await this.fail(error);
      }
    });
  }

  reset(): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      await this.abortUpload();
      this.copyParts = 0;
      this.fill = 0;
      this.hash = createHash('sha256');
      this.bytes = 0;
    });
  }

  commit(): Promise<CommitResult> {
    return this.serial(async () => {
      this.assertOpen();
      const { expectedSize, blobKey, tempKey } = this.init;
      if (expectedSize !== undefined && this.bytes !== expectedSize) {
        await this.discard('failed');
        throw new SizeMismatchError(this.digest, expectedSize, this.bytes);
      }
      const actual: Digest = `sha256:${this.hash.digest('hex')}`;
      if (actual !== this.digest) {
        await this.discard('failed');
        throw new DigestMismatchError(this.digest, actual, this.bytes);
      }
      try {
        if (await this.init.exists(blobKey)) {
          await this.discard('committed');
          return { digest: this.digest, size: this.bytes, alreadyExisted: true };
        }
        if (this.upload === undefined && this.copyParts === 0) {
          await this.put(blobKey);
        } else {
          await this.completeUpload();
          // Only keyed writers uploaded beside the blob key; the server copies (RGW shares the tail objects).
          if (tempKey) await copyObject(this.init.client, this.init.bucket, tempKey, blobKey, this.bytes);
        }
        if (tempKey) await this.deleteTemp();
      } catch (error) {
        throw await this.fail(error);
      }
      this.finish('committed');
      return { digest: this.digest, size: this.bytes, alreadyExisted: false };
    });
  }

  abort(): Promise<void> {
    return this.serial(async () => {
      if (this.state === 'open' || this.state === 'failed') await this.discard('aborted');
    });
  }

  release(): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'open') return;
      const { tempKey } = this.init;
      if (!tempKey) return this.discard('released');
      try {
        if (this.bytes === 0) await this.deleteTemp();
        else if (this.upload === undefined && this.copyParts === 0) await this.put(tempKey);
        else await this.completeUpload();
      } catch (error) {
        throw await this.fail(error);
      }
      this.finish('released');
    });
  }

  private async put(key: string): Promise<void> {
    await this.init.client.send(
      new PutObjectCommand({
        Bucket: this.init.bucket,
        Key: key,
        Body: this.buffer.subarray(0, this.fill),
        ContentLength: this.fill,
      }),
    );
  }

  private async ensureUpload(): Promise<string> {
    if (this.upload !== undefined) return this.upload;
    const { client, bucket, partSize } = this.init;
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: this.targetKey }));
    this.upload = created.UploadId!;
    // A resumed temporary's whole parts become the first parts of the new upload without travelling again.
    for (let index = 0; index < this.copyParts; index++) {
      const copied = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: this.targetKey,
          UploadId: this.upload,
          PartNumber: index + 1,
          CopySource: `${bucket}/${this.init.tempKey!}`,
          CopySourceRange: `bytes=${index * partSize}-${(index + 1) * partSize - 1}`,
        }),
      );
      this.parts.push({ PartNumber: index + 1, ETag: copied.CopyPartResult!.ETag! });
    }
    this.nextPart = this.copyParts + 1;
    this.copyParts = 0;
    return this.upload;
  }

  /** Starts uploading the buffered part and hands the buffer over; waits only when enough parts are in flight. */
  private async flushPart(): Promise<void> {
    const uploadId = await this.ensureUpload();
    const PartNumber = this.nextPart++;
    const Body = this.buffer.subarray(0, this.fill);
    this.buffer = Buffer.allocUnsafe(this.init.partSize);
    this.fill = 0;
    const upload = this.init.client
      .send(
        new UploadPartCommand({
          Bucket: this.init.bucket,
          Key: this.targetKey,
          UploadId: uploadId,
          PartNumber,
          Body,
          ContentLength: Body.length,
        }),
      )
      .then((result) => {
        this.parts.push({ PartNumber, ETag: result.ETag! });
      });
    // Awaited below or in drain(); this only keeps a failure from counting as unhandled meanwhile.
    upload.catch(() => undefined);
    this.inflight.push(upload);
    while (this.inflight.length >= PARTS_IN_FLIGHT) await this.inflight.shift();
  }

  private async drain(): Promise<void> {
    await Promise.all(this.inflight.splice(0));
  }

  private async completeUpload(): Promise<void> {
    const uploadId = await this.ensureUpload();
    if (this.fill > 0 || this.nextPart === 1) await this.flushPart();
    await this.drain();
    this.parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await this.init.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.init.bucket,
        Key: this.targetKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
    this.upload = undefined;
    this.parts = [];
    this.nextPart = 1;
  }

  private async abortUpload(): Promise<void> {
    // A part still uploading could land after the abort and linger: let every one finish first.
    await Promise.allSettled(this.inflight.splice(0));
    const uploadId = this.upload;
    this.upload = undefined;
    this.parts = [];
    this.nextPart = 1;
    if (uploadId === undefined) return;
    await this.init.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.init.bucket, Key: this.targetKey, UploadId: uploadId }))
      .catch((error: unknown) => {
        if ((error as Error).name !== 'NoSuchUpload') throw error;
      });
  }

  private async deleteTemp(): Promise<void> {
    if (this.init.tempKey) {
      await this.init.client.send(new DeleteObjectCommand({ Bucket: this.init.bucket, Key: this.init.tempKey }));
    }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new WriterClosedError(this.digest, this.state);
  }

  /** Ends the writer after a failed request, leaving no upload or temporary behind, and returns what to throw. */
  private async fail(error: unknown): Promise<unknown> {
    await this.discard('failed').catch(() => undefined);
    return isQuotaExceeded(error) ? new StorageFullError(this.digest, this.bytes, { cause: error }) : error;
  }

  private async discard(next: WriterState): Promise<void> {
    try {
      await this.abortUpload();
      await this.deleteTemp();
    } finally {
      this.finish(next);
    }
  }

  private finish(next: WriterState): void {
    const wasHolding = this.state === 'open';
    this.state = next;
    if (wasHolding) this.init.onClosed();
  }
}
