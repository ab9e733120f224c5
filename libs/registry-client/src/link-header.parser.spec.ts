import { describe, expect, it } from 'vitest';
import { parseNextLink } from './link-header.parser';

describe('parseNextLink', () => {
  it('reads the distribution form', () => {
    expect(parseNextLink('</v2/foo/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/foo/tags/list?n=2&last=b');
  });

  it('finds next among several links, unquoted rel and commas in URIs', () => {
    expect(parseNextLink('<https://r/x?a=1,2>; rel=prev, <https://r/y?last=c,d>; rel=next')).toBe(
      'https://r/y?last=c,d',
    );
    expect(parseNextLink(['<a>; rel="first"', '<b>; rel="next last"'])).toBe('b');
  });

  it('returns undefined without a next link', () => {
    expect(parseNextLink(undefined)).toBeUndefined();
    expect(parseNextLink('<a>; rel="prev"')).toBeUndefined();
    expect(parseNextLink('garbage')).toBeUndefined();
  });
});
