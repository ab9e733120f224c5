import type { ServerResponse } from 'node:http';

/**
 * Writes to a response one chunk at a time and waits until the socket took it, so memory per client is
 * bounded and a reused buffer is never overwritten while still queued. Resolves false once the client is
 * gone (`close` fires, a write fails), which is the signal for a read loop to stop and release its file.
 */
export class ResponseOutlet {
  private gone = false;
  private readonly closed: Promise<false>;

  constructor(private readonly res: ServerResponse) {
    this.gone = res.destroyed;
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.gone = true;
        resolve(false);
      };
      if (res.destroyed) done();
      res.once('close', done);
    });
    // A write on a dead socket emits 'error'; without a listener that would crash the process.
    res.on('error', () => (this.gone = true));
  }

  get isGone(): boolean {
    return this.gone || this.res.destroyed;
  }

  write(chunk: Uint8Array | string): Promise<boolean> {
    if (this.isGone) return Promise.resolve(false);
    const written = new Promise<boolean>((resolve) => this.res.write(chunk, (error) => resolve(!error)));
    return Promise.race([written, this.closed]);
  }
}
