import { describe, expect, it } from 'vitest';
import { paginate } from './tag-pagination';

describe('paginate', () => {
  const tags = ['40', '40-amd64', '40-arm64', '41', 'latest'];
  const q = (s: string) => new URLSearchParams(s);

  it('returns everything without n, and everything after last', () => {
    expect(paginate(tags, q(''), '/x')).toEqual({ items: tags });
    expect(paginate(tags, q('last=40-arm64'), '/x')).toEqual({ items: ['41', 'latest'] });
    expect(paginate(tags, q('last=40-b'), '/x')).toEqual({ items: ['41', 'latest'] });
  });

  it('pages with n and links to the next page only when there is one', () => {
    expect(paginate(tags, q('n=2'), '/v2/a/tags/list')).toEqual({
      items: ['40', '40-amd64'],
      link: '</v2/a/tags/list?n=2&last=40-amd64>; rel="next"',
    });
    expect(paginate(tags, q('n=2&last=40-arm64'), '/x')).toEqual({ items: ['41', 'latest'] });
    expect(paginate(tags, q('n=0'), '/x')).toEqual({ items: [] });
  });

  it('rejects a malformed n', () => {
    expect(paginate(tags, q('n=-1'), '/x')).toHaveProperty('error');
  });
});
