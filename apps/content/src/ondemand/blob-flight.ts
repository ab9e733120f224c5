import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Digest } from '@app/oci';
import type { BlobRef } from '../resolve/content-views';

export class UpstreamMismatchError extends Error {
  override readonly name = 'UpstreamMismatchError';
}

/**
 * One upstream download of one blob, shared by every request that wants it meanwhile. Bytes go to a spool
 * file that each request reads at its own pace (a slow client never slows the download or the others).
 * The last byte is released only after the digest verified, so a corrupted blob never reaches a client
 * as a complete, correct-length body: its response is cut instead.
 */
export class BlobFlight {
  written = 0;
  verified = false;
  failure: Error | null = null;
  readonly spoolPath: string;
  private writer: FileHandle | null = null;
  private reader: FileHandle | null = null;
  private refs = 1;
  private waiters: Array<() => void> = [];
  private released: Promise<void> | null = null;

  constructor(
    readonly blob: BlobRef,
    tmpDir: string,
  ) {
    this.spoolPath = join(tmpDir, `${blob.digest.slice(7)}.ondemand-${randomUUID()}.partial`);
  }

  async openSpool(): Promise<void> {
    // With an object store nothing else creates the local spool directory (STORAGE_PATH/tmp).
    await mkdir(dirname(this.spoolPath), { recursive: true });
    this.writer = await open(this.spoolPath, 'wx+', 0o600);
    this.reader = await open(this.spoolPath, 'r');
  }

  /** Copies the upstream stream into the spool, hashing it. Throws on size or digest mismatch; see `fail`. */
  async fill(stream: AsyncIterable<Buffer>): Promise<void> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of stream) {
        if (this.written + chunk.length > this.blob.size) {
          throw new UpstreamMismatchError(`upstream sent more than the ${this.blob.size} bytes of ${this.blob.digest}`);
        }
        await this.writer!.write(chunk, 0, chunk.length, this.written);
        hash.update(chunk);
        this.written += chunk.length;
        this.wake();
      }
      if (this.written !== this.blob.size) {
        throw new Error(`upstream ended after ${this.written} of ${this.blob.size} bytes of ${this.blob.digest}`);
      }
      const actual: Digest = `sha256:${hash.digest('hex')}`;
      if (actual !== this.blob.digest) {
        throw new UpstreamMismatchError(`upstream bytes hash to ${actual}, expected ${this.blob.digest}`);
      }
      this.verified = true;
      this.wake();
    } finally {
      await this.writer?.close().catch(() => undefined);
      this.writer = null;
    }
  }

  /** Cuts every reader. Called by the owner after it recorded the failure, so a retry sees the cool-down. */
  fail(error: Error): void {
    this.failure = error;
    this.wake();
  }

  /** Bytes a reader may take now: everything but the last byte until the digest is verified. */
  get readable(): number {
    return this.verified ? this.blob.size : Math.min(this.written, this.blob.size - 1);
  }

  /** Resolves once more bytes are readable, the flight ended, or it failed. */
  waitBeyond(position: number): Promise<void> {
    if (this.readable > position || this.failure || this.verified) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  read(buffer: Buffer, length: number, position: number) {
    return this.reader!.read(buffer, 0, length, position);
  }

  /** Each reader holds a reference; the spool disappears when the download and all readers are done. */
  retain(): void {
    this.refs++;
  }

  release(): Promise<void> {
    if (--this.refs > 0) return Promise.resolve();
    this.released ??= (async () => {
      await this.reader?.close().catch(() => undefined);
      await unlink(this.spoolPath).catch(() => undefined);
    })();
    return this.released;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
