import { STORAGE } from '@app/core';
import { BlobsRepository } from '@app/domain';
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
    private readonly blobs: BlobsRepository,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  async run(context: TaskContext<'reclaim'>): Promise<void> {
    const { repositoryIds, keepVersionIds } = context.args;
    const reclaimed = await this.dataSource.transaction((manager) =>
      this.blobs.reclaimToRemote(manager, repositoryIds, keepVersionIds),
    );
    context.progress('reclaim.files', { message: 'Removing reclaimed files', total: reclaimed.length, done: 0 });
    let freed = 0;
    for (const blob of reclaimed) {
      if (await this.storage.delete(assertDigest(blob.digest))) freed += blob.size;
      context.advance('reclaim.files');
    }
    context.progress('reclaim.files', { state: 'completed', suffix: `${freed} bytes freed` });
  }
}
