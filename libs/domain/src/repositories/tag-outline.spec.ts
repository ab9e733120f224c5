import { describe, expect, it } from 'vitest';
import { TagOutline, tagPageStart } from './tag-outline';

/** What the page query does with a start: the names from `from` on in the order, after `skip` of them. */
function read(sorted: readonly string[], start: { from?: string; skip: number }, descending: boolean, limit: number) {
  const order = descending ? [...sorted].reverse() : sorted;
  const from =
    start.from === undefined ? order : order.filter((name) => (descending ? name <= start.from! : name >= start.from!));
  return from.slice(start.skip, start.skip + limit);
}

function outlineOf(sorted: readonly string[], spacing: number): TagOutline {
  return { count: sorted.length, spacing, marks: sorted.filter((_, position) => position % spacing === 0) };
}

describe('tagPageStart', () => {
  it('gives the same page as OFFSET for every size, spacing, offset, limit and order', () => {
    for (let count = 0; count <= 23; count++) {
      const sorted = Array.from({ length: count }, (_, i) => `t${String(i).padStart(3, '0')}`);
      for (let spacing = 1; spacing <= 6; spacing++) {
        const outline = outlineOf(sorted, spacing);
        for (const descending of [false, true]) {
          const order = descending ? [...sorted].reverse() : sorted;
          for (let offset = 0; offset <= count + 2; offset++) {
            for (const limit of [1, 2, 5, 30]) {
              const start = tagPageStart(outline, offset, descending);
              expect(read(sorted, start, descending, limit)).toEqual(order.slice(offset, offset + limit));
              expect(start.skip < spacing || offset >= count || start.from === undefined).toBe(true);
            }
          }
        }
      }
    }
  });

  it('skips fewer index entries than the spacing wherever the page is', () => {
    const outline = { count: 500_000, spacing: 1000, marks: Array.from({ length: 500 }, (_, i) => `m${i}`) };
    for (const offset of [0, 999, 1000, 250_000, 498_000, 499_999]) {
      for (const descending of [false, true]) expect(tagPageStart(outline, offset, descending).skip).toBeLessThan(1000);
    }
    expect(tagPageStart(outline, 498_000, false)).toEqual({ from: 'm498', skip: 0 });
    expect(tagPageStart(outline, 1_999, true)).toEqual({ from: 'm498', skip: 0 });
  });
});
