import { acquirePair } from '../http/buffer-pool';
import type { BodySource } from '../http/body-source';
import type { ResponseOutlet } from '../http/response-outlet';
import type { BlobFlight } from './blob-flight';

/** A response's view of an in-flight download: it reads the spool as far as the download got, then waits. */
export class SpoolSource implements BodySource {
  private closed = false;

  constructor(private readonly flight: BlobFlight) {
    flight.retain();
  }

  get size(): number {
    return this.flight.blob.size;
  }

  async pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    const pair = acquirePair(end - start + 1);
    let pending: Promise<boolean> = Promise.resolve(true);
    try {
      let position = start;
      for (let turn = 0; position <= end;) {
        if (this.flight.failure) throw this.flight.failure;
        if (this.flight.readable <= position) {
          await this.flight.waitBeyond(position);
          if (outlet.isGone) return false;
          continue;
        }
        const buffer = pair.buffers[turn];
        const length = Math.min(buffer.length, end - position + 1, this.flight.readable - position);
        const { bytesRead } = await this.flight.read(buffer, length, position);
        if (!(await pending)) return false;
        position += bytesRead;
        pending = outlet.write(buffer.subarray(0, bytesRead));
        turn ^= 1;
      }
      return await pending;
    } finally {
      await pending;
      pair.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flight.release();
  }
}
