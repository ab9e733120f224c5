import { randomBytes } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BufferBudget, BufferPool } from './buffer-pool';
import { type ChunkReader, type FileSender, pumpRange, sendRange } from './range-pump';
import { NOT_NOW, SOCKET_FULL } from './response-outlet';

const KiB = 1024;

/**
 * A socket stand-in that takes a chunk only some ticks after `write`, as a slow client's would, and checks
 * that the bytes it was handed did not change while queued (a reused buffer overwritten too early).
 */
class SlowOutlet {
  readonly received: Buffer[] = [];
  isGone = false;
  overwritten = 0;

  constructor(private readonly ticks = 3) {}

  async write(chunk: Uint8Array | string): Promise<boolean> {
    if (this.isGone) return false;
    const view = chunk as Buffer;
    const copy = Buffer.from(view);
    for (let i = 0; i < this.ticks; i++) await tick();
    if (!copy.equals(view)) this.overwritten++;
    this.received.push(copy);
    return !this.isGone;
  }
}

function readerOf(bytes: Buffer): ChunkReader {
  return async (buffer, length, position) => {
    await tick();
    return bytes.copy(buffer, 0, position, Math.min(position + length, bytes.length));
  };
}

const budget = (largeCount: number, smallCount: number) =>
  new BufferBudget(new BufferPool(64 * KiB, largeCount), new BufferPool(4 * KiB, smallCount));

describe('BufferBudget', () => {
  it('gives two buffers while the small tier is at most half lent, then one, then short-lived ones', () => {
    const b = budget(0, 8);
    const first = b.acquire(100 * KiB);
    const second = b.acquire(100 * KiB);
    expect([first.buffers.length, second.buffers.length]).toEqual([2, 2]);
    const singles = [b.acquire(KiB), b.acquire(KiB), b.acquire(KiB), b.acquire(KiB)];
    expect(singles.map((t) => t.buffers.length)).toEqual([1, 1, 1, 1]);
    const overflow = b.acquire(KiB);
    expect(overflow.buffers).toHaveLength(1);
    expect(overflow.buffers[0].length).toBe(64 * KiB);
    for (const t of [first, second, ...singles, overflow]) t.release();
    expect(b.acquire(KiB).buffers).toHaveLength(2);
  });

  it('reuses released buffers instead of allocating new ones', () => {
    const b = budget(0, 4);
    const a = b.acquire(KiB);
    const buffers = [...a.buffers];
    a.release();
    expect(b.acquire(KiB).buffers.sort()).toEqual(buffers.sort());
  });

  it('gives large files large buffers while there are any', () => {
    const b = budget(2, 8);
    expect(b.acquire(20 * 1024 * KiB).buffers.map((x) => x.length)).toEqual([64 * KiB, 64 * KiB]);
    expect(b.acquire(20 * 1024 * KiB).buffers[0].length).toBe(4 * KiB);
  });
});

describe('pumpRange', () => {
  const bytes = randomBytes(300 * KiB + 123);

  it.each([
    ['two buffers', budget(0, 64)],
    ['one buffer', budget(0, 1)],
    ['overflow buffers', budget(0, 0)],
  ])('sends exactly the range, in order, never overwriting a queued chunk (%s)', async (_name, b) => {
    for (const [start, end] of [
      [0, bytes.length - 1],
      [5, 5],
      [4 * KiB - 1, 200 * KiB + 7],
    ]) {
      const outlet = new SlowOutlet();
      expect(await pumpRange(outlet, start, end, readerOf(bytes), b)).toBe(true);
      expect(Buffer.concat(outlet.received).equals(bytes.subarray(start, end + 1))).toBe(true);
      expect(outlet.overwritten).toBe(0);
    }
  });

  it('keeps many concurrent transfers correct when they share a small budget', async () => {
    const b = budget(0, 6);
    const outlets = Array.from({ length: 12 }, () => new SlowOutlet(2));
    const results = await Promise.all(outlets.map((o) => pumpRange(o, 0, bytes.length - 1, readerOf(bytes), b)));
    expect(results.every(Boolean)).toBe(true);
    for (const o of outlets) {
      expect(Buffer.concat(o.received).equals(bytes)).toBe(true);
      expect(o.overwritten).toBe(0);
    }
    // Everything went back: the whole tier is available again.
    expect(b.acquire(KiB).buffers).toHaveLength(2);
  });

  it('stops with false when the client leaves, and returns its buffers', async () => {
    const pool = new BufferPool(4 * KiB, 2);
    const b = new BufferBudget(new BufferPool(64 * KiB, 0), pool);
    const outlet = new SlowOutlet();
    let reads = 0;
    const read: ChunkReader = async (buffer, length, position) => {
      if (++reads === 3) outlet.isGone = true;
      return readerOf(bytes)(buffer, length, position);
    };
    expect(await pumpRange(outlet, 0, bytes.length - 1, read, b)).toBe(false);
    expect(reads).toBeLessThan(5);
    expect(pool.available).toBe(2);
  });

  it('fails loudly when the source ends before the range does', async () => {
    const short = bytes.subarray(0, 10 * KiB);
    await expect(pumpRange(new SlowOutlet(), 0, 20 * KiB, readerOf(short), budget(0, 4))).rejects.toThrow(
      /source ended at 10240, expected 20481 bytes/,
    );
  });
});

