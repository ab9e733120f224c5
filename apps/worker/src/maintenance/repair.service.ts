import type { AppConfig } from '@app/config';
import { APP_CONFIG, registryClientFor, SECRET_BOX, STORAGE } from '@app/core';
import { RemoteEntity } from '@app/domain';
import { assertDigest } from '@app/oci';
import type { SecretBox } from '@app/security';
import type { StorageDriver } from '@app/storage';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { downloadBlobs } from '../sync/blob.downloader';
import type { TaskContext } from '../tasks/task-context';

interface StoredBlob {
  digest: string;
  size: string;
  media_type: string | null;
  remote_id: string | null;
  upstream_name: string | null;
}

/**
 * Re-verifies every stored file of one repository version against its digest and fetches missing or
 * corrupt ones again from a remote that had them. A file no remote can provide fails the task by name.
 */
@Injectable()
export class RepairService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async run(context: TaskContext<'repair'>): Promise<void> {
    const { repositoryId, versionNumber } = context.args;
    const blobs: StoredBlob[] = await this.dataSource.query(
      `SELECT DISTINCT ON (b.id) b.digest, b.size, b.media_type, ra.remote_id, ra.upstream_name
         FROM repository_content rc
         JOIN blobs b ON b.id = rc.content_id AND b.state = 'stored'
         LEFT JOIN remote_artifacts ra ON ra.blob_id = b.id
        WHERE rc.repository_id = $1 AND rc.version_added <= $2 AND (rc.version_removed IS NULL OR rc.version_removed > $2)
        ORDER BY b.id, ra.failed_until NULLS FIRST`,
      [repositoryId, versionNumber],
    );
    context.progress('repair.verifying', { message: 'Verifying stored files', total: blobs.length, done: 0 });
    const broken: StoredBlob[] = [];
    for (const blob of blobs) {
      context.signal.throwIfAborted();
      if (!(await this.storage.verify(assertDigest(blob.digest)))) broken.push(blob);
      context.advance('repair.verifying');
    }
    context.progress('repair.verifying', { state: 'completed', suffix: `${broken.length} missing or corrupt` });
    if (broken.length === 0) return;

    const unrecoverable = broken.filter((blob) => !blob.remote_id);
    if (unrecoverable.length) {
      throw new Error(
        `${unrecoverable.length} file(s) are missing or corrupt and no remote is known for them: ${unrecoverable
          .map((b) => b.digest)
          .join(', ')}`,
      );
    }
    for (const blob of broken) await this.storage.delete(assertDigest(blob.digest));
    const byRemote = new Map<string, StoredBlob[]>();
    for (const blob of broken)
      byRemote.set(`${blob.remote_id}\n${blob.upstream_name}`, [
        ...(byRemote.get(`${blob.remote_id}\n${blob.upstream_name}`) ?? []),
        blob,
      ]);
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
            size: Number(blob.size),
            mediaType: blob.media_type ?? 'application/octet-stream',
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
