import { ContentKind, RepositoryVersionEntity, RepositoryVersionsRepository, VersionSummary } from '@app/domain';
import { ContentInvalidationPublisher, hrefs, TaskDispatcher } from '@app/core';
import type { RepairArgs } from '@app/queue';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { applyOrdering, Page, paginate } from '../common/paginate';
import { TaskGuard } from '../tasks/task-guard';
import { TaskStartedResponse } from './dto/repository.dto';
import { ContentCount, RepositoryVersionResponse, VersionListQuery } from './dto/version.dto';
import { distributionsServing, RepositoriesService } from './repositories.service';

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
    applyOrdering(qb, query.ordering, ORDERING, '-number');
    return paginate(qb, query, req, (rows) => this.present(repositoryId, rows));
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
    const task = await this.dispatcher.dispatch('repair', args, [`shared:${hrefs.repository(repositoryId)}`]);
    return { task: hrefs.task(task.id) };
  }

  private async present(repositoryId: string, rows: RepositoryVersionEntity[]): Promise<RepositoryVersionResponse[]> {
    const summaries = await this.versions.summaries(
      repositoryId,
      rows.map((v) => v.number),
    );
    return rows.map((version) => {
      const href = hrefs.version(repositoryId, version.number);
      return {
        pulp_href: href,
        pulp_created: version.createdAt.toISOString(),
        pulp_last_updated: version.updatedAt.toISOString(),
        number: version.number,
        repository: hrefs.repository(repositoryId),
        base_version:
          version.baseVersionNumber === null ? null : hrefs.version(repositoryId, version.baseVersionNumber),
        content_summary: toContentSummary(href, summaries.get(version.number)!),
      };
    });
  }
}

const FILTERS = {
  added: 'repository_version_added',
  removed: 'repository_version_removed',
  present: 'repository_version',
};

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
