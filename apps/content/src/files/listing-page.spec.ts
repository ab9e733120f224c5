import { describe, expect, it } from 'vitest';
import type { ListingEntry } from './content-node';
import { LISTING_PAGE_SIZE, listingPage } from './listing-page';
import { renderListing } from './listing.renderer';

const entries: ListingEntry[] = Array.from({ length: LISTING_PAGE_SIZE * 2 + 5 }, (_, i) => ({
  name: `t${String(i).padStart(5, '0')}`,
  type: 'directory',
}));
const query = (text: string) => new URLSearchParams(text);

describe('listingPage', () => {
  it('splits entries into pages that together hold every entry once', () => {
    const names = [1, 2, 3].flatMap((n) => listingPage(entries, query(`page=${n}`))!.entries.map((e) => e.name));
    expect(names).toEqual(entries.map((e) => e.name));
    expect(listingPage(entries, query(''))).toMatchObject({ number: 1, pages: 3 });
    expect(listingPage(entries, query('page=3'))!.entries).toHaveLength(5);
  });

  it('has no page past the end, zero, or one that is not a number', () => {
    for (const page of ['4', '0', '-1', 'x', '1.5', '']) expect(listingPage(entries, query(`page=${page}`))).toBeNull();
  });

  it('gives an empty directory one page', () => {
    expect(listingPage([], query(''))).toMatchObject({ number: 1, pages: 1, entries: [] });
  });

  it('links an HTML page to its neighbours, and leaves a single page as it was', () => {
    const middle = renderListing(['dist'], entries, false, listingPage(entries, query('page=2'))!).body.toString();
    expect(middle).toContain('href="?page=1"');
    expect(middle).toContain('href="?page=3"');
    expect(middle).toContain('Page 2 of 3');
    const small = entries.slice(0, 3);
    expect(renderListing(['dist'], small, false, listingPage(small, query(''))!).body).toEqual(
      renderListing(['dist'], small, false).body,
    );
  });
});
