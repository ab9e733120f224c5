import { describe, expect, it } from 'vitest';
import { ifRangeAllows, parseRange } from './byte-range';

describe('parseRange', () => {
  it('ignores a missing, foreign-unit or malformed header', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=a-b', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=5-1', 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=-', 100)).toEqual({ kind: 'full' });
  });

  it('reads closed, open-ended and suffix ranges, clamping the end', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', ranges: [{ start: 0, end: 9 }] });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', ranges: [{ start: 90, end: 99 }] });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', ranges: [{ start: 90, end: 99 }] });
    expect(parseRange('bytes=-1000', 100)).toEqual({ kind: 'partial', ranges: [{ start: 0, end: 99 }] });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ kind: 'partial', ranges: [{ start: 50, end: 99 }] });
  });

  it('is unsatisfiable only when no part overlaps the body', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=200-300, 5-6', 100)).toEqual({ kind: 'partial', ranges: [{ start: 5, end: 6 }] });
  });

  it('keeps the order of disjoint parts and merges overlapping ones', () => {
    expect(parseRange('bytes=50-59, 0-9', 100)).toEqual({
      kind: 'partial',
      ranges: [
        { start: 50, end: 59 },
        { start: 0, end: 9 },
      ],
    });
    expect(parseRange('bytes=0-20, 10-30, 50-60', 100)).toEqual({
      kind: 'partial',
      ranges: [
        { start: 0, end: 30 },
        { start: 50, end: 60 },
      ],
    });
  });

  it('answers a flood of parts with the whole body', () => {
    const many = Array.from({ length: 40 }, (_, i) => `${i * 2}-${i * 2}`).join(',');
    expect(parseRange(`bytes=${many}`, 1000)).toEqual({ kind: 'full' });
  });
});

describe('ifRangeAllows', () => {
  const date = new Date('2026-01-02T03:04:05.678Z');
  it('needs a strong ETag match or the exact Last-Modified', () => {
    expect(ifRangeAllows(undefined, '"a"', date)).toBe(true);
    expect(ifRangeAllows('"a"', '"a"', date)).toBe(true);
    expect(ifRangeAllows('"b"', '"a"', date)).toBe(false);
    expect(ifRangeAllows('W/"a"', '"a"', date)).toBe(false);
    expect(ifRangeAllows(date.toUTCString(), '"a"', date)).toBe(true);
    expect(ifRangeAllows(new Date(0).toUTCString(), '"a"', date)).toBe(false);
  });
});
