import type { Socket } from 'node:net';

/** Bytes sendfile(2) moved to a socket behind node's back, by socket (only sockets that had any). */
const sentByKernel = new WeakMap<Socket, number>();

/** Bytes sendfile(2) moved in this process, all sockets together (`bootdepot_content_sendfile_bytes_total`). */
export const sentFileTotal = { bytes: 0 };

/** Counts bytes the kernel sent to `socket` from a file, which `socket.bytesWritten` does not see. */
export function countSentFile(socket: Socket, bytes: number): void {
  sentByKernel.set(socket, (sentByKernel.get(socket) ?? 0) + bytes);
  sentFileTotal.bytes += bytes;
}

/** Every byte written to `socket`: node's own writes and sendfile's (for the stall sweeper). */
export function bytesWritten(socket: Socket): number {
  const kernel = sentByKernel.get(socket);
  return kernel === undefined ? writtenBytes(socket) : writtenBytes(socket) + kernel;
}

/**
 * `socket.bytesWritten` (node's own writes; sendfile's are apart), cheaply when nothing is queued: that getter copies
 * the socket's write queue to count it (~650 instructions a call, docs/BENCHMARKS.md), and with the queue empty it
 * equals the bytes handed to the kernel. Between keep-alive requests, and when a response finished, it is empty;
 * pipelined requests and cut responses take the getter.
 */
export function writtenBytes(socket: Socket): number {
  const dispatched = (socket as unknown as { _bytesDispatched?: unknown })._bytesDispatched;
  return socket.writableLength === 0 && typeof dispatched === 'number' ? dispatched : socket.bytesWritten;
}
