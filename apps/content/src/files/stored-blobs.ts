import type { Readable } from 'node:stream';
import { open } from 'node:fs/promises';
import { BlobNotFoundError, type StorageDriver } from '@app/storage';
import type { Digest } from '@app/oci';
import { type BodySource, FileSource } from '../http/body-source';
import type { ResponseOutlet } from '../http/response-outlet';
import type { BlobRef } from '../resolve/content-views';

/**
 * How the content app reads stored blobs, chosen once at start from the driver: a local driver's files through a
 * FileHandle (the fast path), any other driver through `openRead` with one ranged read per requested range.
 */
export interface StoredBlobs {
  /** The blob's bytes for ranged sending, or null when it is not stored (on-demand takes over). */
  open(blob: BlobRef): Promise<BodySource | null>;
  /** The whole blob in memory (small blobs only), or null when it is not stored. */
  readAll(blob: BlobRef): Promise<Buffer | null>;
}

export function storedBlobsFor(storage: StorageDriver): StoredBlobs {
  return storage.localPath ? new LocalFiles(storage.localPath.bind(storage)) : new DriverStreams(storage);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

class LocalFiles implements StoredBlobs {
  constructor(private readonly localPath: (digest: Digest) => string) {}

  async open(blob: BlobRef): Promise<BodySource | null> {
    const handle = await open(this.localPath(blob.digest), 'r').catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    return handle && new FileSource(handle, blob.size);
  }

  async readAll(blob: BlobRef): Promise<Buffer | null> {
    const handle = await open(this.localPath(blob.digest), 'r').catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    if (!handle) return null;
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}

class DriverStreams implements StoredBlobs {
  constructor(private readonly storage: StorageDriver) {}

  async open(blob: BlobRef): Promise<BodySource | null> {
    // Asked before the status line goes out, so a blob not stored yet can still go to the on-demand fetcher.
    if (!(await this.storage.stat(blob.digest))) return null;
    return new DriverSource(this.storage, blob.digest, blob.size);
  }

  async readAll(blob: BlobRef): Promise<Buffer | null> {
    let stream: Readable;
    try {
      stream = await this.storage.openRead(blob.digest);
    } catch (error) {
      if (error instanceof BlobNotFoundError) return null;
      throw error;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

/** One ranged read from the driver per range sent (an S3 ranged GET), written at the client's pace. */
class DriverSource implements BodySource {
  private current: Readable | undefined;

  constructor(
    private readonly storage: StorageDriver,
    private readonly digest: Digest,
    readonly size: number,
  ) {}

  async pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    const stream = await this.storage.openRead(this.digest, { start, end });
    this.current = stream;
    let sent = 0;
    try {
      for await (const chunk of stream) {
        sent += (chunk as Buffer).length;
        if (!(await outlet.write(chunk as Buffer))) return false;
      }
    } finally {
      stream.destroy();
      this.current = undefined;
    }
    // Content-Length is already out: a short object must cut the connection, not end a truncated body cleanly.
    if (sent !== end - start + 1) throw new Error(`${this.digest}: storage sent ${sent} bytes of ${end - start + 1}`);
    return true;
  }

  async close(): Promise<void> {
    this.current?.destroy();
  }
}
