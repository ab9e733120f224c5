import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it('starts nothing new after a failure and rejects only once the started calls settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 1) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });
});
