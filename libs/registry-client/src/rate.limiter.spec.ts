import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type LimiterClock, RateLimiter } from './rate.limiter';

/** Virtual time: sleeps resolve only when the test advances the clock past them. */
class VirtualClock implements LimiterClock {
  private t = 0;
  readonly sleeps: number[] = [];
  private readonly timers = new Set<{ at: number; resolve(): void }>();

  now = () => this.t;

  sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      this.sleeps.push(ms);
      const timer = { at: this.t + ms, resolve };
      this.timers.add(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers.delete(timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });

  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const timer of [...this.timers]) {
      if (timer.at > this.t) continue;
      this.timers.delete(timer);
      timer.resolve();
    }
    await tick();
  }
}

/** Records when each of `promises` settles, in virtual time. */
function settledAt(clock: VirtualClock, promises: Promise<void>[]): (number | 'rejected' | undefined)[] {
  const times: (number | 'rejected' | undefined)[] = promises.map(() => undefined);
  promises.forEach((p, i) =>
    p.then(
      () => (times[i] = clock.now()),
      () => (times[i] = 'rejected'),
    ),
  );
  return times;
}

describe('RateLimiter', () => {
  it('allows a burst, then spaces requests at the configured rate', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(20, 2, clock);
    const times = settledAt(
      clock,
      Array.from({ length: 6 }, () => limiter.take()),
    );
    await clock.advance(0);
    for (let i = 0; i < 10; i++) await clock.advance(25);
    // Two at once, then one every 50 ms (20/s).
    expect(times).toEqual([0, 0, 50, 100, 150, 200]);
    expect(clock.sleeps).toEqual([50, 50, 50, 50]);
  });

  it('refills while idle, but never beyond the burst', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(10, 3, clock);
    for (let i = 0; i < 3; i++) await limiter.take();
    await clock.advance(10_000);
    const times = settledAt(
      clock,
      Array.from({ length: 4 }, () => limiter.take()),
    );
    await clock.advance(0);
    await clock.advance(100);
    expect(times).toEqual([10_000, 10_000, 10_000, 10_100]);
  });

  it('lets an aborted waiter go without breaking the queue for the ones behind it', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(1, 1, clock);
    await limiter.take();
    const controller = new AbortController();
    const aborted = limiter.take(controller.signal);
    const behind = limiter.take();
    const times = settledAt(clock, [aborted, behind]);
    await clock.advance(0);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    // The one behind still gets its turn, when the token the aborted waiter did not use is due.
    await clock.advance(1000);
    expect(times).toEqual(['rejected', 1000]);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new RateLimiter(1, 1, new VirtualClock());
    await expect(limiter.take(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
  });
});
