import type { FileHandle } from 'node:fs/promises';
import { acquirePair } from './buffer-pool';
import type { ResponseOutlet } from './response-outlet';

/** The bytes of one representation, readable by range. Whoever obtains a source must `close()` it. */
export interface BodySource {
  readonly size: number;
  /** Sends bytes `start..end` (inclusive); resolves false when the client left before the end. */
  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean>;
  close(): Promise<void>;
}

export class MemorySource implements BodySource {
  constructor(private readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length;
  }

  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    return outlet.write(this.slice(start, end));
  }

  /** Bytes `start` to `end` inclusive, without copying. */
  slice(start: number, end: number): Buffer {
    return this.bytes.subarray(start, end + 1);
  }

  async close(): Promise<void> {}
}

/**
 * A stored file read with a FileHandle loop: the next read overlaps the previous write, and a buffer is
 * refilled only after the socket took it. Faster than `createReadStream().pipe()` (TOOLCHAIN.md) and it
 * cannot leak the descriptor: the owner closes it whatever happened to the client.
 */
export class FileSource implements BodySource {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    const pair = acquirePair(end - start + 1);
    let pending: Promise<boolean> = Promise.resolve(true);
    try {
      let position = start;
      for (let turn = 0; position <= end; turn ^= 1) {
        const buffer = pair.buffers[turn];
        const { bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, end - position + 1), position);
        if (!(await pending)) return false;
        if (bytesRead === 0) throw new Error(`file ended at ${position}, expected ${end + 1} bytes`);
        position += bytesRead;
        pending = outlet.write(buffer.subarray(0, bytesRead));
      }
      return await pending;
    } finally {
      // A queued write still references its buffer; wait for it before another transfer may reuse it.
      await pending;
      pair.release();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.handle.close().catch(() => undefined);
    return this.closing;
  }
}
