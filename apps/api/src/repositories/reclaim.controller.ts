import { API_ROOT, hrefs, parseHref, parseVersionHref, TaskDispatcher } from '@app/core';
import { RepositoryEntity, RepositoryVersionEntity } from '@app/domain';
import type { ReclaimArgs } from '@app/queue';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString } from 'class-validator';
import { DataSource, In } from 'typeorm';
import { FieldErrors } from '../common/problem';
import { TaskStartedResponse } from './dto/repository.dto';

export class ReclaimRequest {
  @ApiProperty({ description: 'Repositories whose files become on-demand again (hrefs).', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  repo_hrefs: string[];

  @ApiPropertyOptional({
    description: 'Versions of those repositories whose files stay on disk (hrefs).',
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
    operationId: 'repositories_reclaim_space',
    summary: 'Delete the files of repositories and fetch them on demand again when asked for',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  async reclaim(@Body() body: ReclaimRequest): Promise<TaskStartedResponse> {
    const repositoryIds = body.repo_hrefs.map((href) => parseHref('repository', href));
    const found = await this.dataSource
      .getRepository(RepositoryEntity)
      .count({ where: { id: In(repositoryIds.filter((id): id is string => id !== null)) } });
    if (repositoryIds.includes(null) || found !== new Set(repositoryIds).size) {
      throw FieldErrors.of('repo_hrefs', 'every entry must be the href of an existing repository');
    }
    const keepVersionIds: string[] = [];
    for (const href of body.repo_versions_keep ?? []) {
      const parsed = parseVersionHref(href);
      const version = parsed
        ? await this.dataSource
            .getRepository(RepositoryVersionEntity)
            .findOne({ where: { repositoryId: parsed.repositoryId, number: parsed.number } })
        : null;
      if (!version) throw FieldErrors.of('repo_versions_keep', `no repository version at ${JSON.stringify(href)}`);
      keepVersionIds.push(version.id);
    }
    const args: ReclaimArgs = { repositoryIds: repositoryIds as string[], keepVersionIds };
    const task = await this.dispatcher.dispatch('reclaim', args, (repositoryIds as string[]).map(hrefs.repository));
    return { task: hrefs.task(task.id) };
  }
}
