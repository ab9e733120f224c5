import { hrefs, parseReference } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { RepositoryEntity } from '@app/domain';
import type { ReclaimArgs } from '@app/queue';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { resolveVersionReference } from '../common/references';
import { FieldErrors } from '../common/problem';
import type { ReclaimRequest } from './dto/reclaim.dto';
import { TaskStartedResponse } from './dto/repository.dto';

/** Pulp's reclaim_space: checks every repository and version named resolves, then dispatches the task. */
@Injectable()
export class ReclaimService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
  ) {}

  async reclaim(body: ReclaimRequest): Promise<TaskStartedResponse> {
    const repositoryIds = body.repo_hrefs.map((reference) => parseReference('repository', reference));
    const found = await this.dataSource
      .getRepository(RepositoryEntity)
      .count({ where: { id: In(repositoryIds.filter((id): id is string => id !== null)) } });
    if (repositoryIds.includes(null) || found !== new Set(repositoryIds).size) {
      throw FieldErrors.of('repo_hrefs', 'every entry must be the href or prn of an existing repository');
    }
    const keepVersionIds: string[] = [];
    for (const reference of body.repo_versions_keep ?? []) {
      keepVersionIds.push((await resolveVersionReference(this.dataSource.manager, reference, 'repo_versions_keep')).id);
    }
    const args: ReclaimArgs = { repositoryIds: repositoryIds as string[], keepVersionIds };
    const task = await this.dispatcher.dispatch('reclaim', args);
    return { task: hrefs.task(task.id) };
  }
}
