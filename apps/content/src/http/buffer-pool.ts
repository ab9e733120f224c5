/**
 * Reused read buffers. Fresh buffers per chunk cost page faults (a third of warm speed, see TOOLCHAIN.md);
 * 2 MiB buffers are fastest for one client but 200 clients × 2 × 2 MiB would blow the memory budget, so a
 * transfer gets large buffers while the large tier has room and falls back to small ones.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private allocated = 0;

  constructor(
    readonly bufferSize: number,
    private readonly maxBuffers: number,
  ) {}

  /** A buffer, or null when the tier is exhausted. */
  tryAcquire(): Buffer | null {
    const buffer = this.free.pop();
    if (buffer) return buffer;
    if (this.allocated >= this.maxBuffers) return null;
    this.allocated++;
    return Buffer.allocUnsafeSlow(this.bufferSize);
  }

  release(buffer: Buffer): void {
    if (buffer.length === this.bufferSize) this.free.push(buffer);
  }
}

// 16 MiB of large buffers (four fast single downloads) and 64 MiB of 256 KiB ones (128 concurrent transfers).
// Measured on 2 cores (docs/BENCHMARKS.md): 64 KiB buffers kept a process under 256 MB but served a
// 200-client storm at 0.53 of nginx; 256 KiB ones reach 0.84-0.92 for a peak near 300 MB.
const large = new BufferPool(2 * 1024 * 1024, 8);
const small = new BufferPool(256 * 1024, 256);
const SMALL_FILE = 8 * 1024 * 1024;

export interface BufferPair {
  buffers: [Buffer, Buffer];
  release(): void;
}

/** Two buffers for one transfer of `length` bytes: one is read into while the other is being written. */
export function acquirePair(length: number): BufferPair {
  const tiers = length > SMALL_FILE ? [large, small] : [small];
  for (const tier of tiers) {
    const a = tier.tryAcquire();
    if (!a) continue;
    const b = tier.tryAcquire();
    if (!b) {
      tier.release(a);
      continue;
    }
    return { buffers: [a, b], release: () => (tier.release(a), tier.release(b)) };
  }
  // Beyond both budgets: short-lived buffers, slower but bounded by the number of connections.
  return { buffers: [Buffer.allocUnsafe(64 * 1024), Buffer.allocUnsafe(64 * 1024)], release: () => undefined };
}
