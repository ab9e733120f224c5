import { describe, expect, it, vi } from 'vitest';
import { VersionTagCounts } from './version-tag-counts';

describe('VersionTagCounts', () => {
  it('counts a version once and answers later pages from memory', async () => {
    const counts = new VersionTagCounts();
    const count = vi.fn(async () => 500_000);
    for (let page = 0; page < 250; page++) expect(await counts.get('v1', count)).toBe(500_000);
    expect(count).toHaveBeenCalledTimes(1);
    expect(await counts.get('v2', async () => 3)).toBe(3);
  });

  it('forgets the least recently used version beyond its size', async () => {
    const counts = new VersionTagCounts(2);
    await counts.get('a', async () => 1);
    await counts.get('b', async () => 2);
    await counts.get('a', async () => 1);
    await counts.get('c', async () => 3);
    const recount = vi.fn(async () => 20);
    expect(await counts.get('a', recount)).toBe(1);
    expect(await counts.get('b', recount)).toBe(20);
    expect(recount).toHaveBeenCalledTimes(1);
  });
});
