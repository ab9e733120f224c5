import type { ServerResponse } from 'node:http';
import { constants } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { ContentResponse } from './content-response';
import { EAGAIN, type SendfileBinding } from './sendfile';
import { countSentFile } from './socket-bytes';

/** sendfile(2) errors that mean the client is gone (the others are about the file). */
const CLIENT_GONE = new Set([
  constants.errno.EPIPE,
  constants.errno.ECONNRESET,
  constants.errno.ENOTCONN,
  constants.errno.ETIMEDOUT,
]);

/** `ResponseOutlet.sendFile`: the socket's buffer is full; a write waits for room. */
export const SOCKET_FULL = -1;
/** `ResponseOutlet.sendFile`: bytes must go the copying way now (TLS, bytes queued ahead, headers not out yet). */
export const NOT_NOW = -2;

/**
 * Writes to a response one chunk at a time and waits until the socket took it, so memory per client is
 * bounded and a reused buffer is never overwritten while still queued. Resolves false once the client is
 * gone (`close` fires, a write fails), which is the signal for a read loop to stop and release its file.
 */
export class ResponseOutlet {
  private gone = false;
  /** Whether a write completed, so the status line and headers are on the socket. */
  private flushed = false;
  /** Whether sendfile failed for a reason other than the client (the file system refuses it): copy from then on. */
  private refused = false;
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
    const written = new Promise<boolean>((resolve) =>
      this.res.write(chunk, (error) => {
        if (!error) this.flushed = true;
        resolve(!error);
      }),
    );
    return Promise.race([written, this.closed]);
  }

  /**
   * Has the kernel send up to `length` bytes of the file `fileFd` from `position` straight to the socket
   * (`sendfile(2)`, no copy through this process): the bytes it took (0 only when the file ends there),
   * SOCKET_FULL, or NOT_NOW when they must be written the usual way: TLS, anything queued on the socket ahead
   * of them, or no write completed yet (node:http sends the status line and headers with the first write).
   */
  sendFile(binding: SendfileBinding, fileFd: number, position: number, length: number): number {
    const socket = this.res.socket;
    if (!this.flushed || this.refused || this.isGone || socket === null || socket.writableLength !== 0) return NOT_NOW;
    if ((socket as TLSSocket).encrypted) return NOT_NOW;
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (fd === undefined || fd < 0) return NOT_NOW;
    const sent = binding.send(fd, fileFd, position, length);
    if (sent > 0) {
      countSentFile(socket, sent);
      if (this.res instanceof ContentResponse) this.res.sentFileBytes += sent;
      return sent;
    }
    if (sent === 0) return 0;
    if (sent === -EAGAIN) return SOCKET_FULL;
    if (CLIENT_GONE.has(-sent)) {
      // As a failed write would: the response ends here.
      this.gone = true;
      socket.destroy();
    } else {
      // EINVAL, EOPNOTSUPP, EIO, …: the file's side; its chunks go the copying way, which reports a real read error.
      this.refused = true;
    }
    return NOT_NOW;
  }
}
