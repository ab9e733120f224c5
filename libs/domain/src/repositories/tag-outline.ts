import type { EntityManager } from 'typeorm';
import { inVersion } from './in-version';

/**
 * A version's tag list in outline: its size and every `spacing`-th name in name order (see VersionTagOutlineEntity).
 * Katello reads a version's tags 2,000 at a time by offset; an OFFSET read costs every index entry before the page
 * (hundreds of milliseconds at the end of 500,000 tags) and an exact count costs them all. With the outline, the
 * count is stored and a page at any offset starts from the nearest mark before it.
 */
export interface TagOutline {
  count: number;
  spacing: number;
  /** The names at positions 0, spacing, 2·spacing … in ascending name order. */
  marks: readonly string[];
}

/** Marks per name order position: a page then skips fewer than this many index entries. */
export const TAG_OUTLINE_SPACING = 1000;

/**
 * Where the page at `offset` starts: from the mark `from` on (inclusive: `>=` ascending, `<=` descending, names being
 * unique in a version) after skipping `skip` entries; without `from`, from the start of the order.
 */
export function tagPageStart(
  outline: TagOutline,
  offset: number,
  descending: boolean,
): { from?: string; skip: number } {
  const { count, spacing, marks } = outline;
  if (offset >= count) return { skip: offset };
  if (!descending) {
    const mark = Math.min(Math.floor(offset / spacing), marks.length - 1);
    return mark <= 0 ? { skip: offset } : { from: marks[mark]!, skip: offset - mark * spacing };
  }
  // Descending: the page's first tag has ascending position `first`; start at the nearest mark at or after it.
  const first = count - 1 - offset;
  const mark = Math.ceil(first / spacing);
  return mark >= marks.length ? { skip: offset } : { from: marks[mark]!, skip: mark * spacing - first };
}

/** The membership-index condition for the tags of version `$2` of repository `$1`. */
export const VERSION_TAGS = `repository_id = $1 AND kind = 'tag' AND ${inVersion('$2', '')}`;

/**
 * The outline of a version's tags, read, or worked out from the membership index (one index-only pass in name order)
 * and kept. Run inside the transaction that creates the version, so the outline lands with it; for a version made
 * before outlines existed, on first use (two callers at once both work it out and the first to write wins: the
 * same answer).
 */
export async function versionTagOutline(
  manager: EntityManager,
  version: { id: string; repositoryId: string; number: number },
): Promise<TagOutline> {
  const [kept] = await manager.query<{ tag_count: number; spacing: number; marks: string[] }[]>(
    'SELECT tag_count, spacing, marks FROM repository_version_tag_outlines WHERE version_id = $1',
    [version.id],
  );
  if (kept) return { count: kept.tag_count, spacing: kept.spacing, marks: kept.marks };
  const spacing = TAG_OUTLINE_SPACING;
  const [worked] = await manager.query<{ count: string; marks: string[] }[]>(
    `SELECT count(*) AS count, coalesce(array_agg(tag_name ORDER BY position) FILTER (WHERE position % $3 = 0), '{}') AS marks
       FROM (SELECT tag_name, row_number() OVER (ORDER BY tag_name) - 1 AS position
               FROM repository_content WHERE ${VERSION_TAGS}) ranked`,
    [version.repositoryId, version.number, spacing],
  );
  const outline = { count: Number(worked!.count), spacing, marks: worked!.marks };
  await manager.query(
    `INSERT INTO repository_version_tag_outlines (version_id, tag_count, spacing, marks) VALUES ($1, $2, $3, $4)
     ON CONFLICT (version_id) DO NOTHING`,
    [version.id, outline.count, spacing, outline.marks],
  );
  return outline;
}
