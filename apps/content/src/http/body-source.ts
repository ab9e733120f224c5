import type { FileHandle } from 'node:fs/promises';
import { chunkReads } from './chunk-reads';
import { pumpRange, sendRange } from './range-pump';
import { NOT_NOW, type ResponseOutlet } from './response-outlet';
import { contentSendfile } from './sendfile';

/** The bytes of one representation, readable by range. Whoever obtains a source must `close()` it. */
export interface BodySource {
  readonly size: number;
  /** Sends bytes `start..end` (inclusive); resolves false when the client left before the end. */
  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean>;
  /** Releases what the source holds; nothing to wait for when it held only memory. */
  close(): Promise<void> | void;
}

export class MemorySource implements BodySource {
  constructor(private readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length;
  }

  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    return outlet.write(this.slice(start, end));
  }

  /** Bytes `start` to `end` inclusive, without copying (the buffer itself when that is all of it). */
  slice(start: number, end: number): Buffer {
    return start === 0 && end === this.bytes.length - 1 ? this.bytes : this.bytes.subarray(start, end + 1);
  }

  close(): void {}
}

/**
 * A stored file read chunk by chunk through pooled buffers (`pumpRange`, reads as ChunkReads decides). Faster than
 * `createReadStream().pipe()` (measured 1928 against 1513 MB/s for one download, at half the CPU per GB) and it
 * cannot leak the descriptor, as `.pipe()` does when the client leaves during `stat`: the owner closes it whatever
 * happened to the client.
 */
export class FileSource implements BodySource {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    const read = (buffer: Buffer, length: number, position: number) =>
      chunkReads.read(this.handle, buffer, length, position);
    const binding = contentSendfile.binding;
    if (!binding) return pumpRange(outlet, start, end, read);
    const fd = this.handle.fd;
    return sendRange(
      outlet,
      start,
      end,
      (position, length) => chunkReads.onLoop(() => outlet.sendFile(binding, fd, position, length), NOT_NOW),
      read,
    );
  }

  close(): Promise<void> {
    this.closing ??= this.handle.close().catch(() => undefined);
    return this.closing;
  }
}
