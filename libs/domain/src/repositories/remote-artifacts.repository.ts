import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RemotePolicy } from '../entities/remote.entity';

/** Where a blob can be fetched from: a remote, the upstream repository name, and when the remote last changed. */
export interface RemoteArtifactSource {
  remoteId: string;
  upstreamName: string;
  policy: RemotePolicy;
  remoteUpdatedAt: Date;
}

/** Remote artifacts by intent: which remote can provide a blob, and keeping a failing one out of rotation. */
@Injectable()
export class RemoteArtifactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The remote to fetch a blob from: one not cooling down after a mismatch, the never-failed first. */
  async sourceFor(blobId: string): Promise<RemoteArtifactSource | null> {
    const [row]: { remote_id: string; upstream_name: string; policy: RemotePolicy; updated_at: Date }[] =
      await this.dataSource.query(
        `SELECT ra.remote_id, ra.upstream_name, r.policy, r.pulp_last_updated AS updated_at
           FROM remote_artifacts ra JOIN remotes r ON r.id = ra.remote_id
          WHERE ra.blob_id = $1 AND (ra.failed_until IS NULL OR ra.failed_until < now())
          ORDER BY ra.failed_until NULLS FIRST LIMIT 1`,
        [blobId],
      );
    if (!row) return null;
    return {
      remoteId: row.remote_id,
      upstreamName: row.upstream_name,
      policy: row.policy,
      remoteUpdatedAt: row.updated_at,
    };
  }

  /** Keeps a remote artifact out of rotation for a while after it served bytes that did not match. */
  async markFailed(blobId: string, remoteId: string, coolDownSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE remote_artifacts SET failed_until = now() + make_interval(secs => $3) WHERE blob_id = $1 AND remote_id = $2`,
      [blobId, remoteId, coolDownSeconds],
    );
  }

  /**
   * Records that `remoteId` provides these blobs under `upstreamName` (on_demand and streamed syncs), in the
   * caller's transaction; a remote artifact that was cooling down after a mismatch is back in rotation.
   */
  async record(
    manager: EntityManager,
    blobIds: readonly string[],
    where: { remoteId: string; upstreamName: string },
  ): Promise<void> {
    const sorted = [...blobIds].sort();
    for (let i = 0; i < sorted.length; i += 10_000) {
      await manager.query(
        `INSERT INTO remote_artifacts (blob_id, remote_id, upstream_name)
         SELECT id, $2, $3 FROM unnest($1::uuid[]) AS id
         ON CONFLICT (blob_id, remote_id) DO UPDATE SET upstream_name = EXCLUDED.upstream_name, failed_until = NULL`,
        [sorted.slice(i, i + 10_000), where.remoteId, where.upstreamName],
      );
    }
  }
}