describe('sendRange', () => {
  const bytes = randomBytes(3 * 1024 * KiB + 77);

  /**
   * A kernel stand-in: the socket takes up to `room` bytes by "sendfile" after each completed write (the socket
   * drained), then is full; nothing goes by sendfile before the first write (headers not out yet).
   */
  function kernel(outlet: SlowOutlet, room: number, source = bytes) {
    const calls: number[] = [];
    let free = 0;
    const write = outlet.write.bind(outlet);
    outlet.write = async (chunk) => {
      const ok = await write(chunk);
      free = room;
      return ok;
    };
    const send: FileSender = (position, length) => {
      calls.push(length);
      if (outlet.received.length === 0) return NOT_NOW;
      if (position >= source.length) return 0;
      const n = Math.min(length, free, source.length - position);
      if (n === 0) return SOCKET_FULL;
      free -= n;
      outlet.received.push(Buffer.from(source.subarray(position, position + n)));
      return n;
    };
    return { send, calls };
  }

  it.each([
    ['a socket that takes a little at a time', 10 * KiB],
    ['a socket with room for everything', 64 * 1024 * KiB],
  ])('sends exactly the range, in order, mostly by sendfile (%s)', async (_name, room) => {
    for (const [start, end] of [
      [0, bytes.length - 1],
      [5, 5],
      [4 * KiB - 1, 2 * 1024 * KiB + 7],
    ]) {
      const outlet = new SlowOutlet(1);
      const { send, calls } = kernel(outlet, room);
      expect(await sendRange(outlet, start, end, send, readerOf(bytes), budget(0, 4))).toBe(true);
      expect(Buffer.concat(outlet.received).equals(bytes.subarray(start, end + 1))).toBe(true);
      expect(outlet.overwritten).toBe(0);
      // No call asks for more than 1 MiB: one fast client cannot hold the loop for its whole file.
      expect(Math.max(...calls)).toBeLessThanOrEqual(1024 * KiB);
    }
  });

  it('copies only the chunk that carries the headers and one per full socket', async () => {
    const outlet = new SlowOutlet(1);
    const writes: number[] = [];
    const { send } = kernel(outlet, 512 * KiB);
    const write = outlet.write.bind(outlet);
    outlet.write = (chunk) => (writes.push(chunk.length), write(chunk));
    expect(await sendRange(outlet, 0, bytes.length - 1, send, readerOf(bytes), budget(0, 4))).toBe(true);
    // 3 MiB: the first 4 KiB chunk copied, then 512 KiB by sendfile per 4 KiB copied while the socket drains.
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(bytes.length / (516 * KiB)) + 1);
    expect(Buffer.concat(outlet.received).equals(bytes)).toBe(true);
  });

  it('stops with false when the client leaves, and returns its buffer', async () => {
    const pool = new BufferPool(4 * KiB, 2);
    const outlet = new SlowOutlet(1);
    const { send } = kernel(outlet, 8 * KiB);
    let sends = 0;
    const leaving: FileSender = (position, length) => {
      if (++sends === 3) outlet.isGone = true;
      return outlet.isGone ? NOT_NOW : send(position, length);
    };
    const b = new BufferBudget(new BufferPool(64 * KiB, 0), pool);
    expect(await sendRange(outlet, 0, bytes.length - 1, leaving, readerOf(bytes), b)).toBe(false);
    expect(pool.available).toBe(2);
  });

  it('fails loudly when the file ends before the range does, whichever way the bytes went', async () => {
    const short = bytes.subarray(0, 100 * KiB);
    const outlet = new SlowOutlet(1);
    const { send } = kernel(outlet, 64 * 1024 * KiB, short);
    await expect(sendRange(outlet, 0, 200 * KiB, send, readerOf(short), budget(0, 4))).rejects.toThrow(
      /source ended at 102400, expected 204801 bytes/,
    );
    const copying = new SlowOutlet(1);
    await expect(sendRange(copying, 0, 200 * KiB, () => NOT_NOW, readerOf(short), budget(0, 4))).rejects.toThrow(
      /source ended at 102400, expected 204801 bytes/,
    );
  });
});
