import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate.limiter';

describe('RateLimiter', () => {
  it('allows a burst, then spaces requests at the configured rate', async () => {
    const limiter = new RateLimiter(20, 2);
    const start = performance.now();
    for (let i = 0; i < 6; i++) await limiter.take();
    // 2 immediately, then 4 more at 20/s ≈ 200 ms.
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(600);
  });

  it('stops waiting when aborted and keeps serving others', async () => {
    const limiter = new RateLimiter(1, 1);
    await limiter.take();
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    const fresh = new RateLimiter(1000, 1);
    await expect(fresh.take()).resolves.toBeUndefined();
  });
});
