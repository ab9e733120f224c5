import type { DataSource } from 'typeorm';
import type { MaybePromise } from '../http/maybe-promise';
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
  /** The versions of `versions` that finished loading, handed out without a promise. */
  private readonly loaded = new Map<string, VersionView>();
  /** Lookups answered from memory, and those that had to read the database (for /metrics). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly dataSource: DataSource) {}

  /** Marks everything stale; the next request reloads. Cheap, so every message and reconnect calls it. */
  invalidate(): void {
    this.generation++;
  }

  /** The snapshot itself while it is fresh (no promise: the request goes on synchronously), else its reload. */
  distributions(): MaybePromise<DistributionSnapshot> {
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

  /**
   * The version a distribution serves: the loaded view itself when it is in memory, else its load.
   * `snapshot`: the one the distribution came from, when the caller has it (saves a second freshness check).
   */
  version(distribution: DistributionView, snapshot?: DistributionSnapshot): MaybePromise<VersionView | null> {
    if (!distribution.versionId) return null;
    if (!snapshot) {
      const current = this.distributions();
      return current instanceof Promise
        ? current.then((fresh) => this.version(distribution, fresh))
        : this.version(distribution, current);
    }
    const key = snapshot.versions.get(distribution.versionId);
    if (!key) return null;
    const loaded = this.loaded.get(key.id);
    if (loaded) return loaded;
    let view = this.versions.get(key.id);
    if (!view) {
      const loading = loadVersionView(this.dataSource, key);
      view = loading;
      loading.then(
        (ready) => this.versions.get(key.id) === loading && this.loaded.set(key.id, ready),
        // A failed load must not stick: the next request tries again.
        () => this.versions.get(key.id) === loading && this.versions.delete(key.id),
      );
      this.versions.set(key.id, loading);
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
    for (const id of this.versions.keys()) {
      if (snapshot.versions.has(id)) continue;
      this.versions.delete(id);
      this.loaded.delete(id);
    }
    return snapshot;
  }
}
