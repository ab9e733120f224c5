/**
 * Download rate over a sliding window: a whole-run average would hide a stall, a last-interval rate
 * jumps with every poll; ten seconds is steady enough to read and quick enough to notice a stall.
 */
export class RateMeter {
  private samples: { at: number; done: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  add(at: number, done: number): void {
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  /** Bytes per second, or null until half a second of samples exists. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 500) return null;
    return Math.max(0, ((last.done - first.done) * 1000) / (last.at - first.at));
  }
}
