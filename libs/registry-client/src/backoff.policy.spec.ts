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

  it('uses full jitter: anywhere from zero to the ceiling', () => {
    expect(backoffDelay(5, options, () => 0)).toBe(0);
    const samples = Array.from({ length: 200 }, () => backoffDelay(2, options));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(400);
    expect(new Set(samples).size).toBeGreaterThan(10);
  });
});
