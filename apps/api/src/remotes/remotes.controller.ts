import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CHANGED_AT_ONCE, DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { FieldsQuery, LabeledListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreateRemoteRequest, RemoteResponse, PatchedRemoteRequest } from './dto/remote.dto';
import { RemotesService } from './remotes.service';
import { ApiConflict } from '../openapi/error-responses';

@ApiTags('Remotes: Netboot OCI')
@Controller(`${API_ROOT}/remotes/netboot/oci`)
export class RemotesController {
  constructor(private readonly remotes: RemotesService) {}

  @Get()
  @ApiOperation({ summary: 'List remotes' })
  @ApiResponse({ status: 200, type: Paginated(RemoteResponse) })
  list(@Query() query: LabeledListQuery, @Req() req: Request): Promise<Page<RemoteResponse>> {
    return this.remotes.list(query, req);
  }

  @Post()
  @ApiOperation({ summary: 'Create a remote' })
  @ApiConflict('a remote with this name exists')
  @ApiResponse({ status: 201, type: RemoteResponse })
  create(@Body() body: CreateRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a remote' })
  @ApiResponse({ status: 200, type: RemoteResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<RemoteResponse> {
    return this.remotes.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a remote', description: CHANGED_AT_ONCE })
  @ApiConflict('a remote with this name exists')
  @ApiResponse({ status: 200, type: RemoteResponse })
  partialUpdate(@IdParam() id: string, @Body() body: PatchedRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a remote', description: CHANGED_AT_ONCE })
  @ApiConflict('a remote with this name exists')
  @ApiResponse({ status: 200, type: RemoteResponse })
  update(@IdParam() id: string, @Body() body: CreateRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a remote', description: DELETED_AT_ONCE })
  @ApiConflict('a sync using this remote has not finished')
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.remotes.delete(id);
  }
}
