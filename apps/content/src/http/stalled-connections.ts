import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import { bytesWritten } from './socket-bytes';

interface Progress {
  read: number;
  written: number;
  since: number;
}

/**
 * Drops connections on which no byte moved, in either direction, for `idleMs`: a client that stopped reading a
 * download keeps its socket, its file and its buffers otherwise (node:http arms its keep-alive timer only once a
 * response has been flushed, and `requestTimeout` covers only receiving the request).
 *
 * It replaces `server.setTimeout(idleMs)`, which does the same with a timer that every read and write of every
 * request re-arms (measured: a few percent of a small request's CPU). Here one sweep every quarter of `idleMs`
 * compares each connection's byte counts with the previous sweep's, so a connection is dropped between `idleMs`
 * and 1.25 × `idleMs` after its last byte.
 */
export class StalledConnections {
  private readonly connections = new Map<Socket, Progress>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    servers: Server[],
    private readonly idleMs: number,
    sweepMs = idleMs / 4,
  ) {
    for (const server of servers) server.on('connection', (socket: Socket) => this.track(socket));
    this.timer = setInterval(() => this.sweep(), sweepMs).unref();
  }

  get tracked(): number {
    return this.connections.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.connections.clear();
  }

  private track(socket: Socket): void {
    this.connections.set(socket, { read: socket.bytesRead, written: bytesWritten(socket), since: Date.now() });
    socket.once('close', () => this.connections.delete(socket));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, progress] of this.connections) {
      const read = socket.bytesRead;
      const written = bytesWritten(socket);
      if (read !== progress.read || written !== progress.written) {
        progress.read = read;
        progress.written = written;
        progress.since = now;
      } else if (now - progress.since >= this.idleMs) {
        this.connections.delete(socket);
        socket.destroy();
      }
    }
  }
}
