import { APP_CONFIG, ContentInvalidationPublisher, hrefs, STORAGE } from '@app/core';
import type { AppConfig } from '@app/config';
import { RepositoryVersionsRepository } from '@app/domain';
import { formatBytes } from '@app/format';
import { IMPORT_PROGRESS } from '@app/queue';
import { ManifestRejectedError, parseManifestDocument } from '@app/netboot';
import type { Digest } from '@app/oci';
import type { StorageDriver } from '@app/storage';
import { type ExportToc, MAX_TOC_BYTES, parseExportToc, resolveAllowedPath } from '@app/transfer';
import { Inject, Injectable } from '@nestjs/common';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { SyncContentRepository } from '../sync/sync-content.repository';
import type { UpstreamSnapshot } from '../sync/sync.types';
import type { TaskContext } from '../tasks/task-context';
import { concatenated, readBounded, verifyExportFiles } from './export-files';
import { readExportTar } from './export-tar.reader';
import { recordImportedVerdicts } from './imported-verdicts';

/**
 * Imports an export in the order that keeps the site consistent: verify every file against the TOC (nothing read
 * yet), store the blobs through the storage driver's verifying writer, then record content and every new version
 * in one transaction. A failure removes the blobs this import stored that nothing references, so no partial
 * version and no orphaned file remain. Importing the same export again changes nothing.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly content: SyncContentRepository,
    private readonly versions: RepositoryVersionsRepository,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {}

  async run(context: TaskContext<'import'>): Promise<void> {
    const { tocPath, repositories } = context.args;
    const allowed = this.config.allowedImportPaths;
    const real = await resolveAllowedPath(tocPath, allowed, 'ALLOWED_IMPORT_PATHS');
    const toc = parseExportToc(await readBounded(real, MAX_TOC_BYTES));
    for (const repo of toc.content.repositories)
      if (!repositories[repo.name])
        throw new Error(`the TOC changed since the import was started: ${repo.name} is new`);

    const totalBytes = toc.files.reduce((sum, f) => sum + f.size, 0);
    context.progress(IMPORT_PROGRESS.files, { message: 'Verifying export files', total: toc.files.length, done: 0 });
    const paths = await verifyExportFiles(dirname(real), toc.files, allowed, () =>
      context.advance(IMPORT_PROGRESS.files),
    );
    context.progress(IMPORT_PROGRESS.files, { state: 'completed' });
    context.logger.info({ files: paths.length, bytes: totalBytes }, 'export files verified');

    const missingBytes = await this.bytesToStore(toc);
    if (missingBytes > 0 && !(await this.storage.hasRoomFor(missingBytes)))
      throw new Error(
        `not enough free space in storage for ${formatBytes(missingBytes)} of blobs; nothing was imported`,
      );

    const written: Digest[] = [];
    try {
      context.progress(IMPORT_PROGRESS.blobs, { message: 'Storing blobs', total: toc.content.blobs.length, done: 0 });
      context.progress(IMPORT_PROGRESS.bytes, { message: 'Storing bytes', total: toc.content.blob_bytes, done: 0 });
      const { manifests, blobs } = await readExportTar(concatenated(paths), toc, {
        storage: this.storage,
        signal: context.signal,
        written,
        onBytes: (n) => context.advance(IMPORT_PROGRESS.bytes, n),
        onBlob: () => context.advance(IMPORT_PROGRESS.blobs),
      });
      context.progress(IMPORT_PROGRESS.blobs, { state: 'completed' });
      context.progress(IMPORT_PROGRESS.bytes, { state: 'completed' });
      await this.createVersions(toc, repositories, manifests, blobs, context);
    } catch (error) {
      await this.removeUnreferenced(written, context);
      throw error;
    }
  }

  /** Bytes of the blobs the tar carries that storage does not hold yet. */
  private async bytesToStore(toc: ExportToc): Promise<number> {
    let bytes = 0;
    for (const blob of toc.content.blobs) if (!(await this.storage.stat(blob.digest))) bytes += blob.size;
    return bytes;
  }

  private async createVersions(
    toc: ExportToc,
    repositories: Record<string, string>,
    imported: Map<Digest, Buffer>,
    carried: Set<Digest>,
    context: TaskContext,
  ): Promise<void> {
    const snapshots = new Map<string, UpstreamSnapshot>();
    const needed = [...new Set(toc.content.repositories.flatMap((r) => r.manifests))];
    const known = await this.content.findManifests(needed);
    for (const repo of toc.content.repositories)
      snapshots.set(repo.name, await this.snapshotOf(repo, imported, known, carried));

    context.progress(IMPORT_PROGRESS.versions, {
      message: 'Creating repository versions',
      total: snapshots.size,
      done: 0,
    });
    // One transaction for every repository: an import makes all its versions or none.
    const { created, verdicts } = await this.dataSource.transaction(async (manager) => {
      const made: { repositoryId: string; number: number }[] = [];
      for (const repo of toc.content.repositories) {
        const repositoryId = repositories[repo.name]!;
        const snapshot = snapshots.get(repo.name)!;
        const stored = new Set(snapshot.blobs.keys());
        const units = await this.content.save(manager, snapshot, { stored, remoteArtifacts: null });
        const add = [...units.tagIds, ...units.manifestIds, ...units.blobIds];
        // The imported version replaces what the repository holds: the same content as at the exporting site.
        await this.versions.lockRepository(manager, repositoryId);
        const latest = await this.versions.findLatestVersion(repositoryId, manager);
        const keep = new Set(add);
        const present = latest ? await this.versions.contentIdsOf(repositoryId, latest.number, manager) : [];
        context.signal.throwIfAborted();
        const version = await this.versions.createVersion(manager, repositoryId, {
          add,
          remove: present.filter((id) => !keep.has(id)),
        });
        if (version) made.push({ repositoryId, number: version.number });
        context.advance(IMPORT_PROGRESS.versions);
      }
      return { created: made, verdicts: await recordImportedVerdicts(manager, toc.content.verdicts) };
    });
    context.progress(IMPORT_PROGRESS.versions, { state: 'completed' });
    for (const { repositoryId, number } of created) {
      context.created(hrefs.version(repositoryId, number));
      await this.invalidation.publish({ reason: 'version-created', repositoryId });
    }
    context.logger.info(
      { created, verdicts },
      created.length
        ? 'import created repository versions'
        : verdicts
          ? 'import updated signature verdicts'
          : 'import changed nothing',
    );
  }

  /** The version as a sync would have scanned it, from manifests in the tar or already here. */
  private async snapshotOf(
    repo: ExportToc['content']['repositories'][number],
    imported: Map<Digest, Buffer>,
    known: Map<Digest, { mediaType: string; raw: Buffer }>,
    carried: Set<Digest>,
  ): Promise<UpstreamSnapshot> {
    const members = new Set(repo.manifests);
    const snapshot: UpstreamSnapshot = { tags: new Map(), manifests: new Map(), blobs: new Map() };
    const after =
      repo.start_version === null
        ? ''
        : ` (an incremental export: import version ${repo.start_version} of ${repo.name} first)`;
    for (const digest of members) {
      const raw = imported.get(digest) ?? known.get(digest)?.raw;
      if (!raw) throw new Error(`manifest ${digest} of ${repo.name} is neither in the export nor here${after}`);
      let parsed;
      try {
        parsed = parseManifestDocument(raw, { digest, contentType: known.get(digest)?.mediaType });
      } catch (error) {
        if (error instanceof ManifestRejectedError)
          throw new Error(`manifest ${digest} of ${repo.name} was rejected: ${error.message}`, { cause: error });
        throw error;
      }
      const children =
        parsed.kind === 'index'
          ? parsed.manifests.flatMap((entry, position) =>
              members.has(entry.digest) ? [{ position, digest: entry.digest }] : [],
            )
          : [];
      snapshot.manifests.set(digest, {
        digest,
        mediaType: parsed.mediaType,
        raw,
        parsed,
        children,
        known: known.has(digest),
      });
      if (parsed.kind === 'manifest') {
        for (const blob of [...(parsed.config ? [parsed.config] : []), ...parsed.layers])
          if (!snapshot.blobs.has(blob.digest))
            snapshot.blobs.set(blob.digest, {
              digest: blob.digest,
              size: blob.size,
              mediaType: blob.mediaType,
              label: digest,
            });
      }
    }
    for (const [tag, digest] of Object.entries(repo.tags)) {
      if (!members.has(digest))
        throw new Error(`tag ${tag} of ${repo.name} points at ${digest}, which the export does not list`);
      snapshot.tags.set(tag, digest);
    }
    const states = await this.content.blobStates([...snapshot.blobs.keys()].filter((d) => !carried.has(d)));
    for (const digest of snapshot.blobs.keys()) {
      if (carried.has(digest) || states.get(digest) === 'stored') continue;
      throw new Error(`blob ${digest} of ${repo.name} is neither in the export nor stored here${after}`);
    }
    return snapshot;
  }

  /** After a failure: blobs this import stored that no blob row names go again (nothing references them). */
  private async removeUnreferenced(written: Digest[], context: TaskContext): Promise<void> {
    if (written.length === 0) return;
    try {
      const rows: { digest: Digest }[] = await this.dataSource.query(
        'SELECT digest FROM blobs WHERE digest = ANY($1::text[])',
        [written],
      );
      const referenced = new Set(rows.map((row) => row.digest));
      for (const digest of written) if (!referenced.has(digest)) await this.storage.delete(digest);
    } catch (error) {
      context.logger.warn({ err: error }, 'could not remove the blobs of a failed import; orphan cleanup will');
    }
  }
}
