import { hrefs } from '@app/core';
import { inVersion } from '@app/domain';
import type { DataSource } from 'typeorm';
import type { ContentCount } from './dto/version.dto';

/** The content_summary key counting manifests (and indexes) whose signature is verified. */
export const VERIFIED_KEY = 'netboot.manifest.verified';

/**
 * Verified manifests present in (and added by) each version, as content_summary entries whose href lists them
 * (`signature_state=verified`). Omitted when zero, as content_summary omits every zero count.
 */
export async function verifiedCounts(
  dataSource: DataSource,
  repositoryId: string,
  numbers: number[],
): Promise<Map<number, { added: number; present: number }>> {
  if (numbers.length === 0) return new Map();
  const rows: { number: number; added: string; present: string }[] = await dataSource.query(
    `SELECT v.number,
            count(*) FILTER (WHERE rc.version_added = v.number) AS added,
            count(*) AS present
       FROM unnest($2::int[]) AS v(number)
       JOIN repository_content rc ON rc.repository_id = $1 AND ${inVersion('v.number')}
       JOIN manifest_signatures ms ON ms.manifest_id = rc.content_id AND ms.state = 'verified'
      GROUP BY v.number`,
    [repositoryId, numbers],
  );
  return new Map(rows.map((row) => [row.number, { added: Number(row.added), present: Number(row.present) }]));
}

export function verifiedEntry(count: number, filter: string, versionHref: string): Record<string, ContentCount> {
  if (count === 0) return {};
  const href = `${hrefs.contentList('manifest')}?${filter}=${encodeURIComponent(versionHref)}&signature_state=verified`;
  return { [VERIFIED_KEY]: { count, href } };
}
