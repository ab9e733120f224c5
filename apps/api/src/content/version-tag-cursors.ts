import { RecentMap } from '../common/recent-map';

/**
 * Where the pages of a version's tag list start, learnt from the pages already served, kept per API process.
 * Katello walks a list by offset (`limit=2000&offset=0`, then 2000, 4000 …); an OFFSET query costs every index
 * entry before the page, so the last pages of 500,000 tags cost hundreds of milliseconds each. Having served the
 * page that ends at offset N, we know the name of its last tag, and the page at offset N is then read from the
 * index after that name (a keyset read, as cheap as the first page). Tag names are unique within a version and
 * a version's content never changes while it exists (see VersionTagCounts), so the answer is the very page the
 * OFFSET query gives. A page asked out of order still works, at the OFFSET cost. The least recently used entries go
 * beyond `max`.
 */
export class VersionTagCursors {
  private readonly lastNames: RecentMap<string, string>;

  constructor(max = 10_000) {
    this.lastNames = new RecentMap(max);
  }

  /** The name of the tag just before `offset` in this order, when a page ending there was served. */
  before(versionId: string, descending: boolean, offset: number): string | undefined {
    return offset === 0 ? undefined : this.lastNames.get(key(versionId, descending, offset));
  }

  /** Remembers where the next page starts, after a full page (a short one is the last: nothing follows it). */
  served(versionId: string, descending: boolean, offset: number, limit: number, names: readonly string[]): void {
    if (names.length === 0 || names.length < limit) return;
    this.lastNames.set(key(versionId, descending, offset + names.length), names[names.length - 1]!);
  }
}

function key(versionId: string, descending: boolean, offset: number): string {
  return `${versionId}|${descending ? 'desc' : 'asc'}|${offset}`;
}
