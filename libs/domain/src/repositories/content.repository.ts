import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ContentKind } from '../entities/content.entity';
import { returnedRows } from '../returning';
import { inVersion } from './in-version';
import { TagOutline, VERSION_TAGS, versionTagOutline } from './tag-outline';

/** A content unit no repository version holds, older than the protection window (`$1`, in minutes). */
const ORPHAN = `c.pulp_created < now() - make_interval(mins => $1)
  AND NOT EXISTS (SELECT 1 FROM repository_content rc WHERE rc.content_id = c.id)`;

/** Tags, manifests and blobs with what each references: what a recursive add or remove walks. */
export interface ContentGraph {
  tags: ReadonlyMap<string, { name: string; manifestId: string }>;
  manifests: ReadonlyMap<string, { isIndex: boolean; children: readonly string[]; blobs: readonly string[] }>;
  blobs: ReadonlySet<string>;
}

/** A tag of a version's page, with what the tag list shows of it. */
export interface VersionTagRow {
  id: string;
  name: string;
  manifest_id: string;
  digest: string;
  pulp_created: Date;
}

/** One version's tags, optionally only those with one name. */
export interface VersionTagsQuery {
  repositoryId: string;
  number: number;
  name?: string;
}

/**
 * The membership-index condition for a version's tags (kind and tag name are copied into `repository_content`,
 * so a page and a count read that index alone), with its parameters.
 */
function versionTags(query: VersionTagsQuery): { where: string; params: unknown[] } {
  const byName = query.name !== undefined;
  return {
    where: `${VERSION_TAGS}${byName ? ' AND tag_name = $3' : ''}`,
    params: [query.repositoryId, query.number, ...(byName ? [query.name] : [])],
  };
}

