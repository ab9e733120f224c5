import { API_ROOT, hrefs, parseReference, TaskDispatcher } from '@app/core';
import { RepositoryEntity } from '@app/domain';
import type { ReclaimArgs } from '@app/queue';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString } from 'class-validator';
import { DataSource, In } from 'typeorm';
import { resolveVersionReference } from '../common/references';
import { FieldErrors } from '../common/problem';
import { TaskStartedResponse } from './dto/repository.dto';

export class ReclaimRequest {
  @ApiProperty({ description: 'Repositories whose files become on-demand again (hrefs or prns).', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  repo_hrefs: string[];

  @ApiPropertyOptional({
    description: 'Versions of those repositories whose files stay on disk (hrefs or prns).',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  repo_versions_keep?: string[];
}

@ApiTags('Repositories: Netboot OCI')
@Controller(`${API_ROOT}/repositories/reclaim_space`)
export class ReclaimController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    // Pulp's id for this endpoint; a POST to a collection would otherwise be `…_create`.
    operationId: 'repositories_reclaim_space_reclaim',
    summary: 'Delete the files of repositories and fetch them on demand again when asked for',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  async reclaim(@Body() body: ReclaimRequest): Promise<TaskStartedResponse> {
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
