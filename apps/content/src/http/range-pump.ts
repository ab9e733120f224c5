import { type BufferBudget, transferBuffers } from './buffer-pool';
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
        throw new Error(`source ended at ${position}, expected ${end + 1} bytes`);
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
