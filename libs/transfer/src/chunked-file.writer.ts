import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ExportTocFile } from './export-toc';

/**
 * A byte stream cut into files of at most `chunkSize` bytes (`<base>.0000`, `<base>.0001`, …), or one file named
 * `<base>` when `chunkSize` is null; each file's size and sha256 are recorded as it is written, for the TOC.
 */
export class ChunkedFileWriter extends Writable {
  readonly files: ExportTocFile[] = [];
  /** Every path opened, complete or not, so a failed export can remove them. */
  readonly paths: string[] = [];
  private handle: FileHandle | null = null;
  private hash: Hash | null = null;
  private size = 0;
  private readonly total = createHash('sha256');

  constructor(
    private readonly directory: string,
    private readonly base: string,
    private readonly chunkSize: number | null,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  /** sha256 of all bytes across the chunks, i.e. of the whole tar. */
  globalHash(): string {
    return this.total.copy().digest('hex');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeCurrent().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = null;
    if (!handle) return callback(error);
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }

  private async writeAll(chunk: Buffer): Promise<void> {
    this.total.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.handle || (this.chunkSize !== null && this.size >= this.chunkSize)) await this.next();
      const room = this.chunkSize === null ? chunk.length - offset : this.chunkSize - this.size;
      const part = chunk.subarray(offset, offset + Math.min(room, chunk.length - offset));
      await this.handle!.write(part);
      this.hash!.update(part);
      this.size += part.length;
      offset += part.length;
    }
  }

  private async next(): Promise<void> {
    await this.closeCurrent();
    const name = this.chunkSize === null ? this.base : `${this.base}.${String(this.files.length).padStart(4, '0')}`;
    const path = join(this.directory, name);
    this.paths.push(path);
    // wx: never overwrite a file that is already there (another export, or something placed by someone else).
    this.handle = await open(path, 'wx', 0o644);
    this.hash = createHash('sha256');
    this.size = 0;
    this.files.push({ name, size: 0, sha256: '' });
  }

  private async closeCurrent(): Promise<void> {
    if (!this.handle) return;
    await this.handle.sync();
    await this.handle.close();
    this.handle = null;
    const file = this.files[this.files.length - 1]!;
    file.size = this.size;
    file.sha256 = this.hash!.digest('hex');
  }
}
