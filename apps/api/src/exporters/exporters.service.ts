import { ExportEntity, ExporterEntity } from '@app/domain';
import { APP_CONFIG, hrefs, prnOf } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import type { AppConfig } from '@app/config';
import { parseByteSize } from '@app/format';
import type { ExportArgs } from '@app/queue';
import { PathNotAllowedError, resolveAllowedPath } from '@app/transfer';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { LabeledListQuery, ListQuery } from '../common/list-query.dto';
import { applyNamedListQuery, applyOrdering, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import { resolveReference, resolveVersionReference } from '../common/references';
import { assertNameFree } from '../common/unique-name';
import type { TaskStartedResponse } from '../repositories/dto/repository.dto';
import type { CreateExportRequest, ExportResponse } from './dto/export.dto';
import type { CreateExporterRequest, ExporterResponse, PatchedExporterRequest } from './dto/exporter.dto';

const ORDERING = { name: 'e.name', pulp_created: 'e.createdAt', pulp_last_updated: 'e.updatedAt', path: 'e.path' };
/** A tar is cut in 512-byte blocks; a chunk much smaller than a block is a typo. */
const MIN_CHUNK = 1024;
const MAX_CHUNK = 1024 ** 4;

/** Exporters (where and what may be exported) and their exports (each a task writing a tar and a TOC). */
@Injectable()
export class ExportersService {
  private readonly exporters: Repository<ExporterEntity>;
  private readonly exports: Repository<ExportEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.exporters = dataSource.getRepository(ExporterEntity);
    this.exports = dataSource.getRepository(ExportEntity);
  }

  async list(query: LabeledListQuery, req: Request): Promise<Page<ExporterResponse>> {
    const qb = this.exporters.createQueryBuilder('e');
    applyNamedListQuery(qb, query, 'exporter', ORDERING);
    return paginate(qb, query, req, (rows) => this.present(rows));
  }

  async get(id: string): Promise<ExporterResponse> {
    return (await this.present([await this.find(id)]))[0]!;
  }

  async create(body: CreateExporterRequest): Promise<ExporterResponse> {
    await assertNameFree(this.exporters, body.name, 'exporter');
    const exporter = this.exporters.create({ pulpLabels: {} });
    await this.apply(exporter, body);
    return this.get((await this.exporters.save(exporter)).id);
  }

  async update(id: string, body: PatchedExporterRequest): Promise<ExporterResponse> {
    const exporter = await this.find(id);
    if (body.name !== undefined && body.name !== exporter.name)
      await assertNameFree(this.exporters, body.name, 'exporter');
    await this.apply(exporter, body);
    await this.exporters.save(exporter);
    return this.get(id);
  }

  /** The records go; the files stay where they were written (as in Pulp): removing them is the admin's call. */
  async delete(id: string): Promise<void> {
    await this.exporters.delete({ id: (await this.find(id)).id });
  }

  async startExport(exporterId: string, body: CreateExportRequest): Promise<TaskStartedResponse> {
    const exporter = await this.find(exporterId);
    await this.allowedPath(exporter.path);
    const manager = this.dataSource.manager;
    const versions: ExportArgs['versions'] = [];
    for (const reference of body.versions) {
      const version = await resolveVersionReference(manager, reference, 'versions');
      if (!exporter.repositoryIds.includes(version.repositoryId))
        throw FieldErrors.of('versions', `${reference} belongs to a repository this exporter does not export`);
      if (versions.some((v) => v.repositoryId === version.repositoryId))
        throw FieldErrors.of('versions', 'give at most one version per repository');
      versions.push({ repositoryId: version.repositoryId, number: version.number });
    }
    const startVersions: ExportArgs['startVersions'] = [];
    for (const reference of body.start_versions ?? []) {
      const start = await resolveVersionReference(manager, reference, 'start_versions');
      const exported = versions.find((v) => v.repositoryId === start.repositoryId);
      if (!exported) throw FieldErrors.of('start_versions', `${reference} is not a version of an exported repository`);
      if (start.number > exported.number)
        throw FieldErrors.of('start_versions', `${reference} is newer than the exported version ${exported.number}`);
      if (startVersions.some((v) => v.repositoryId === start.repositoryId))
        throw FieldErrors.of('start_versions', 'give at most one start version per repository');
      startVersions.push({ repositoryId: start.repositoryId, number: start.number });
    }
    let chunkSize: number | null = null;
    if (body.chunk_size !== undefined) {
      chunkSize = parseByteSize(body.chunk_size);
      if (chunkSize === null || chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK)
        throw FieldErrors.of('chunk_size', 'chunk_size must be a size from 1KB to 1TB, such as 4GB or 512MB');
    }
    const record = await this.exports.save(
      this.exports.create({
        exporterId,
        params: {
          versions: versions.map((v) => hrefs.version(v.repositoryId, v.number)),
          startVersions: startVersions.map((v) => hrefs.version(v.repositoryId, v.number)),
          chunkSize,
        },
      }),
    );
    const task = await this.dispatcher.dispatch('export', { exportId: record.id, versions, startVersions, chunkSize });
    await this.exports.update({ id: record.id }, { taskId: task.id });
    return { task: hrefs.task(task.id) };
  }

  async listExports(exporterId: string, query: ListQuery, req: Request): Promise<Page<ExportResponse>> {
    await this.find(exporterId);
    const qb = this.exports.createQueryBuilder('x').where('x.exporterId = :exporterId', { exporterId });
    applyOrdering(qb, query.ordering, { pulp_created: 'x.createdAt' }, '-pulp_created');
    return paginate(qb, query, req, (rows) => rows.map(toExportResponse));
  }

  async getExport(exporterId: string, id: string): Promise<ExportResponse> {
    return toExportResponse(await this.findExport(exporterId, id));
  }

  async deleteExport(exporterId: string, id: string): Promise<void> {
    await this.exports.delete({ id: (await this.findExport(exporterId, id)).id });
  }

  private async findExport(exporterId: string, id: string): Promise<ExportEntity> {
    const found = await this.exports.findOne({ where: { id, exporterId } });
    if (!found) throw new NotFoundException('no export with this id');
    return found;
  }

  private async find(id: string): Promise<ExporterEntity> {
    const exporter = await this.exporters.findOne({ where: { id } });
    if (!exporter) throw new NotFoundException('no exporter with this id');
    return exporter;
  }

  private async apply(exporter: ExporterEntity, body: PatchedExporterRequest): Promise<void> {
    if (body.name !== undefined) exporter.name = body.name;
    if (body.path !== undefined) {
      await this.allowedPath(body.path);
      exporter.path = body.path;
    }
    if (body.repositories !== undefined) {
      const ids: string[] = [];
      for (const reference of body.repositories)
        ids.push(await resolveReference(this.dataSource.manager, 'repository', reference, 'repositories'));
      exporter.repositoryIds = [...new Set(ids)];
    }
    if (body.pulp_labels !== undefined) exporter.pulpLabels = body.pulp_labels;
  }

  /** 400 on `path` unless it resolves (symlinks and `..` followed) under ALLOWED_EXPORT_PATHS. */
  private async allowedPath(path: string): Promise<string> {
    try {
      return await resolveAllowedPath(path, this.config.allowedExportPaths, 'ALLOWED_EXPORT_PATHS');
    } catch (error) {
      if (error instanceof PathNotAllowedError) throw FieldErrors.of('path', error.message);
      throw FieldErrors.of('path', `cannot check ${JSON.stringify(path)}: ${(error as Error).message}`);
    }
  }

  /** Repositories deleted since drop out of the listing; the last export comes from one query for the page. */
  private async present(rows: ExporterEntity[]): Promise<ExporterResponse[]> {
    if (rows.length === 0) return [];
    const existing: { id: string }[] = await this.dataSource.query(
      'SELECT id FROM repositories WHERE id = ANY($1::uuid[])',
      [rows.flatMap((row) => row.repositoryIds)],
    );
    const alive = new Set(existing.map((row) => row.id));
    const last: { exporter_id: string; id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (exporter_id) exporter_id, id FROM exports WHERE exporter_id = ANY($1::uuid[])
        ORDER BY exporter_id, pulp_created DESC`,
      [rows.map((row) => row.id)],
    );
    const lastOf = new Map(last.map((row) => [row.exporter_id, row.id]));
    return rows.map((row) => ({
      pulp_href: hrefs.exporter(row.id),
      prn: prnOf('exporter', row.id),
      pulp_created: row.createdAt.toISOString(),
      pulp_last_updated: row.updatedAt.toISOString(),
      name: row.name,
      path: row.path,
      repositories: row.repositoryIds.filter((id) => alive.has(id)).map((id) => hrefs.repository(id)),
      last_export: lastOf.has(row.id) ? hrefs.export(row.id, lastOf.get(row.id)!) : null,
      pulp_labels: row.pulpLabels,
    }));
  }
}

export function toExportResponse(row: ExportEntity): ExportResponse {
  const toc = row.toc as { files?: { name: string; sha256: string }[] } | null;
  const directory = row.tocPath ? row.tocPath.slice(0, row.tocPath.lastIndexOf('/')) : null;
  return {
    pulp_href: hrefs.export(row.exporterId, row.id),
    prn: `prn:core.pulpexport:${row.id}`,
    pulp_created: row.createdAt.toISOString(),
    task: row.taskId ? hrefs.task(row.taskId) : null,
    exported_resources: row.params.versions,
    params: {
      versions: row.params.versions,
      start_versions: row.params.startVersions,
      chunk_size: row.params.chunkSize,
    },
    output_file_info: Object.fromEntries((toc?.files ?? []).map((f) => [`${directory}/${f.name}`, f.sha256])),
    toc_info: row.tocPath && row.tocSha256 ? { file: row.tocPath, sha256: row.tocSha256 } : null,
    toc: row.toc,
  };
}
