import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

export interface Exchange {
  /** Everything the server sent, as latin1 (bytes preserved). */
  data: string;
  /** Status codes of every response the server started, in order. */
  statuses: number[];
  /** The server closed the connection (rather than us, after it fell silent). */
  closedByServer: boolean;
}

/**
 * Writes `payload` byte-for-byte on a fresh connection (no client library to normalise or refuse it) and
 * reads until the server closes or stays silent for `quietMs`.
 */
export function exchange(port: number, payload: string | Buffer, quietMs = 800): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = true;
    let timer: NodeJS.Timeout;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        closedByServer = false;
        socket.destroy();
      }, quietMs);
    };
    socket.on('connect', () => {
      socket.write(typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload);
      quiet();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      quiet();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the server answered is the server closing hard; only a failure to connect is ours.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks).toString('latin1');
      const statuses = [...data.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ data, statuses, closedByServer });
    });
  });
}

/** Opens a connection and leaves it open; resolves once connected. */
export function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Open file descriptors of this process (the in-process stack's server sockets count here too). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
