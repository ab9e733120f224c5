import { type BufferBudget, type TransferBuffers, transferBuffers } from './buffer-pool';
import type { ResponseOutlet } from './response-outlet';

/**
 * Reads up to `length` bytes at `position` into `buffer` and resolves how many it read: 0 means the source
 * ended early (an error) or, when the client already left, that reading stopped.
 */
export type ChunkReader = (buffer: Buffer, length: number, position: number) => Promise<number>;

/**
 * Sends bytes `start..end` (inclusive) chunk by chunk through pooled buffers. A buffer is refilled only
 * after the socket took it; with two buffers the next read overlaps the previous write. Resolves false when
 * the client left; the buffers go back to the pool only once no queued write references them.
 */
export async function pumpRange(
  outlet: Pick<ResponseOutlet, 'write' | 'isGone'>,
  start: number,
  end: number,
  read: ChunkReader,
  budget: BufferBudget = transferBuffers,
): Promise<boolean> {
  const transfer = budget.acquire(end - start + 1);
  const { buffers } = transfer;
  let pending: Promise<boolean> = Promise.resolve(true);
  try {
    let position = start;
    for (let turn = 0; position <= end; turn = (turn + 1) % buffers.length) {
      const buffer = buffers[turn];
      // A single buffer may still be queued on the socket: wait for it before overwriting it.
      if (buffers.length === 1 && !(await pending)) return false;
      const bytesRead = await read(buffer, Math.min(buffer.length, end - position + 1), position);
      if (!(await pending)) return false;
      if (bytesRead === 0) {
        if (outlet.isGone) return false;
        throw endedEarly(position, end);
      }
      position += bytesRead;
      pending = outlet.write(buffer.subarray(0, bytesRead));
    }
    return await pending;
  } finally {
    await pending;
    transfer.release();
  }
}

/** At most this much per sendfile(2) call (nginx's `sendfile_max_chunk` is 2 MiB): about 0.1 ms of the loop. */
const SENDFILE_MAX = 1024 * 1024;

/**
 * Sends one stretch of the file (`sendfile(2)` through `ResponseOutlet.sendFile`): the bytes the kernel took,
 * 0 when the file ends there, or a negative number when this stretch must go the copying way.
 */
export type FileSender = (position: number, length: number) => number;

/**
 * Sends bytes `start..end` (inclusive) with the kernel copying them from the file to the socket while the socket
 * has room. When it has none (or bytes must go the usual way: the first write carries the headers), one chunk
 * is read and written through a pooled buffer, and that write's completion is the sign the socket took it and
 * can take more. Resolves false when the client left.
 */
export async function sendRange(
  outlet: Pick<ResponseOutlet, 'write' | 'isGone'>,
  start: number,
  end: number,
  send: FileSender,
  read: ChunkReader,
  budget: BufferBudget = transferBuffers,
): Promise<boolean> {
  let transfer: TransferBuffers | undefined;
  try {
    let position = start;
    while (position <= end) {
      const sent = send(position, Math.min(SENDFILE_MAX, end - position + 1));
      if (sent > 0) {
        position += sent;
        // Other clients' turn: one fast client would otherwise hold the loop for its whole file.
        if (position <= end) await new Promise(setImmediate);
        continue;
      }
      if (sent === 0) throw endedEarly(position, end);
      if (outlet.isGone) return false;
      transfer ??= budget.acquireOne();
      const buffer = transfer.buffers[0];
      const bytesRead = await read(buffer, Math.min(buffer.length, end - position + 1), position);
      if (bytesRead === 0) {
        if (outlet.isGone) return false;
        throw endedEarly(position, end);
      }
      if (!(await outlet.write(buffer.subarray(0, bytesRead)))) return false;
      position += bytesRead;
    }
    return true;
  } finally {
    transfer?.release();
  }
}

/** The error for a source that ended at `position` while the range went on to `end` (Content-Length is out). */
function endedEarly(position: number, end: number): Error {
  return new Error(`source ended at ${position}, expected ${end + 1} bytes`);
}