/** Content units (blobs, manifests, tags) by intent, across repositories. */
@Injectable()
export class ContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The kind of each unit named that exists. */
  async kindsOf(ids: readonly string[]): Promise<Map<string, ContentKind>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; kind: ContentKind }[] = await this.dataSource.query(
      'SELECT id, kind FROM content WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.kind]));
  }

  /**
   * One page of a version's tags in name order: the page is read from the membership index (it costs the entries
   * it skips, not a join over every tag) and only its own rows are joined to tag and manifest. With `from` (a tag
   * name of the version, see tagPageStart) the read starts at that name instead of the start of the order.
   */
  async versionTagPage(
    query: VersionTagsQuery,
    page: { limit: number; descending: boolean; from?: string; skip: number },
  ): Promise<VersionTagRow[]> {
    const { where, params } = versionTags(query);
    const direction = page.descending ? 'DESC' : 'ASC';
    const from = page.from === undefined ? '' : ` AND tag_name ${page.descending ? '<=' : '>='} $${params.length + 1}`;
    // Each row of the page looks up its tag by key (LATERAL … LIMIT 1 keeps the planner from joining the page to
    // whole scans of tags and content, which it chose at 500,000 tags with the default random_page_cost: 38-95 ms
    // for a 2,000-row page against 20-44 looked up; see bench/sync/tag-list-sql.sh).
    return this.dataSource.query<VersionTagRow[]>(
      `SELECT tag.id, tag.name, tag.manifest_id, tag.digest, tag.pulp_created
         FROM (SELECT content_id, tag_name FROM repository_content WHERE ${where}${from}
                ORDER BY tag_name ${direction} LIMIT ${Number(page.limit)} OFFSET ${Number(page.skip)}) page
         CROSS JOIN LATERAL (
           SELECT t.id, t.name, t.manifest_id, m.digest, c.pulp_created
             FROM tags t JOIN content c ON c.id = t.id JOIN manifests m ON m.id = t.manifest_id
            WHERE t.id = page.content_id LIMIT 1) tag
        ORDER BY page.tag_name ${direction}`,
      page.from === undefined ? params : [...params, page.from],
    );
  }

  /** The outline of a version's tags (its count and where its pages start), read or worked out once. */
  versionTagOutline(version: { id: string; repositoryId: string; number: number }): Promise<TagOutline> {
    return versionTagOutline(this.dataSource.manager, version);
  }

  /** How many tags a version holds (with `name`, 0 or 1): an index-only count. */
  async countVersionTags(query: VersionTagsQuery): Promise<number> {
    const { where, params } = versionTags(query);
    const [row] = await this.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM repository_content WHERE ${where}`,
      params,
    );
    return Number(row!.count);
  }

  /** Which of the units named still exist, in the caller's transaction. */
  async existingIds(manager: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await manager.query('SELECT id FROM content WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** A name that two of these tags share, or null. */
  async tagNameSharedBy(tagIds: readonly string[]): Promise<string | null> {
    const rows: { name: string }[] = await this.dataSource.query(
      'SELECT name FROM tags WHERE id = ANY($1::uuid[]) GROUP BY name HAVING count(*) > 1 ORDER BY name LIMIT 1',
      [tagIds],
    );
    return rows[0]?.name ?? null;
  }

  /**
   * The name of a tag in version `start` that one of the tags `add` would duplicate, or null. Tags that are
   * added or removed themselves do not count, nor (with `removeAllFrom`) any tag still in that repository's latest
   * version, which the modification removes wholesale.
   */
  async clashingTagName(
    start: { repositoryId: string; number: number },
    add: readonly string[],
    remove: readonly string[],
    removeAllFrom: string | null,
  ): Promise<string | null> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT t.name FROM repository_content rc JOIN tags t ON t.id = rc.content_id
        WHERE rc.repository_id = $1 AND ${inVersion('$2')}
          AND t.name IN (SELECT name FROM tags WHERE id = ANY($3::uuid[]))
          AND NOT (t.id = ANY($3::uuid[])) AND NOT (t.id = ANY($4::uuid[]))
          AND NOT ($5::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM repository_content l WHERE l.repository_id = $5
                                   AND l.content_id = t.id AND l.version_removed IS NULL))
        ORDER BY t.name LIMIT 1`,
      [start.repositoryId, start.number, add, remove, removeAllFrom],
    );
    return rows[0]?.name ?? null;
  }

  /**
   * Deletes every unit no repository version holds that is older than `protectionMinutes`, in dependency order
   * (tags, then indexes, then manifests, then blobs no manifest uses), in the caller's transaction. Returns how
   * many units went and the deleted blobs, whose files the caller removes.
   */
  async deleteOrphans(
    manager: EntityManager,
    protectionMinutes: number,
  ): Promise<{ units: number; blobs: { digest: string; size: number; state: string }[] }> {
    const remove = async (table: string, condition: string) =>
      returnedRows(
        await manager.query(
          `DELETE FROM content c USING ${table} x WHERE c.id = x.id AND ${ORPHAN} AND ${condition} RETURNING c.id`,
          [protectionMinutes],
        ),
      ).length;
    const tags = await remove('tags', 'TRUE');
    const indexes = await remove(
      'manifests',
      'x.is_index AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = x.id)',
    );
    const manifests = await remove(
      'manifests',
      `NOT x.is_index AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = x.id)
         AND NOT EXISTS (SELECT 1 FROM index_entries ie WHERE ie.child_id = x.id)`,
    );
    const blobs = returnedRows<{ digest: string; size: string; state: string }>(
      await manager.query(
        `DELETE FROM content c USING blobs x
          WHERE c.id = x.id AND ${ORPHAN}
            AND NOT EXISTS (SELECT 1 FROM manifest_layers ml WHERE ml.blob_id = x.id)
            AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.config_digest = x.digest)
          RETURNING x.digest, x.size, x.state`,
        [protectionMinutes],
      ),
    ).map((row) => ({ digest: row.digest, size: Number(row.size), state: row.state }));
    return { units: tags + indexes + manifests + blobs.length, blobs };
  }

  /**
   * The graph of the units named and what they reference, two levels deep (a tag's index, the index's children):
   * their manifests, index entries, layers and config blobs, in a fixed number of queries.
   */
  async graphOf(manager: EntityManager, ids: readonly string[]): Promise<ContentGraph> {
    const all = [...new Set(ids)];
    const tagRows: { id: string; name: string; manifest_id: string }[] = await manager.query(
      'SELECT id, name, manifest_id FROM tags WHERE id = ANY($1::uuid[])',
      [all],
    );
    const firstLevel = [...new Set([...all, ...tagRows.map((row) => row.manifest_id)])];
    const manifestRows: { id: string; is_index: boolean }[] = await manager.query(
      'SELECT id, is_index FROM manifests WHERE id = ANY($1::uuid[])',
      [firstLevel],
    );
    const entryRows: { index_id: string; child_id: string }[] = await manager.query(
      'SELECT index_id, child_id FROM index_entries WHERE index_id = ANY($1::uuid[]) ORDER BY index_id, position',
      [manifestRows.filter((row) => row.is_index).map((row) => row.id)],
    );
    const known = new Set(manifestRows.map((row) => row.id));
    const children = [...new Set(entryRows.map((row) => row.child_id))].filter((id) => !known.has(id));
    if (children.length) {
      manifestRows.push(
        ...((await manager.query('SELECT id, is_index FROM manifests WHERE id = ANY($1::uuid[])', [children])) as {
          id: string;
          is_index: boolean;
        }[]),
      );
    }
    const manifestIds = manifestRows.map((row) => row.id);
    // Files and the config blob; a manifest's config is a blob row found by digest.
    const blobLinks: { manifest_id: string; blob_id: string }[] = await manager.query(
      `SELECT manifest_id, blob_id FROM manifest_layers WHERE manifest_id = ANY($1::uuid[])
       UNION
       SELECT m.id, b.id FROM manifests m JOIN blobs b ON b.digest = m.config_digest WHERE m.id = ANY($1::uuid[])`,
      [manifestIds],
    );
    const blobRows: { id: string }[] = await manager.query('SELECT id FROM blobs WHERE id = ANY($1::uuid[])', [all]);

    const manifests = new Map(
      manifestRows.map((row) => [row.id, { isIndex: row.is_index, children: [] as string[], blobs: [] as string[] }]),
    );
    for (const row of entryRows) manifests.get(row.index_id)?.children.push(row.child_id);
    for (const row of blobLinks) manifests.get(row.manifest_id)?.blobs.push(row.blob_id);
    return {
      tags: new Map(tagRows.map((row) => [row.id, { name: row.name, manifestId: row.manifest_id }])),
      manifests,
      blobs: new Set([...blobRows.map((row) => row.id), ...blobLinks.map((row) => row.blob_id)]),
    };
  }
}
