import { ContentKind, RepositoryVersionEntity, RepositoryVersionsRepository, VersionSummary } from '@app/domain';
import { ContentInvalidationPublisher, hrefs, parsePrn, parseVersionReference, prnOf } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import type { RepairArgs } from '@app/queue';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { applyOrdering, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import { TaskGuard } from '../tasks/task-guard';
import { TaskStartedResponse } from './dto/repository.dto';
import { ContentCount, RepositoryVersionResponse, VersionListQuery } from './dto/version.dto';
import { distributionsServing, RepositoriesService } from './repositories.service';
import { verifiedCounts, verifiedEntry } from './verified-summary';

const ORDERING = { number: 'v.number', pulp_created: 'v.createdAt' };

@Injectable()
export class VersionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repositories: RepositoriesService,
    private readonly versions: RepositoryVersionsRepository,
    private readonly taskGuard: TaskGuard,
    private readonly dispatcher: TaskDispatcher,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {}

  async list(repositoryId: string, query: VersionListQuery, req: Request): Promise<Page<RepositoryVersionResponse>> {
    await this.repositories.find(repositoryId);
    const qb = this.dataSource
      .getRepository(RepositoryVersionEntity)
      .createQueryBuilder('v')
      .where('v.repositoryId = :repositoryId', { repositoryId });
    if (query.number !== undefined) qb.andWhere('v.number = :number', { number: query.number });
    if (query.number__gte !== undefined) qb.andWhere('v.number >= :gte', { gte: query.number__gte });
    if (query.number__lte !== undefined) qb.andWhere('v.number <= :lte', { lte: query.number__lte });
    this.filterByReferences(qb, repositoryId, query);
    applyOrdering(qb, query.ordering, ORDERING, '-number');
    return paginate(qb, query, req, (rows) => this.present(repositoryId, rows));
  }

  /** `pulp_href__in` (hrefs or prns) and `prn__in`; a version of another repository matches nothing here. */
  private filterByReferences(
    qb: SelectQueryBuilder<RepositoryVersionEntity>,
    repositoryId: string,
    query: VersionListQuery,
  ): void {
    const add = (parameter: 'pulp_href__in' | 'prn__in', values: string[] | undefined) => {
      if (values === undefined) return;
      const ids: string[] = [];
      const numbers: number[] = [];
      for (const value of values) {
        const ref = parameter === 'prn__in' ? (parsePrn('version', value) ?? null) : parseVersionReference(value);
        if (ref === null) {
          throw FieldErrors.of(
            parameter,
            `${JSON.stringify(value)} is not a repository version ${parameter === 'prn__in' ? 'prn' : 'href or prn'}`,
          );
        }
        if (typeof ref === 'string') ids.push(ref);
        else if ('id' in ref) ids.push(ref.id);
        else if (ref.repositoryId === repositoryId) numbers.push(ref.number);
      }
      qb.andWhere(
        new Brackets((or) =>
          or
            .where(`v.id = ANY(CAST(:${parameter}Ids AS uuid[]))`, { [`${parameter}Ids`]: ids })
            .orWhere(`v.number = ANY(CAST(:${parameter}Numbers AS integer[]))`, { [`${parameter}Numbers`]: numbers }),
        ),
      );
    };
    add('pulp_href__in', query.pulp_href__in);
    add('prn__in', query.prn__in);
  }

  async get(repositoryId: string, number: number): Promise<RepositoryVersionResponse> {
    return (await this.present(repositoryId, [await this.find(repositoryId, number)]))[0]!;
  }

  async find(repositoryId: string, number: number): Promise<RepositoryVersionEntity> {
    await this.repositories.find(repositoryId);
    const version = Number.isSafeInteger(number) ? await this.versions.findVersion(repositoryId, number) : null;
    if (!version) throw new NotFoundException(`the repository has no version ${number}`);
    return version;
  }

  async delete(repositoryId: string, number: number): Promise<void> {
    const version = await this.find(repositoryId, number);
    await this.taskGuard.assertNoActiveTask(
      hrefs.repository(repositoryId),
      'a task working on this repository has not finished',
    );
    await this.dataSource.transaction(async (manager) => {
      const latest = await this.versions.findLatestVersion(repositoryId, manager);
      const serving = await distributionsServing(this.dataSource, repositoryId);
      const server = serving.find(
        (d) => d.repositoryVersionId === version.id || (d.repositoryId === repositoryId && latest?.id === version.id),
      );
      if (server) {
        throw new ConflictException(`distribution ${JSON.stringify(server.name)} serves version ${number}`);
      }
      const count = await manager.count(RepositoryVersionEntity, { where: { repositoryId } });
      if (count === 1) throw new ConflictException('a repository keeps at least one version');
      await this.versions.deleteVersion(manager, version);
    });
    await this.invalidation.publish({ reason: 'version-deleted', repositoryId });
  }

  async repair(repositoryId: string, number: number): Promise<TaskStartedResponse> {
    await this.find(repositoryId, number);
    const args: RepairArgs = { repositoryId, versionNumber: number };
    const task = await this.dispatcher.dispatch('repair', args);
    return { task: hrefs.task(task.id) };
  }

  private async present(repositoryId: string, rows: RepositoryVersionEntity[]): Promise<RepositoryVersionResponse[]> {
    const summaries = await this.versions.summaries(
      repositoryId,
      rows.map((v) => v.number),
    );
    const verified = await verifiedCounts(
      this.dataSource,
      repositoryId,
      rows.map((v) => v.number),
    );
    const foreignIds = rows.map((v) => v.baseVersionId).filter((id): id is string => id !== null);
    const foreign = await this.versions.numbersOf(foreignIds);
    const foreignHref = new Map(foreign.map((v) => [v.id, hrefs.version(v.repositoryId, v.number)]));
    const baseOf = (version: RepositoryVersionEntity): string | null =>
      version.baseVersionId !== null
        ? (foreignHref.get(version.baseVersionId) ?? null)
        : version.baseVersionNumber === null
          ? null
          : hrefs.version(repositoryId, version.baseVersionNumber);
    return rows.map((version) => {
      const href = hrefs.version(repositoryId, version.number);
      return {
        pulp_href: href,
        prn: prnOf('version', version.id),
        pulp_created: version.createdAt.toISOString(),
        pulp_last_updated: version.updatedAt.toISOString(),
        number: version.number,
        repository: hrefs.repository(repositoryId),
        base_version: baseOf(version),
        content_summary: withVerified(
          toContentSummary(href, summaries.get(version.number)!),
          href,
          verified.get(version.number),
        ),
      };
    });
  }
}

const FILTERS = {
  added: 'repository_version_added',
  removed: 'repository_version_removed',
  present: 'repository_version',
};

function withVerified(
  summary: ReturnType<typeof toContentSummary>,
  href: string,
  verified: { added: number; present: number } | undefined,
) {
  if (!verified) return summary;
  Object.assign(summary.added, verifiedEntry(verified.added, FILTERS.added, href));
  Object.assign(summary.present, verifiedEntry(verified.present, FILTERS.present, href));
  return summary;
}

function toContentSummary(versionHref: string, summary: VersionSummary) {
  const section = (part: keyof VersionSummary): Record<string, ContentCount> =>
    Object.fromEntries(
      (Object.entries(summary[part]) as [ContentKind, number][]).map(([kind, count]) => [
        `netboot.${kind}`,
        { count, href: `${hrefs.contentList(kind)}?${FILTERS[part]}=${encodeURIComponent(versionHref)}` },
      ]),
    );
  return { added: section('added'), removed: section('removed'), present: section('present') };
}
