import { STORAGE } from '@app/core';
import { returnedRows } from '@app/domain';
import { assertDigest } from '@app/oci';
import type { StorageDriver } from '@app/storage';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TaskContext } from '../tasks/task-context';

/**
 * Gives disk back without losing content: files only the chosen repositories use (outside the versions to
 * keep) are deleted and their blobs become on-demand again, fetched from their remote on the next request.
 * A blob no remote can provide again is left alone.
 */
@Injectable()
export class ReclaimService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  async run(context: TaskContext<'reclaim'>): Promise<void> {
    const { repositoryIds, keepVersionIds } = context.args;
    const reclaimed: { digest: string; size: string }[] = await this.dataSource.transaction(async (manager) =>
      manager
        .query(
          `WITH kept AS (
           SELECT rc.content_id FROM repository_content rc
             JOIN repository_versions v ON v.repository_id = rc.repository_id
                  AND rc.version_added <= v.number AND (rc.version_removed IS NULL OR rc.version_removed > v.number)
            WHERE v.id = ANY($2::uuid[]) OR NOT (rc.repository_id = ANY($1::uuid[])))
         UPDATE blobs b SET state = 'remote'
          WHERE b.state = 'stored'
            AND EXISTS (SELECT 1 FROM repository_content rc WHERE rc.content_id = b.id AND rc.repository_id = ANY($1::uuid[]))
            AND NOT EXISTS (SELECT 1 FROM kept WHERE kept.content_id = b.id)
            AND EXISTS (SELECT 1 FROM remote_artifacts ra WHERE ra.blob_id = b.id)
          RETURNING b.digest, b.size`,
          [repositoryIds, keepVersionIds],
        )
        .then((result: unknown) => returnedRows<{ digest: string; size: string }>(result)),
    );
    context.progress('reclaim.files', { message: 'Removing reclaimed files', total: reclaimed.length, done: 0 });
    let freed = 0;
    for (const blob of reclaimed) {
      if (await this.storage.delete(assertDigest(blob.digest))) freed += Number(blob.size);
      context.advance('reclaim.files');
    }
    context.progress('reclaim.files', { state: 'completed', suffix: `${freed} bytes freed` });
  }
}
