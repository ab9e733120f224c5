import type { ListingEntry } from './content-node';

/** Entries on one HTML listing page: a distribution of 50,000 tags is 50 pages of ~60 KB, not one of 2.85 MB. */
export const LISTING_PAGE_SIZE = 1000;

export interface ListingPage {
  entries: readonly ListingEntry[];
  /** 1-based. */
  number: number;
  pages: number;
}

/**
 * The page `?page=N` asks for (the first without it); null for a page that does not exist, which is a 404.
 * JSON listings are for scripts and stay whole, so only HTML ones are paged.
 */
export function listingPage(entries: readonly ListingEntry[], query: URLSearchParams): ListingPage | null {
  const pages = Math.max(1, Math.ceil(entries.length / LISTING_PAGE_SIZE));
  const asked = query.get('page');
  const number = asked === null ? 1 : /^[1-9][0-9]{0,8}$/.test(asked) ? Number(asked) : NaN;
  if (!(number >= 1 && number <= pages)) return null;
  const start = (number - 1) * LISTING_PAGE_SIZE;
  return { entries: entries.slice(start, start + LISTING_PAGE_SIZE), number, pages };
}
