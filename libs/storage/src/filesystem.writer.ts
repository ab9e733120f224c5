import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Digest } from '@app/oci';
import type { FsOps } from './fs-ops';
import { DigestMismatchError, SizeMismatchError, StorageFullError, WriterClosedError } from './storage.errors';
import type { BlobWriter, CommitResult } from './storage.driver';

type WriterState = 'open' | 'committed' | 'aborted' | 'released' | 'failed';

export interface FilesystemWriterInit {
  digest: Digest;
  tempPath: string;
  /** Keyed temporaries survive `release()` and non-ENOSPC failures so a later writer can resume them. */
  keyed: boolean;
  expectedSize: number | undefined;
  handle: FileHandle;
  hash: Hash;
  written: number;
  fsOps: FsOps;
  /** Moves the verified temporary into place; resolves true when the blob was already there. */
  publish(tempPath: string): Promise<boolean>;
  /** Called once when the writer stops holding its temporary. */
  onClosed(): void;
}

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export class FilesystemBlobWriter implements BlobWriter {
  readonly digest: Digest;
  private state: WriterState = 'open';
  private handleClosed = false;
  private hash: Hash;
  private bytes: number;
  // Calls are chained so a caller that forgets to await cannot interleave writes at wrong offsets.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly init: FilesystemWriterInit) {
    this.digest = init.digest;
    this.hash = init.hash;
    this.bytes = init.written;
  }

  get written(): number {
    return this.bytes;
  }

  /** What this writer still expects to receive, for free-space accounting. */
  get outstandingBytes(): number {
    return this.state === 'open' && this.init.expectedSize !== undefined
      ? Math.max(0, this.init.expectedSize - this.bytes)
      : 0;
  }

  write(chunk: Uint8Array): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      if (chunk.byteLength === 0) return;
      const { expectedSize } = this.init;
      if (expectedSize !== undefined && this.bytes + chunk.byteLength > expectedSize) {
        // Refuse before touching the disk: a misbehaving server must not be able to fill the volume.
        throw new SizeMismatchError(this.digest, expectedSize, this.bytes + chunk.byteLength);
      }
      try {
        await this.init.fsOps.write(this.init.handle, chunk, this.bytes);
      } catch (error) {
        throw await this.fail(error);
      }
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
    });
  }

  reset(): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      await this.init.handle.truncate(0);
      this.hash = createHash('sha256');
      this.bytes = 0;
    });
  }

  commit(): Promise<CommitResult> {
    return this.serial(async () => {
      this.assertOpen();
      const { expectedSize } = this.init;
      if (expectedSize !== undefined && this.bytes !== expectedSize) {
        await this.discard('failed');
        throw new SizeMismatchError(this.digest, expectedSize, this.bytes);
      }
      const actual: Digest = `sha256:${this.hash.digest('hex')}`;
      if (actual !== this.digest) {
        await this.discard('failed');
        throw new DigestMismatchError(this.digest, actual, this.bytes);
      }
      let alreadyExisted: boolean;
      try {
        // fsync before rename: after a crash the final name must never point at unwritten blocks.
        await this.init.handle.sync();
        await this.closeHandle();
        alreadyExisted = await this.init.publish(this.init.tempPath);
      } catch (error) {
        throw await this.fail(error, true);
      }
      this.finish('committed');
      return { digest: this.digest, size: this.bytes, alreadyExisted };
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
      if (!this.init.keyed) return this.discard('released');
      await this.closeHandle();
      this.finish('released');
    });
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new WriterClosedError(this.digest, this.state);
  }

  /** Ends the writer after an I/O error and returns the error to throw. */
  private async fail(error: unknown, alwaysDiscard = false): Promise<unknown> {
    if (isDiskFull(error)) {
      await this.discard('failed');
      return new StorageFullError(this.digest, this.bytes, { cause: error });
    }
    // A keyed temporary still holds a prefix of the blob (writes are positional), so keep it to resume.
    if (this.init.keyed && !alwaysDiscard) {
      await this.closeHandle();
      this.finish('failed');
    } else {
      await this.discard('failed');
    }
    return error;
  }

  private async discard(next: WriterState): Promise<void> {
    await this.closeHandle();
    try {
      await this.init.fsOps.unlink(this.init.tempPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.finish(next);
  }

  private async closeHandle(): Promise<void> {
    if (this.handleClosed) return;
    this.handleClosed = true;
    await this.init.handle.close().catch(() => undefined);
  }

  private finish(next: WriterState): void {
    const wasHolding = this.state === 'open';
    this.state = next;
    if (wasHolding) this.init.onClosed();
  }
}
