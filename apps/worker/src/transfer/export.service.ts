import { APP_CONFIG, hrefs, STORAGE } from '@app/core';
import type { AppConfig } from '@app/config';
import { ExportEntity, ExporterEntity, RepositoryEntity } from '@app/domain';
import { formatBytes } from '@app/format';
import { EXPORT_PROGRESS } from '@app/queue';
import type { Digest } from '@app/oci';
import type { StorageDriver } from '@app/storage';
import {
  ChunkedFileWriter,
  EXPORT_FORMAT,
  type ExportedVersion,
  type ExportToc,
  resolveAllowedPath,
  tarMemberName,
} from '@app/transfer';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pack as tarPack, type Pack } from 'tar-stream';
import { DataSource } from 'typeorm';
import type { TaskContext } from '../tasks/task-context';
import { ExportContentRepository, type VersionUnits } from './export-content.repository';

/**
 * Writes the exported versions' units (minus what the start versions held) into one tar, cut into chunks when
 * asked, then the TOC beside it. Blobs are read through the storage driver; nothing here knows where they live.
 * A failure removes every file this export wrote.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly content: ExportContentRepository,
  ) {}

  async run(context: TaskContext<'export'>): Promise<void> {
    const { exportId, versions, startVersions, chunkSize } = context.args;
    const record = await this.dataSource.getRepository(ExportEntity).findOne({ where: { id: exportId } });
    if (!record) throw new Error(`export ${exportId} no longer exists`);
    const exporter = await this.dataSource
      .getRepository(ExporterEntity)
      .findOneOrFail({ where: { id: record.exporterId } });
    // Checked again here: the API checked when the exporter was saved, but a symlink may have changed since.
    const directory = await resolveAllowedPath(exporter.path, this.config.allowedExportPaths, 'ALLOWED_EXPORT_PATHS');
    await mkdir(directory, { recursive: true });
    await resolveAllowedPath(directory, this.config.allowedExportPaths, 'ALLOWED_EXPORT_PATHS');

    const listed: ExportedVersion[] = [];
    const manifests = new Map<Digest, { size: number; mediaType: string }>();
    const blobs = new Map<Digest, number>();
    for (const { repositoryId, number } of versions) {
      const repository = await this.dataSource
        .getRepository(RepositoryEntity)
        .findOneOrFail({ where: { id: repositoryId } });
      const units = await this.content.unitsOf(repositoryId, number);
      const start = startVersions.find((v) => v.repositoryId === repositoryId) ?? null;
      const known: VersionUnits | null = start ? await this.content.unitsOf(repositoryId, start.number) : null;
      for (const [digest, manifest] of units.manifests)
        if (!known?.manifests.has(digest)) manifests.set(digest, manifest);
      for (const [digest, blob] of units.blobs) {
        if (known?.blobs.has(digest)) continue;
        if (blob.state !== 'stored')
          throw new Error(
            `blob ${digest} of ${repository.name} version ${number} is not stored here (on_demand or streamed ` +
              `content that was never fetched); sync with policy immediate before exporting`,
          );
        blobs.set(digest, blob.size);
      }
      listed.push({
        name: repository.name,
        version: number,
        start_version: start?.number ?? null,
        tags: Object.fromEntries(units.tags),
        manifests: [...units.manifests.keys()],
      });
    }

    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const base = `export-${exportId}-${stamp}`;
    const tocPath = join(directory, `${base}-toc.json`);
    const out = new ChunkedFileWriter(directory, `${base}.tar`, chunkSize);
    const blobBytes = [...blobs.values()].reduce((sum, n) => sum + n, 0);
    context.progress(EXPORT_PROGRESS.manifests, { message: 'Writing manifests', total: manifests.size, done: 0 });
    context.progress(EXPORT_PROGRESS.blobs, { message: 'Writing blobs', total: blobs.size, done: 0 });
    context.progress(EXPORT_PROGRESS.bytes, { message: 'Writing bytes', total: blobBytes, done: 0 });
    try {
      const tar = tarPack();
      const written = new Promise<void>((resolve, reject) => {
        out.on('finish', resolve).on('error', reject);
        tar.on('error', reject);
      });
      tar.pipe(out);
      try {
        await Promise.all([written, this.fill(tar, manifests, blobs, context)]);
      } catch (error) {
        out.destroy();
        throw error;
      }
      // Verdicts of every listed manifest, not only new ones: a later sync may have changed an old one's.
      const verdicts = await this.content.verdictsOf([...new Set(listed.flatMap((v) => v.manifests))]);
      const toc: ExportToc = {
        format: EXPORT_FORMAT,
        created: new Date().toISOString(),
        meta: { file: `${base}.tar`, chunk_size: chunkSize, global_hash: out.globalHash() },
        files: out.files,
        content: {
          repositories: listed,
          manifests: [...manifests].map(([digest, m]) => ({ digest, size: m.size, media_type: m.mediaType })),
          blobs: [...blobs].map(([digest, size]) => ({ digest, size })),
          blob_bytes: blobBytes,
          verdicts,
        },
      };
      const text = `${JSON.stringify(toc, null, 2)}\n`;
      await writeFile(tocPath, text, { flag: 'wx', mode: 0o644 });
      await this.dataSource.query('UPDATE exports SET toc_path = $2, toc = $3, toc_sha256 = $4 WHERE id = $1', [
        exportId,
        tocPath,
        text,
        createHash('sha256').update(text).digest('hex'),
      ]);
      context.created(hrefs.export(exporter.id, exportId));
      context.logger.info(
        { files: out.files.length, blobs: blobs.size, bytes: blobBytes, verdicts: verdicts.length },
        `exported ${blobs.size} blobs (${formatBytes(blobBytes)}) to ${tocPath}`,
      );
    } catch (error) {
      await Promise.all([...out.paths, tocPath].map((path) => rm(path, { force: true })));
      throw error;
    }
  }

  /** Manifests first (small), then blobs; entries are written one at a time, as a tar stream requires. */
  private async fill(tar: Pack, manifests: Map<Digest, unknown>, blobs: Map<Digest, number>, context: TaskContext) {
    try {
      const bytes = await this.content.manifestBytes([...manifests.keys()]);
      for (const digest of manifests.keys()) {
        const raw = bytes.get(digest);
        if (!raw) throw new Error(`manifest ${digest} disappeared while exporting`);
        await new Promise<void>((resolve, reject) =>
          tar.entry({ name: tarMemberName('manifests', digest), size: raw.length, mode: 0o644 }, raw, (error) =>
            error ? reject(error) : resolve(),
          ),
        );
        context.advance(EXPORT_PROGRESS.manifests);
      }
      for (const [digest, size] of blobs) {
        context.signal.throwIfAborted();
        const source = await this.storage.openRead(digest);
        let done!: Promise<void>;
        const entry = await new Promise<ReturnType<Pack['entry']>>((resolve) => {
          done = new Promise<void>((ok, fail) => {
            resolve(
              tar.entry({ name: tarMemberName('blobs', digest), size, mode: 0o644 }, (e) => (e ? fail(e) : ok())),
            );
          });
        });
        try {
          for await (const chunk of source as AsyncIterable<Buffer>) {
            // tar-stream's entry is a streamx Writable: false means wait for 'drain'.
            if (!entry.write(chunk)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
            context.advance(EXPORT_PROGRESS.bytes, chunk.length);
          }
        } finally {
          source.destroy();
        }
        entry.end(undefined);
        await done;
        context.advance(EXPORT_PROGRESS.blobs);
      }
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
      throw error;
    }
  }
}
