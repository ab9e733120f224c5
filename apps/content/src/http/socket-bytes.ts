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
  return kernel === undefined ? socket.bytesWritten : socket.bytesWritten + kernel;
}
