import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreateRemoteRequest, RemoteResponse, UpdateRemoteRequest } from './dto/remote.dto';
import { RemotesService } from './remotes.service';

@ApiTags('Remotes: Netboot OCI')
@Controller(`${API_ROOT}/remotes/netboot/oci`)
export class RemotesController {
  constructor(private readonly remotes: RemotesService) {}

  @Get()
  @ApiOperation({ operationId: 'remotes_list', summary: 'List remotes' })
  @ApiResponse({ status: 200, type: Paginated(RemoteResponse) })
  list(@Query() query: NamedListQuery, @Req() req: Request): Promise<Page<RemoteResponse>> {
    return this.remotes.list(query, req);
  }

  @Post()
  @ApiOperation({ operationId: 'remotes_create', summary: 'Create a remote' })
  @ApiResponse({ status: 201, type: RemoteResponse })
  create(@Body() body: CreateRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.create(body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'remotes_read', summary: 'Inspect a remote' })
  @ApiResponse({ status: 200, type: RemoteResponse })
  read(@Param('id') id: string): Promise<RemoteResponse> {
    return this.remotes.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'remotes_partial_update', summary: 'Change some fields of a remote' })
  @ApiResponse({ status: 200, type: RemoteResponse })
  partialUpdate(@Param('id') id: string, @Body() body: UpdateRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ operationId: 'remotes_update', summary: 'Replace a remote' })
  @ApiResponse({ status: 200, type: RemoteResponse })
  update(@Param('id') id: string, @Body() body: CreateRemoteRequest): Promise<RemoteResponse> {
    return this.remotes.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'remotes_delete', summary: 'Delete a remote' })
  @ApiResponse({ status: 204 })
  delete(@Param('id') id: string): Promise<void> {
    return this.remotes.delete(id);
  }
}
