import type { AppConfig } from '@app/config';
import { APP_CONFIG, registryClientFor, SECRET_BOX, STORAGE } from '@app/core';
import { BlobsRepository, RemoteEntity, type StoredBlobSource } from '@app/domain';
import { assertDigest } from '@app/oci';
import type { SecretBox } from '@app/security';
import type { StorageDriver } from '@app/storage';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { downloadBlobs } from '../sync/blob.downloader';
import type { TaskContext } from '../tasks/task-context';

/**
 * Re-verifies every stored file of one repository version against its digest and fetches missing or
 * corrupt ones again from a remote that had them. A file no remote can provide fails the task by name.
 */
@Injectable()
export class RepairService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly blobRecords: BlobsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async run(context: TaskContext<'repair'>): Promise<void> {
    const { repositoryId, versionNumber } = context.args;
    const blobs = await this.blobRecords.storedInVersion(repositoryId, versionNumber);
    context.progress('repair.verifying', { message: 'Verifying stored files', total: blobs.length, done: 0 });
    const broken: StoredBlobSource[] = [];
    for (const blob of blobs) {
      context.signal.throwIfAborted();
      if (!(await this.storage.verify(assertDigest(blob.digest)))) broken.push(blob);
      context.advance('repair.verifying');
    }
    context.progress('repair.verifying', { state: 'completed', suffix: `${broken.length} missing or corrupt` });
    if (broken.length === 0) return;

    const unrecoverable = broken.filter((blob) => !blob.remoteId);
    if (unrecoverable.length) {
      throw new Error(
        `${unrecoverable.length} file(s) are missing or corrupt and no remote is known for them: ${unrecoverable
          .map((b) => b.digest)
          .join(', ')}`,
      );
    }
    for (const blob of broken) await this.storage.delete(assertDigest(blob.digest));
    const byRemote = new Map<string, StoredBlobSource[]>();
    for (const blob of broken) {
      const key = `${blob.remoteId}\n${blob.upstreamName}`;
      byRemote.set(key, [...(byRemote.get(key) ?? []), blob]);
    }
    for (const [key, group] of byRemote) {
      const [remoteId, upstreamName] = key.split('\n') as [string, string];
      const remote = await this.dataSource.getRepository(RemoteEntity).findOneByOrFail({ id: remoteId });
      const client = registryClientFor(remote, this.secrets, context.logger, {
        denyAddresses: this.config.remoteUrlDeny,
      });
      try {
        await downloadBlobs(
          group.map((blob) => ({
            digest: assertDigest(blob.digest),
            size: blob.size,
            mediaType: blob.mediaType ?? 'application/octet-stream',
            label: `blob ${blob.digest}`,
          })),
          {
            storage: this.storage,
            client,
            registryUrl: remote.url,
            upstreamName,
            resumeKey: context.task.id,
            signal: context.signal,
            report: context,
            logger: context.logger,
          },
        );
      } finally {
        await client.close();
      }
    }
    context.progress('repair.repaired', {
      message: 'Files fetched again',
      total: broken.length,
      done: broken.length,
      state: 'completed',
    });
  }
}
