import type { DataSource } from 'typeorm';
import type { DistributionView } from './content-views';

interface Row {
  id: string;
  name: string;
  base_path: string;
  hidden: boolean;
  private: boolean;
  https_only: boolean;
  require_verified: boolean;
  kernel_args: string | null;
  grant_generation: number;
  updated_at: Date;
  version_id: string | null;
  version_repository_id: string | null;
  version_number: number | null;
  version_created: Date | null;
}

export interface VersionKey {
  id: string;
  repositoryId: string;
  number: number;
  createdAt: Date;
}

/** All distributions with the version each serves now, read in one query. */
export class DistributionSnapshot {
  readonly byBasePath = new Map<string, DistributionView>();
  readonly versions = new Map<string, VersionKey>();
  /** Base paths of distributions that appear in listings, sorted. */
  readonly visiblePaths: string[];
  /** The most segments any base path has: longer prefixes of a request path need no lookup. */
  private readonly deepest: number = 0;

  constructor(rows: Row[]) {
    for (const row of rows) {
      this.deepest = Math.max(this.deepest, row.base_path.split('/').length);
      this.byBasePath.set(row.base_path, {
        id: row.id,
        name: row.name,
        basePath: row.base_path,
        hidden: row.hidden,
        isPrivate: row.private,
        httpsOnly: row.https_only,
        requireVerified: row.require_verified,
        kernelArgs: row.kernel_args,
        grantGeneration: row.grant_generation,
        updatedAt: row.updated_at,
        versionId: row.version_id,
        repositoryId: row.version_repository_id,
        versionNumber: row.version_number,
      });
      if (row.version_id) {
        this.versions.set(row.version_id, {
          id: row.version_id,
          repositoryId: row.version_repository_id!,
          number: row.version_number!,
          createdAt: row.version_created!,
        });
      }
    }
    // Private distributions stay out of listings too: their names are not for anonymous eyes.
    this.visiblePaths = rows
      .filter((row) => !row.hidden && !row.private)
      .map((row) => row.base_path)
      .sort();
  }

  static async load(dataSource: DataSource): Promise<DistributionSnapshot> {
    const rows = await dataSource.query<Row[]>(
      `SELECT d.id, d.name, d.base_path, d.hidden, d.private, d.https_only, d.require_verified, d.kernel_args, d.grant_generation, d.pulp_last_updated AS updated_at,
              v.id AS version_id, v.repository_id AS version_repository_id, v.number AS version_number,
              v.pulp_created AS version_created
         FROM distributions d
         LEFT JOIN LATERAL (
           SELECT rv.id, rv.repository_id, rv.number, rv.pulp_created FROM repository_versions rv
            WHERE (d.repository_version_id IS NOT NULL AND rv.id = d.repository_version_id)
               OR (d.repository_version_id IS NULL AND rv.repository_id = d.repository_id)
            ORDER BY rv.number DESC LIMIT 1) v ON true`,
    );
    return new DistributionSnapshot(rows);
  }

  /** The distribution whose base path is the longest prefix of `segments`, and the segments below it. */
  match(segments: readonly string[]): { distribution: DistributionView; rest: string[] } | null {
    for (let i = Math.min(segments.length, this.deepest); i >= 1; i--) {
      const distribution = this.byBasePath.get(segments.slice(0, i).join('/'));
      if (distribution) return { distribution, rest: segments.slice(i) };
    }
    return null;
  }

  /** Next path segments below `prefix` among visible base paths; null when `prefix` leads to none. */
  childrenOf(prefix: readonly string[]): Array<{ name: string; distribution?: DistributionView }> | null {
    const head = prefix.length ? `${prefix.join('/')}/` : '';
    const seen = new Map<string, DistributionView | undefined>();
    for (const path of this.visiblePaths) {
      if (!path.startsWith(head)) continue;
      const rest = path.slice(head.length).split('/');
      const name = rest[0];
      const exact = rest.length === 1 ? this.byBasePath.get(path) : undefined;
      if (!seen.has(name) || exact) seen.set(name, exact ?? seen.get(name));
    }
    if (seen.size === 0 && prefix.length > 0) return null;
    return [...seen].map(([name, distribution]) => ({ name, distribution }));
  }
}
