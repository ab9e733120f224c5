import type { BodySource } from '../http/body-source';
import { pumpRange } from '../http/range-pump';
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

  pipeRange(outlet: ResponseOutlet, start: number, end: number): Promise<boolean> {
    return pumpRange(outlet, start, end, async (buffer, length, position) => {
      if (this.flight.failure) throw this.flight.failure;
      while (this.flight.readable <= position) {
        await this.flight.waitBeyond(position);
        if (outlet.isGone) return 0;
        if (this.flight.failure) throw this.flight.failure;
      }
      const { bytesRead } = await this.flight.read(buffer, Math.min(length, this.flight.readable - position), position);
      return bytesRead;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flight.release();
  }
}
