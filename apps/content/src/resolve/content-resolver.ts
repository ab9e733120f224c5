import type { DataSource } from 'typeorm';
import type { DistributionView, VersionView } from './content-views';
import { DistributionSnapshot } from './distribution-snapshot';
import { loadVersionView } from './version-view.loader';

/** Even without any invalidation message (Redis down, message lost) nothing is served stale for longer. */
const MAX_SNAPSHOT_AGE_MS = 60_000;

/**
 * The in-memory map from base path to distribution to version to tags and files. Requests never query the
 * database while it is fresh: an invalidation (Redis pub/sub) or its age makes the next request reload the
 * distribution snapshot once (one query, shared by concurrent requests). Version views are immutable and
 * survive reloads while a distribution still serves them.
 */
export class ContentResolver {
  private snapshot: DistributionSnapshot | null = null;
  private snapshotGeneration = -1;
  private snapshotAt = 0;
  private generation = 0;
  private loading: Promise<DistributionSnapshot> | null = null;
  private readonly versions = new Map<string, Promise<VersionView>>();
  /** Lookups answered from memory, and those that had to read the database (for /metrics). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly dataSource: DataSource) {}

  /** Marks everything stale; the next request reloads. Cheap, so every message and reconnect calls it. */
  invalidate(): void {
    this.generation++;
  }

  async distributions(): Promise<DistributionSnapshot> {
    const fresh =
      this.snapshot &&
      this.snapshotGeneration === this.generation &&
      Date.now() - this.snapshotAt < MAX_SNAPSHOT_AGE_MS;
    if (fresh) {
      this.stats.hits++;
      return this.snapshot!;
    }
    this.stats.misses++;
    this.loading ??= this.reload().finally(() => (this.loading = null));
    return this.loading;
  }

  /** `snapshot`: the one the distribution came from, when the caller has it (saves a second freshness check). */
  async version(distribution: DistributionView, snapshot?: DistributionSnapshot): Promise<VersionView | null> {
    if (!distribution.versionId) return null;
    snapshot ??= await this.distributions();
    const key = snapshot.versions.get(distribution.versionId);
    if (!key) return null;
    let view = this.versions.get(key.id);
    if (!view) {
      view = loadVersionView(this.dataSource, key);
      // A failed load must not stick: the next request tries again.
      view.catch(() => this.versions.get(key.id) === view && this.versions.delete(key.id));
      this.versions.set(key.id, view);
    }
    return view;
  }

  private async reload(): Promise<DistributionSnapshot> {
    // Read the generation first: a message arriving during the query leaves the result stale again.
    const generation = this.generation;
    const snapshot = await DistributionSnapshot.load(this.dataSource);
    this.snapshot = snapshot;
    this.snapshotGeneration = generation;
    this.snapshotAt = Date.now();
    for (const id of this.versions.keys()) if (!snapshot.versions.has(id)) this.versions.delete(id);
    return snapshot;
  }
}
