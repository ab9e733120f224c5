import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.policy';

describe('backoffDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('grows the ceiling exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, options, top)).toBe(99);
    expect(backoffDelay(1, options, top)).toBe(199);
    expect(backoffDelay(3, options, top)).toBe(799);
    expect(backoffDelay(4, options, top)).toBe(999);
    expect(backoffDelay(500, options, top)).toBe(999);
  });

  it('uses full jitter: the wait is the random fraction of the ceiling, from zero up to just below it', () => {
    // attempt 2: ceiling 400 ms.
    expect(backoffDelay(2, options, () => 0)).toBe(0);
    expect(backoffDelay(2, options, () => 0.25)).toBe(100);
    expect(backoffDelay(2, options, () => 0.5)).toBe(200);
    expect(backoffDelay(2, options, () => 0.999999)).toBe(399);
    // Capped attempts jitter over the cap, not over base·2^attempt.
    expect(backoffDelay(40, options, () => 0.5)).toBe(500);
  });

  it('draws a fresh random number for every wait, so clients retrying together spread out', () => {
    const draws = [0.1, 0.7, 0.3];
    const random = () => draws.shift()!;
    expect([1, 1, 1].map((attempt) => backoffDelay(attempt, options, random))).toEqual([20, 140, 60]);
    expect(draws).toEqual([]);
  });
});
