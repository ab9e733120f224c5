import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { API_ROOT } from '@app/core';
import { CHANGED_AT_ONCE, DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { FieldsQuery, LabeledListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import {
  CreateRepositoryRequest,
  RepositoryResponse,
  SyncRequest,
  TaskStartedResponse,
  PatchedRepositoryRequest,
} from './dto/repository.dto';
import { ContentCount, RepositoryVersionResponse, VersionListQuery } from './dto/version.dto';
import { RepositoriesService } from './repositories.service';
import { VersionsService } from './versions.service';
import { IdParam } from '../common/id-param';
import { ApiConflict } from '../openapi/error-responses';

/** Version numbers in paths: a non-number is simply a version that does not exist. */
const versionNumber = new ParseIntPipe({ errorHttpStatusCode: 404 });
const VersionNumberParam = () =>
  ApiParam({ name: 'number', type: 'integer', description: 'The version number, counting from 0.' });

@ApiTags('Repositories: Netboot OCI')
@ApiExtraModels(ContentCount)
@Controller(`${API_ROOT}/repositories/netboot/oci`)
export class RepositoriesController {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly versions: VersionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List repositories' })
  @ApiResponse({ status: 200, type: Paginated(RepositoryResponse) })
  list(@Query() query: LabeledListQuery, @Req() req: Request): Promise<Page<RepositoryResponse>> {
    return this.repositories.list(query, req);
  }

  @Post()
  @ApiOperation({ summary: 'Create a repository (with an empty version 0)' })
  @ApiConflict('a repository with this name exists')
  @ApiResponse({ status: 201, type: RepositoryResponse })
  create(@Body() body: CreateRepositoryRequest): Promise<RepositoryResponse> {
    return this.repositories.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a repository' })
  @ApiResponse({ status: 200, type: RepositoryResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<RepositoryResponse> {
    return this.repositories.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a repository', description: CHANGED_AT_ONCE })
  @ApiConflict('a repository with this name exists')
  @ApiResponse({ status: 200, type: RepositoryResponse })
  partialUpdate(@IdParam() id: string, @Body() body: PatchedRepositoryRequest): Promise<RepositoryResponse> {
    return this.repositories.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a repository', description: CHANGED_AT_ONCE })
  @ApiConflict('a repository with this name exists')
  @ApiResponse({ status: 200, type: RepositoryResponse })
  update(@IdParam() id: string, @Body() body: CreateRepositoryRequest): Promise<RepositoryResponse> {
    return this.repositories.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a repository and all its versions', description: DELETED_AT_ONCE })
  @ApiConflict('a task working on the repository has not finished, or a distribution serves one of its versions')
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.repositories.delete(id);
  }

  @Post(':id/sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync from a remote into a new version' })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  sync(@IdParam() id: string, @Body() body: SyncRequest): Promise<TaskStartedResponse> {
    return this.repositories.sync(id, body);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'List the versions of a repository' })
  @ApiResponse({ status: 200, type: Paginated(RepositoryVersionResponse) })
  listVersions(
    @IdParam() id: string,
    @Query() query: VersionListQuery,
    @Req() req: Request,
  ): Promise<Page<RepositoryVersionResponse>> {
    return this.versions.list(id, query, req);
  }

  @Get(':id/versions/:number')
  @ApiOperation({ summary: 'Inspect a repository version' })
  @VersionNumberParam()
  @ApiResponse({ status: 200, type: RepositoryVersionResponse })
  readVersion(
    @IdParam() id: string,
    @Param('number', versionNumber) number: number,
    @Query() _query: FieldsQuery,
  ): Promise<RepositoryVersionResponse> {
    return this.versions.get(id, number);
  }

  @Post(':id/versions/:number/repair')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-verify every stored file of a version and fetch missing or corrupt ones again',
  })
  @VersionNumberParam()
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  repair(@IdParam() id: string, @Param('number', versionNumber) number: number): Promise<TaskStartedResponse> {
    return this.versions.repair(id, number);
  }

  @Delete(':id/versions/:number')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a repository version', description: DELETED_AT_ONCE })
  @ApiConflict(
    'a task working on the repository has not finished, a distribution serves the version, or it is the only one',
  )
  @VersionNumberParam()
  @ApiResponse({ status: 204 })
  deleteVersion(@IdParam() id: string, @Param('number', versionNumber) number: number): Promise<void> {
    return this.versions.delete(id, number);
  }
}
