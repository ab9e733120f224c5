import { RecentMap } from '../common/recent-map';

/**
 * How many tags each repository version holds, kept per API process. A version's content never changes while
 * it exists (deleting a version folds its changes into the next one, whose content stays the same), so a count
 * keyed by the version's id is exact for as long as anyone can ask: a Katello-style walk of 500,000 tags at
 * limit=2000 counts once, not on each of its 250 pages. The least recently used entries go beyond `max`.
 */
export class VersionTagCounts {
  private readonly counts: RecentMap<string, number>;

  constructor(max = 1000) {
    this.counts = new RecentMap(max);
  }

  async get(versionId: string, count: () => Promise<number>): Promise<number> {
    const known = this.counts.get(versionId);
    if (known !== undefined) return known;
    const counted = await count();
    this.counts.set(versionId, counted);
    return counted;
  }
}
