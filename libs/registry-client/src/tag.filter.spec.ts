import { describe, expect, it } from 'vitest';
import { filterTags, isLiteralTagList } from './tag.filter';

describe('filterTags', () => {
  const tags = ['40-amd64', '40-aarch64', '40', '41-amd64', 'rawhide', 'latest', '40-amd64'];

  it('keeps everything without filters, deduplicated', () => {
    expect(filterTags(tags)).toEqual(['40-amd64', '40-aarch64', '40', '41-amd64', 'rawhide', 'latest']);
    expect(filterTags(tags, null, null)).toHaveLength(6);
    expect(filterTags(tags, [], [])).toHaveLength(6);
  });

  it('applies include globs then exclude globs', () => {
    expect(filterTags(tags, ['40*'])).toEqual(['40-amd64', '40-aarch64', '40']);
    expect(filterTags(tags, ['*-amd64', 'rawhide'])).toEqual(['40-amd64', '41-amd64', 'rawhide']);
    expect(filterTags(tags, ['4?-*'], ['*-aarch64'])).toEqual(['40-amd64', '41-amd64']);
    expect(filterTags(tags, null, ['latest', 'raw*'])).toEqual(['40-amd64', '40-aarch64', '40', '41-amd64']);
  });

  it('matches whole tags, not substrings', () => {
    expect(filterTags(tags, ['amd64'])).toEqual([]);
    expect(filterTags(tags, ['40'])).toEqual(['40']);
  });
});

describe('isLiteralTagList', () => {
  it('is true only for non-empty lists of plain tags', () => {
    expect(isLiteralTagList(['40-amd64', 'v1.2.3', 'latest'])).toBe(true);
    expect(isLiteralTagList(['40-*'])).toBe(false);
    expect(isLiteralTagList(['40-amd64', '4?'])).toBe(false);
    expect(isLiteralTagList(['{40,41}'])).toBe(false);
    expect(isLiteralTagList([])).toBe(false);
    expect(isLiteralTagList(null)).toBe(false);
    expect(isLiteralTagList(undefined)).toBe(false);
  });
});
