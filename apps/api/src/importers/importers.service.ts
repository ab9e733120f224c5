import { ImporterEntity, RepositoryEntity } from '@app/domain';
import { APP_CONFIG, hrefs, parseReference, prnOf } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import type { AppConfig } from '@app/config';
import { MAX_TOC_BYTES, parseExportToc, PathNotAllowedError, resolveAllowedPath, TocFormatError } from '@app/transfer';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { open } from 'node:fs/promises';
import { DataSource, Repository } from 'typeorm';
import { LabeledListQuery } from '../common/list-query.dto';
import { applyNamedListQuery, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import { assertNameFree } from '../common/unique-name';
import type { TaskStartedResponse } from '../repositories/dto/repository.dto';
import type {
  CreateImporterRequest,
  CreateImportRequest,
  ImporterResponse,
  PatchedImporterRequest,
} from './dto/importer.dto';

const ORDERING = { name: 'i.name', pulp_created: 'i.createdAt', pulp_last_updated: 'i.updatedAt' };

/** Importers and their imports: the API checks the TOC's place and shape, the task checks every byte. */
@Injectable()
export class ImportersService {
  private readonly importers: Repository<ImporterEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.importers = dataSource.getRepository(ImporterEntity);
  }

  async list(query: LabeledListQuery, req: Request): Promise<Page<ImporterResponse>> {
    const qb = this.importers.createQueryBuilder('i');
    applyNamedListQuery(qb, query, 'importer', ORDERING);
    return paginate(qb, query, req, (rows) => rows.map(toImporterResponse));
  }

  async get(id: string): Promise<ImporterResponse> {
    return toImporterResponse(await this.find(id));
  }

  async create(body: CreateImporterRequest): Promise<ImporterResponse> {
    await assertNameFree(this.importers, body.name, 'importer');
    const importer = this.importers.create({ repoMapping: {}, pulpLabels: {} });
    await this.apply(importer, body);
    return toImporterResponse(await this.importers.save(importer));
  }

  async update(id: string, body: PatchedImporterRequest): Promise<ImporterResponse> {
    const importer = await this.find(id);
    if (body.name !== undefined && body.name !== importer.name)
      await assertNameFree(this.importers, body.name, 'importer');
    await this.apply(importer, body);
    return toImporterResponse(await this.importers.save(importer));
  }

  async delete(id: string): Promise<void> {
    await this.importers.delete({ id: (await this.find(id)).id });
  }

  /** Reads the TOC now, so a wrong path, a broken TOC or an unmapped repository is a 400, not a failed task. */
  async startImport(id: string, body: CreateImportRequest): Promise<TaskStartedResponse> {
    const importer = await this.find(id);
    let text: string;
    let tocPath: string;
    try {
      tocPath = await resolveAllowedPath(body.toc, this.config.allowedImportPaths, 'ALLOWED_IMPORT_PATHS');
      text = await readSmallFile(tocPath);
    } catch (error) {
      if (error instanceof PathNotAllowedError) throw FieldErrors.of('toc', error.message);
      throw FieldErrors.of('toc', `cannot read ${JSON.stringify(body.toc)}: ${(error as Error).message}`);
    }
    let toc;
    try {
      toc = parseExportToc(text);
    } catch (error) {
      if (error instanceof TocFormatError) throw FieldErrors.of('toc', `not an export TOC: ${error.message}`);
      throw error;
    }
    const repositories: Record<string, string> = {};
    const unknown: string[] = [];
    for (const exported of toc.content.repositories) {
      const local = await this.dataSource
        .getRepository(RepositoryEntity)
        .findOne({ where: { id: importer.repoMapping[exported.name] ?? '00000000-0000-0000-0000-000000000000' } });
      const byName =
        local ?? (await this.dataSource.getRepository(RepositoryEntity).findOne({ where: { name: exported.name } }));
      if (byName) repositories[exported.name] = byName.id;
      else unknown.push(exported.name);
    }
    if (unknown.length)
      throw FieldErrors.of(
        'toc',
        `no local repository for ${unknown.map((n) => JSON.stringify(n)).join(', ')}: add it to the importer's repo_mapping or create a repository of that name`,
      );
    const task = await this.dispatcher.dispatch('import', { importerId: id, tocPath, repositories });
    return { task: hrefs.task(task.id) };
  }

  private async find(id: string): Promise<ImporterEntity> {
    const importer = await this.importers.findOne({ where: { id } });
    if (!importer) throw new NotFoundException('no importer with this id');
    return importer;
  }

  private async apply(importer: ImporterEntity, body: PatchedImporterRequest): Promise<void> {
    if (body.name !== undefined) importer.name = body.name;
    if (body.repo_mapping !== undefined) {
      const mapping: Record<string, string> = {};
      const repositories = this.dataSource.getRepository(RepositoryEntity);
      for (const [name, reference] of Object.entries(body.repo_mapping)) {
        const field = `repo_mapping.${name}`;
        if (typeof reference !== 'string' || name.length === 0 || name.length > 255)
          throw FieldErrors.of(field, 'map an exported repository name to a local repository href, prn or name');
        const byReference = parseReference('repository', reference);
        const found = byReference
          ? await repositories.findOne({ where: { id: byReference } })
          : await repositories.findOne({ where: { name: reference } });
        if (!found)
          throw FieldErrors.of(
            field,
            `no repository at ${JSON.stringify(reference)} (give its pulp_href, prn or name)`,
          );
        mapping[name] = found.id;
      }
      importer.repoMapping = mapping;
    }
    if (body.pulp_labels !== undefined) importer.pulpLabels = body.pulp_labels;
  }
}

async function readSmallFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_TOC_BYTES) throw new Error(`${info.size} bytes is more than a TOC may be`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function toImporterResponse(row: ImporterEntity): ImporterResponse {
  return {
    pulp_href: hrefs.importer(row.id),
    prn: prnOf('importer', row.id),
    pulp_created: row.createdAt.toISOString(),
    pulp_last_updated: row.updatedAt.toISOString(),
    name: row.name,
    repo_mapping: Object.fromEntries(Object.entries(row.repoMapping).map(([name, id]) => [name, hrefs.repository(id)])),
    pulp_labels: row.pulpLabels,
  };
}
