/**
 * Reused read buffers. A freshly started process that allocates a buffer per chunk serves at a third of its
 * warm speed (page faults);
 * 2 MiB buffers are fastest for one client but 200 clients × 2 × 2 MiB would blow the memory budget, so a
 * transfer gets large buffers while the large tier has room and falls back to small ones.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private lent = 0;

  constructor(
    readonly bufferSize: number,
    readonly capacity: number,
  ) {}

  /** Buffers that could still be lent out. */
  get available(): number {
    return this.capacity - this.lent;
  }

  /** A buffer, or null when the tier is exhausted. */
  tryAcquire(): Buffer | null {
    let buffer = this.free.pop();
    if (!buffer) {
      if (this.allocated >= this.capacity) return null;
      this.allocated++;
      buffer = Buffer.allocUnsafeSlow(this.bufferSize);
    }
    this.lent++;
    return buffer;
  }

  release(buffer: Buffer): void {
    this.lent--;
    this.free.push(buffer);
  }

  /** `count` buffers at once, or none. */
  tryAcquireMany(count: number): Buffer[] | null {
    if (this.available < count) return null;
    return Array.from({ length: count }, () => this.tryAcquire() as Buffer);
  }
}

const SMALL_FILE = 8 * 1024 * 1024;
const OVERFLOW_BUFFER = 64 * 1024;

export interface TransferBuffers {
  /** One or two buffers: with two, the next read overlaps the previous write. */
  buffers: Buffer[];
  release(): void;
}

/** Which buffers a transfer gets, within a fixed memory budget per process. */
export class BufferBudget {
  constructor(
    private readonly large: BufferPool,
    private readonly small: BufferPool,
  ) {}

  /**
   * Buffers for one transfer of `length` bytes. Large files get two large buffers while there are any. While
   * the small tier is at most half lent, a transfer gets two small buffers (a lone client is bound by the
   * read/write overlap); beyond that, one each: many clients keep the disk and the sockets busy between
   * them (measured: no loss at 200 clients), and the tier serves twice the transfers in the same memory.
   */
  acquire(length: number): TransferBuffers {
    if (length > SMALL_FILE) {
      const pair = this.large.tryAcquireMany(2);
      if (pair) return lent(this.large, pair);
    }
    const buffers = this.small.tryAcquireMany(this.small.available * 2 > this.small.capacity ? 2 : 1);
    if (buffers) return lent(this.small, buffers);
    return overflow();
  }

  /** One small buffer, for a transfer that copies now and then (the rest going by sendfile). */
  acquireOne(): TransferBuffers {
    const buffer = this.small.tryAcquire();
    return buffer ? lent(this.small, [buffer]) : overflow();
  }
}

/** Beyond both budgets: one short-lived buffer, slower but bounded by the number of connections. */
function overflow(): TransferBuffers {
  return { buffers: [Buffer.allocUnsafe(OVERFLOW_BUFFER)], release: () => undefined };
}

function lent(tier: BufferPool, buffers: Buffer[]): TransferBuffers {
  return { buffers, release: () => buffers.forEach((buffer) => tier.release(buffer)) };
}

/**
 * The content process's budget: 16 MiB of 2 MiB buffers (four fast single downloads) and 64 MiB of 256 KiB
 * ones (128 transfers with two buffers, 256 with one). Measured on 2 cores (docs/BENCHMARKS.md): 64 KiB
 * buffers served a 200-client storm at 0.53 of nginx, 256 KiB ones at 0.8-0.9.
 */
export const transferBuffers = new BufferBudget(new BufferPool(2 * 1024 * 1024, 8), new BufferPool(256 * 1024, 256));
