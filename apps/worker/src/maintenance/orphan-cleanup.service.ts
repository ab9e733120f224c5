import { STORAGE } from '@app/core';
import { BlobsRepository, ContentRepository } from '@app/domain';
import { assertDigest } from '@app/oci';
import type { BlobInfo, StorageDriver } from '@app/storage';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TaskContext } from '../tasks/task-context';

/** Files removed per storage request where the driver can batch (S3 DeleteObjects takes up to 1000 keys). */
const DELETE_BATCH = 1000;

/**
 * Removes content that no repository version references, and the files only it used. Runs under the
 * exclusive content lock, so no sync is adding content at the same time; the protection window keeps
 * what a sync recorded moments ago before making its version.
 */
@Injectable()
export class OrphanCleanupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly content: ContentRepository,
    private readonly blobRecords: BlobsRepository,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  async run(context: TaskContext<'orphan-cleanup'>): Promise<void> {
    const { protectionMinutes } = context.args;
    context.progress('orphans.content', { message: 'Removing orphaned content', total: null, done: 0 });
    const { units, blobs } = await this.dataSource.transaction((manager) =>
      this.content.deleteOrphans(manager, protectionMinutes),
    );
    context.progress('orphans.content', { done: units, state: 'completed' });

    const stored = blobs.filter((blob) => blob.state === 'stored');
    context.progress('orphans.files', { message: 'Removing orphaned files', total: stored.length, done: 0 });
    let freed = 0;
    for (let index = 0; index < stored.length; index += DELETE_BATCH) {
      context.signal.throwIfAborted();
      const batch = stored.slice(index, index + DELETE_BATCH);
      freed += await this.deleteFiles(batch.map((blob) => ({ digest: blob.digest, size: Number(blob.size) })));
      context.advance('orphans.files', batch.length);
    }
    freed += await this.removeStrayFiles(protectionMinutes);
    const temporaries = await this.storage.cleanupTemporaries(protectionMinutes * 60_000);
    context.progress('orphans.files', {
      state: 'completed',
      suffix: `${freed} bytes freed, ${temporaries} temporaries removed`,
    });
    context.progress('orphans.bytes', { message: 'Bytes freed', total: freed, done: freed, state: 'completed' });
  }

  /**
   * Removes files and returns the bytes freed: one request per 1000 on an object store (`deleteMany`, which cannot
   * tell a missing object from a deleted one), one `delete` each on a filesystem.
   */
  private async deleteFiles(files: { digest: string; size: number }[]): Promise<number> {
    if (this.storage.deleteMany) {
      await this.storage.deleteMany(files.map((file) => assertDigest(file.digest)));
      return files.reduce((sum, file) => sum + file.size, 0);
    }
    let freed = 0;
    for (const file of files) if (await this.storage.delete(assertDigest(file.digest))) freed += file.size;
    return freed;
  }

  /** Files in storage that no blob row names (a crash between rename and commit), past the window. */
  private async removeStrayFiles(minutes: number): Promise<number> {
    let freed = 0;
    const batch: BlobInfo[] = [];
    const flush = async () => {
      const keep = await this.blobRecords.knownDigests(batch.map((b) => b.digest));
      freed += await this.deleteFiles(batch.filter((file) => !keep.has(file.digest)));
      batch.length = 0;
    };
    const cutoff = Date.now() - minutes * 60_000;
    for await (const file of this.storage.list()) {
      if ((file.modifiedAt ?? 0) > cutoff) continue;
      batch.push(file);
      if (batch.length >= 1000) await flush();
    }
    if (batch.length) await flush();
    return freed;
  }
}
