import { ContentInvalidationPublisher, hrefs, prnOf } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { DistributionEntity, RepositoryEntity, RepositoryVersionsRepository } from '@app/domain';
import { syncArgs } from '@app/queue';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { LabeledListQuery } from '../common/list-query.dto';
import { applyNamedListQuery, Page, paginate } from '../common/paginate';
import { resolveReference } from '../common/references';
import { assertNameFree } from '../common/unique-name';
import { FieldErrors } from '../common/problem';
import { TaskGuard } from '../tasks/task-guard';
import {
  CreateRepositoryRequest,
  RepositoryResponse,
  SyncRequest,
  TaskStartedResponse,
  PatchedRepositoryRequest,
} from './dto/repository.dto';

const ORDERING = { name: 'r.name', pulp_created: 'r.createdAt', pulp_last_updated: 'r.updatedAt' };

@Injectable()
export class RepositoriesService {
  private readonly repositories: Repository<RepositoryEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: RepositoryVersionsRepository,
    private readonly dispatcher: TaskDispatcher,
    private readonly taskGuard: TaskGuard,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {
    this.repositories = dataSource.getRepository(RepositoryEntity);
  }

  async list(query: LabeledListQuery, req: Request): Promise<Page<RepositoryResponse>> {
    const qb = this.repositories.createQueryBuilder('r');
    applyNamedListQuery(qb, query, 'repository', ORDERING);
    return paginate(qb, query, req, (rows) => this.present(rows));
  }

  async get(id: string): Promise<RepositoryResponse> {
    return (await this.present([await this.find(id)]))[0]!;
  }

  async find(id: string): Promise<RepositoryEntity> {
    const repository = await this.repositories.findOne({ where: { id } });
    if (!repository) throw new NotFoundException('no repository with this id');
    return repository;
  }

  async create(body: CreateRepositoryRequest): Promise<RepositoryResponse> {
    await assertNameFree(this.repositories, body.name, 'repository');
    const remoteId = body.remote ? await this.resolveRemote('remote', body.remote) : null;
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = await manager.save(
        manager.create(RepositoryEntity, {
          name: body.name,
          description: body.description ?? null,
          remoteId,
          retainRepoVersions: body.retain_repo_versions ?? null,
          pulpLabels: body.pulp_labels ?? {},
        }),
      );
      await this.versions.createInitialVersion(manager, repository.id);
      return repository;
    });
    return this.get(saved.id);
  }

  async update(id: string, body: PatchedRepositoryRequest): Promise<RepositoryResponse> {
    const repository = await this.find(id);
    if (body.name !== undefined && body.name !== repository.name)
      await assertNameFree(this.repositories, body.name, 'repository');
    if (body.remote !== undefined)
      repository.remoteId = body.remote ? await this.resolveRemote('remote', body.remote) : null;
    if (body.name !== undefined) repository.name = body.name;
    if (body.description !== undefined) repository.description = body.description;
    if (body.retain_repo_versions !== undefined) repository.retainRepoVersions = body.retain_repo_versions;
    if (body.pulp_labels !== undefined) repository.pulpLabels = body.pulp_labels;
    await this.repositories.save(repository);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const repository = await this.find(id);
    await this.taskGuard.assertNoActiveTask(hrefs.repository(id), 'a task working on this repository has not finished');
    const pinnedBy = await this.versions.servingDistributionName(id);
    if (pinnedBy !== null) {
      throw new ConflictException(`distribution ${JSON.stringify(pinnedBy)} serves a version of this repository`);
    }
    await this.dataSource.transaction(async (manager) => {
      await this.versions.deleteAllMembership(manager, id);
      await manager.delete(RepositoryEntity, { id: repository.id });
    });
    await this.invalidation.publish({ reason: 'repository-changed', repositoryId: id });
  }

  async sync(id: string, body: SyncRequest): Promise<TaskStartedResponse> {
    const repository = await this.find(id);
    const remoteId = body.remote !== undefined ? await this.resolveRemote('remote', body.remote) : null;
    const args = syncArgs(repository, remoteId, { mirror: body.mirror });
    if (!args) throw FieldErrors.of('remote', 'the repository has no remote; give one in the request');
    const task = await this.dispatcher.dispatch('sync', args);
    return { task: hrefs.task(task.id) };
  }

  /** The id behind a remote href or prn given in field `field`, or a 400 naming that field. */
  private resolveRemote(field: string, reference: string): Promise<string> {
    return resolveReference(this.dataSource.manager, 'remote', reference, field);
  }

  private async present(rows: RepositoryEntity[]): Promise<RepositoryResponse[]> {
    if (rows.length === 0) return [];
    const latestOf = await this.versions.latestNumbers(rows.map((r) => r.id));
    return rows.map((repository) => ({
      pulp_href: hrefs.repository(repository.id),
      prn: prnOf('repository', repository.id),
      pulp_created: repository.createdAt.toISOString(),
      pulp_last_updated: repository.updatedAt.toISOString(),
      name: repository.name,
      description: repository.description,
      remote: repository.remoteId ? hrefs.remote(repository.remoteId) : null,
      retain_repo_versions: repository.retainRepoVersions,
      pulp_labels: repository.pulpLabels,
      versions_href: hrefs.versions(repository.id),
      latest_version_href: hrefs.version(repository.id, latestOf.get(repository.id) ?? 0),
    }));
  }
}

/** Distributions that serve a repository's latest version or pin one of its versions. */
export async function distributionsServing(dataSource: DataSource, repositoryId: string) {
  return dataSource.getRepository(DistributionEntity).find({
    where: [{ repositoryId }, { repositoryVersion: { repositoryId } }],
    relations: { repositoryVersion: true },
  });
}
