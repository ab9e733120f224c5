import { APP_CONFIG, ContentInvalidationPublisher, hrefs, registryClientFor, SECRET_BOX, STORAGE } from '@app/core';
import type { AppConfig } from '@app/config';
import {
  RemoteEntity,
  RepositoryEntity,
  type RepositoryVersionEntity,
  RepositoryVersionsRepository,
} from '@app/domain';
import { formatBytes } from '@app/format';
import type { Digest } from '@app/oci';
import type { SecretBox } from '@app/security';
import type { RegistryClient } from '@app/registry-client';
import type { StorageDriver } from '@app/storage';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TaskContext } from '../tasks/task-context';
import { downloadBlobs } from './blob.downloader';
import { SignatureCheckService, type SignatureOutcome } from './signatures/signature-check.service';
import { SyncContentRepository } from './sync-content.repository';
import type { UpstreamSnapshot } from './sync.types';
import { scanUpstream } from './upstream.scanner';
import { applyRetention } from './version-retention';

/**
 * A sync, in the order that keeps the repository consistent: scan upstream (nothing written), check signatures
 * under the remote's policy (nothing written), download and verify every missing blob (immediate), record content and the new version in one transaction, then publish
 * it. A failure or cancel at any step before the commit leaves the previous version the latest.
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly content: SyncContentRepository,
    private readonly versions: RepositoryVersionsRepository,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    private readonly invalidation: ContentInvalidationPublisher,
    private readonly signatures: SignatureCheckService,
  ) {}

  async run(context: TaskContext<'sync'>): Promise<void> {
    const { repository, remote } = await this.load(context.args);
    const client = registryClientFor(remote, this.box, context.logger, { denyAddresses: this.config.remoteUrlDeny });
    try {
      const scanned = await this.scan(client, remote, context);
      // Under signature_policy `require` the snapshot loses what is not validly signed, before any download.
      const signatures = await this.signatures.check(scanned, remote, client, context);
      const snapshot = signatures?.snapshot ?? scanned;
      const stored = await this.downloadMissing(client, remote, snapshot, context);
      context.signal.throwIfAborted();
      const version = await this.recordVersion(remote, snapshot, stored, signatures, context);
      if (version) await this.publish(repository, version, context);
      else context.logger.info('sync changed nothing; no new version');
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  private async load({ repositoryId, remoteId }: TaskContext<'sync'>['args']) {
    const repository = await this.dataSource.getRepository(RepositoryEntity).findOne({ where: { id: repositoryId } });
    if (!repository) throw new Error(`repository ${repositoryId} no longer exists`);
    const remote = await this.dataSource.getRepository(RemoteEntity).findOne({ where: { id: remoteId } });
    if (!remote) throw new Error(`remote ${remoteId} no longer exists`);
    return { repository, remote };
  }

  /** What upstream holds for the remote's tags; nothing is written. */
  private scan(client: RegistryClient, remote: RemoteEntity, context: TaskContext<'sync'>): Promise<UpstreamSnapshot> {
    return scanUpstream(
      client,
      {
        upstreamName: remote.upstreamName,
        includeTags: remote.includeTags,
        excludeTags: remote.excludeTags,
        platforms: remote.platforms,
        signal: context.signal,
        headConcurrency: this.config.syncHeadConcurrency,
        findKnown: (digests) => this.content.findManifests(digests),
      },
      context,
    );
  }

  /**
   * The digests of the snapshot whose verified file is in storage once this returns: those stored before, plus,
   * for an `immediate` remote, every other blob, downloaded now after checking the volume has room for them.
   */
  private async downloadMissing(
    client: RegistryClient,
    remote: RemoteEntity,
    snapshot: UpstreamSnapshot,
    context: TaskContext<'sync'>,
  ): Promise<Set<Digest>> {
    const states = await this.content.blobStates([...snapshot.blobs.keys()]);
    const stored = new Set<Digest>([...states].filter(([, state]) => state === 'stored').map(([digest]) => digest));
    if (remote.policy !== 'immediate') return stored;
    const missing = [...snapshot.blobs.values()].filter((blob) => !stored.has(blob.digest));
    const bytes = missing.reduce((sum, blob) => sum + blob.size, 0);
    if (missing.length && !(await this.storage.hasRoomFor(bytes))) {
      throw new Error(
        `not enough free space in storage: the manifests of this sync announce ${formatBytes(bytes)} (${bytes} bytes) in ` +
          `${missing.length} blobs not stored yet, more than the storage volume has free; nothing was downloaded`,
      );
    }
    await downloadBlobs(missing, {
      storage: this.storage,
      client,
      registryUrl: remote.url,
      upstreamName: remote.upstreamName,
      resumeKey: context.task.id,
      signal: context.signal,
      report: context,
      logger: context.logger,
    });
    for (const blob of missing) stored.add(blob.digest);
    return stored;
  }

  /** Content rows and the new version in one transaction; null when the version would not change. */
  private recordVersion(
    remote: RemoteEntity,
    snapshot: UpstreamSnapshot,
    stored: ReadonlySet<Digest>,
    signatures: SignatureOutcome | null,
    context: TaskContext<'sync'>,
  ): Promise<RepositoryVersionEntity | null> {
    const { repositoryId, mirror } = context.args;
    return this.dataSource.transaction(async (manager) => {
      const units = await this.content.save(manager, snapshot, {
        stored,
        // Recorded for every policy: repair and reclaim fetch stored files again from where they came.
        remoteArtifacts: { remoteId: remote.id, upstreamName: remote.upstreamName },
      });
      if (signatures) await this.signatures.record(manager, signatures);
      const add = [...units.tagIds, ...units.manifestIds, ...units.blobIds];
      const remove = await this.removals(manager, repositoryId, snapshot, add, mirror);
      // Last moment a cancel can still prevent the version: after this the transaction commits.
      context.signal.throwIfAborted();
      return this.versions.createVersion(manager, repositoryId, { add, remove });
    });
  }

  /** Reports the new version, prunes old ones and tells content apps to serve it now. */
  private async publish(repository: RepositoryEntity, version: RepositoryVersionEntity, context: TaskContext) {
    context.created(hrefs.version(repository.id, version.number));
    context.logger.info({ version: version.number }, 'sync created a repository version');
    await this.prune(repository, version, context);
    // Content apps serving this repository switch to the new version now, not at their next refresh.
    await this.invalidation.publish({ reason: 'version-created', repositoryId: repository.id });
  }

  /**
   * mirror: whatever the latest version holds that upstream no longer has. Otherwise only tags whose name now
   * points at another manifest: one name, one manifest per version.
   */
  private async removals(
    manager: EntityManager,
    repositoryId: string,
    snapshot: UpstreamSnapshot,
    add: string[],
    mirror: boolean,
  ): Promise<string[]> {
    // Locks the repository row first, so the latest version cannot change between this read and createVersion.
    await this.versions.lockRepository(manager, repositoryId);
    const keep = new Set(add);
    if (mirror) {
      const latest = await this.versions.findLatestVersion(repositoryId, manager);
      const present = latest ? await this.versions.contentIdsOf(repositoryId, latest.number, manager) : [];
      return present.filter((id) => !keep.has(id));
    }
    const replaced = await this.versions.latestTagIdsNamed(manager, repositoryId, [...snapshot.tags.keys()]);
    return replaced.filter((id) => !keep.has(id));
  }

  private async prune(repository: RepositoryEntity, created: RepositoryVersionEntity, context: TaskContext) {
    try {
      const deleted = await applyRetention(
        this.dataSource,
        this.versions,
        repository.id,
        repository.retainRepoVersions,
      );
      if (deleted.length) context.logger.info({ deleted, created: created.number }, 'pruned old repository versions');
    } catch (error) {
      // The new version is committed and correct; pruning is retried by the next sync.
      context.logger.warn({ err: error }, 'could not prune old repository versions');
    }
  }
}
