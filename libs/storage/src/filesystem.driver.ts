import { createHash, type Hash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertDigest, type Digest } from '@app/oci';
import { BlobLayout } from './blob-layout';
import { FilesystemBlobWriter } from './filesystem.writer';
import { type FsOps, nodeFsOps } from './fs-ops';
import { BlobNotFoundError, WriterBusyError } from './storage.errors';
import type {
  BlobInfo,
  BlobStat,
  BlobWriter,
  ReadRange,
  StorageDriver,
  StorageUsage,
  WriterOptions,
} from './storage.driver';
import { assertByteCount, assertReadRange, rehashMatches } from './driver-checks';

export interface FilesystemDriverOptions {
  root: string;
  /** Free space kept back from `hasRoomFor`, so a sync never takes the last bytes of the volume. */
  minFreeBytes?: number;
  /** Test hook: replace the filesystem calls of the write path. */
  fsOps?: Partial<FsOps>;
}

const READ_CHUNK = 1024 * 1024;
const HEX_RE = /^[a-f0-9]{64}$/;

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export class FilesystemDriver implements StorageDriver {
  readonly kind = 'filesystem';
  private readonly layout: BlobLayout;
  private readonly fsOps: FsOps;
  /** Temporaries held by open writers in this process, by path. */
  private readonly active = new Map<string, FilesystemBlobWriter | null>();

  private constructor(private readonly options: FilesystemDriverOptions) {
    this.layout = new BlobLayout(options.root);
    this.fsOps = { ...nodeFsOps, ...options.fsOps };
  }

  /** Creates the layout under `root` and checks that `tmp/` and `blobs/` share a volume, which atomic rename needs. */
  static async open(options: FilesystemDriverOptions): Promise<FilesystemDriver> {
    assertByteCount(options.minFreeBytes, 'minFreeBytes');
    const driver = new FilesystemDriver(options);
    const { blobsDir, tmpDir } = driver.layout;
    await mkdir(blobsDir, { recursive: true });
    await mkdir(tmpDir, { recursive: true });
    const [blobs, tmp] = await Promise.all([stat(blobsDir), stat(tmpDir)]);
    if (blobs.dev !== tmp.dev) {
      throw new Error(`${tmpDir} and ${blobsDir} are on different filesystems; rename would not be atomic`);
    }
    return driver;
  }

  localPath(digest: Digest): string {
    return this.layout.blobPath(assertDigest(digest));
  }

  async stat(digest: Digest): Promise<BlobStat | null> {
    try {
      const info = await stat(this.localPath(digest));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async openRead(digest: Digest, range: ReadRange = {}): Promise<Readable> {
    assertReadRange(range);
    const { start, end } = range;
    let handle: FileHandle;
    try {
      handle = await open(this.localPath(digest), 'r');
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(digest);
      throw error;
    }
    // The stream owns the handle (autoClose), so destroying the stream releases the descriptor.
    return handle.createReadStream({ start, end, highWaterMark: READ_CHUNK });
  }

  async createWriter(digest: Digest, options: WriterOptions = {}): Promise<BlobWriter> {
    assertDigest(digest);
    assertByteCount(options.expectedSize, 'expectedSize');
    const keyed = options.resumeKey !== undefined;
    const tempPath = this.layout.tempPath(digest, options.resumeKey ?? `anon-${randomUUID()}`);
    if (this.active.has(tempPath)) throw new WriterBusyError(digest, options.resumeKey ?? '');
    // Claimed before the first await so two concurrent calls with one key cannot both open the file.
    this.active.set(tempPath, null);
    try {
      const writer = await this.openWriter(digest, tempPath, keyed, options.expectedSize);
      this.active.set(tempPath, writer);
      return writer;
    } catch (error) {
      this.active.delete(tempPath);
      throw error;
    }
  }

  private async openWriter(
    digest: Digest,
    tempPath: string,
    keyed: boolean,
    expectedSize: number | undefined,
  ): Promise<FilesystemBlobWriter> {
    let hash = createHash('sha256');
    let handle: FileHandle;
    let written = 0;
    if (keyed) {
      const existing = await this.fsOps.open(tempPath, 'r+').catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (existing) {
        handle = existing;
        written = await this.rehash(handle, hash).catch(async (error: unknown) => {
          await existing.close();
          throw error;
        });
      } else {
        handle = await this.fsOps.open(tempPath, 'w+', 0o644);
      }
      if (expectedSize !== undefined && written > expectedSize) {
        // A leftover longer than the blob cannot be a prefix of it: start over.
        await handle.truncate(0);
        hash = createHash('sha256');
        written = 0;
      }
    } else {
      handle = await this.fsOps.open(tempPath, 'wx', 0o644);
    }
    return new FilesystemBlobWriter({
      digest,
      tempPath,
      keyed,
      expectedSize,
      handle,
      hash,
      written,
      fsOps: this.fsOps,
      publish: (path) => this.publish(digest, path),
      onClosed: () => this.active.delete(tempPath),
    });
  }

  /** Node's Hash cannot be serialized, so resuming means reading the partial file once more. */
  private async rehash(handle: FileHandle, hash: Hash): Promise<number> {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return position;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  }

  private async publish(digest: Digest, tempPath: string): Promise<boolean> {
    const finalPath = this.layout.blobPath(digest);
    await mkdir(dirname(finalPath), { recursive: true });
    if (await exists(finalPath)) {
      await this.fsOps.unlink(tempPath);
      return true;
    }
    // Two writers racing past the check both rename verified identical bytes; the later one wins harmlessly.
    await this.fsOps.rename(tempPath, finalPath);
    await syncDirectory(dirname(finalPath));
    return false;
  }

  async delete(digest: Digest): Promise<boolean> {
    try {
      await this.fsOps.unlink(this.localPath(digest));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Walks `blobs/sha256/*` and stats every file: cost grows with the number of blobs. */
  async *list(): AsyncIterable<BlobInfo> {
    for (const prefix of await readdirIfExists(this.layout.blobsDir)) {
      if (!/^[a-f0-9]{2}$/.test(prefix)) continue;
      const dir = join(this.layout.blobsDir, prefix);
      for (const name of await readdirIfExists(dir)) {
        if (!HEX_RE.test(name) || !name.startsWith(prefix)) continue;
        const info = await lstat(join(dir, name)).catch(() => null);
        if (info?.isFile()) yield { digest: `sha256:${name}`, size: info.size, modifiedAt: info.mtimeMs };
      }
    }
  }

  /** One statfs plus a walk of every stored blob (see `list`); callers should cache it, not poll it. */
  async usage(): Promise<StorageUsage> {
    const fs = await this.fsOps.statfs(this.options.root);
    let usedBytes = 0;
    for await (const blob of this.list()) usedBytes += blob.size;
    return { usedBytes, freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
  }

  async hasRoomFor(bytes: number): Promise<boolean> {
    assertByteCount(bytes, 'bytes');
    const fs = await this.fsOps.statfs(this.options.root);
    let promised = 0;
    for (const writer of this.active.values()) promised += writer?.outstandingBytes ?? 0;
    return fs.bavail * fs.bsize - promised - (this.options.minFreeBytes ?? 0) >= bytes;
  }

  async cleanupTemporaries(olderThanMs: number): Promise<number> {
    assertByteCount(olderThanMs, 'olderThanMs');
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of await readdirIfExists(this.layout.tmpDir)) {
      const path = join(this.layout.tmpDir, name);
      if (this.active.has(path)) continue;
      const info = await lstat(path).catch(() => null);
      if (!info?.isFile() || info.mtimeMs > cutoff) continue;
      try {
        await this.fsOps.unlink(path);
        removed++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return removed;
  }

  verify(digest: Digest): Promise<boolean> {
    return rehashMatches((d) => this.openRead(d), digest);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** Makes the rename itself durable; not every filesystem allows fsync on a directory, hence best effort. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
