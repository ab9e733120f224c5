import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../returning';
import { inVersion } from './in-version';

/** A stored file of a repository version, with one remote that can provide it again (the healthiest first). */
export interface StoredBlobSource {
  digest: string;
  size: number;
  mediaType: string | null;
  remoteId: string | null;
  upstreamName: string | null;
}

/** Blob rows by intent: what is stored, what a version holds, what may become on-demand again. */
@Injectable()
export class BlobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async storedBytes(): Promise<number> {
    const [row]: { used: string }[] = await this.dataSource.query(
      `SELECT coalesce(sum(size), 0) AS used FROM blobs WHERE state = 'stored'`,
    );
    return Number(row?.used ?? 0);
  }

  /** Bytes of stored blobs no repository version holds: what orphan cleanup would free, window aside. */
  async orphanedBytes(): Promise<number> {
    const [row]: { orphaned: string }[] = await this.dataSource.query(
      `SELECT coalesce(sum(b.size), 0) AS orphaned FROM blobs b
        WHERE b.state = 'stored' AND NOT EXISTS (SELECT 1 FROM repository_content rc WHERE rc.content_id = b.id)`,
    );
    return Number(row?.orphaned ?? 0);
  }

  /** Which of these digests a blob row names. */
  async knownDigests(digests: readonly string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows: { digest: string }[] = await this.dataSource.query(
      'SELECT digest FROM blobs WHERE digest = ANY($1::text[])',
      [digests],
    );
    return new Set(rows.map((row) => row.digest));
  }

  /** An on-demand blob whose verified bytes are now in storage. */
  async markStored(blobId: string): Promise<void> {
    await this.dataSource.query(`UPDATE blobs SET state = 'stored' WHERE id = $1`, [blobId]);
  }

  /** Every stored blob of one repository version, each with one remote artifact that can fetch it again. */
  async storedInVersion(repositoryId: string, number: number): Promise<StoredBlobSource[]> {
    const rows: {
      digest: string;
      size: string;
      media_type: string | null;
      remote_id: string | null;
      upstream_name: string | null;
    }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (b.id) b.digest, b.size, b.media_type, ra.remote_id, ra.upstream_name
         FROM repository_content rc
         JOIN blobs b ON b.id = rc.content_id AND b.state = 'stored'
         LEFT JOIN remote_artifacts ra ON ra.blob_id = b.id
        WHERE rc.repository_id = $1 AND ${inVersion('$2')}
        ORDER BY b.id, ra.failed_until NULLS FIRST`,
      [repositoryId, number],
    );
    return rows.map((row) => ({
      digest: row.digest,
      size: Number(row.size),
      mediaType: row.media_type,
      remoteId: row.remote_id,
      upstreamName: row.upstream_name,
    }));
  }

  /**
   * Turns stored blobs back into on-demand ones: those the named repositories hold, outside the versions kept and
   * outside every other repository, that a remote can provide again. Returns them, for their files to be deleted.
   */
  async reclaimToRemote(
    manager: EntityManager,
    repositoryIds: readonly string[],
    keepVersionIds: readonly string[],
  ): Promise<{ digest: string; size: number }[]> {
    const rows = returnedRows<{ digest: string; size: string }>(
      await manager.query(
        `WITH kept AS (
           SELECT rc.content_id FROM repository_content rc
             JOIN repository_versions v ON v.repository_id = rc.repository_id AND ${inVersion('v.number')}
            WHERE v.id = ANY($2::uuid[]) OR NOT (rc.repository_id = ANY($1::uuid[])))
         UPDATE blobs b SET state = 'remote'
          WHERE b.state = 'stored'
            AND EXISTS (SELECT 1 FROM repository_content rc WHERE rc.content_id = b.id AND rc.repository_id = ANY($1::uuid[]))
            AND NOT EXISTS (SELECT 1 FROM kept WHERE kept.content_id = b.id)
            AND EXISTS (SELECT 1 FROM remote_artifacts ra WHERE ra.blob_id = b.id)
          RETURNING b.digest, b.size`,
        [repositoryIds, keepVersionIds],
      ),
    );
    return rows.map((row) => ({ digest: row.digest, size: Number(row.size) }));
  }
}
