import { IdParam } from '../common/id-param';
import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery, LabeledListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { ApiConflict } from '../openapi/error-responses';
import { CHANGED_AT_ONCE, DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { TaskStartedResponse } from '../repositories/dto/repository.dto';
import {
  CreateImporterRequest,
  CreateImportRequest,
  ImporterResponse,
  PatchedImporterRequest,
} from './dto/importer.dto';
import { ImportersService } from './importers.service';

@ApiTags('Importers: Pulp')
@Controller(`${API_ROOT}/importers/netboot/pulp`)
export class ImportersController {
  constructor(private readonly importers: ImportersService) {}

  @Get()
  @ApiOperation({ summary: 'List importers' })
  @ApiResponse({ status: 200, type: Paginated(ImporterResponse) })
  list(@Query() query: LabeledListQuery, @Req() req: Request): Promise<Page<ImporterResponse>> {
    return this.importers.list(query, req);
  }

  @Post()
  @ApiOperation({ summary: 'Create an importer' })
  @ApiConflict('an importer with this name exists')
  @ApiResponse({ status: 201, type: ImporterResponse })
  create(@Body() body: CreateImporterRequest): Promise<ImporterResponse> {
    return this.importers.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect an importer' })
  @ApiResponse({ status: 200, type: ImporterResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<ImporterResponse> {
    return this.importers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of an importer', description: CHANGED_AT_ONCE })
  @ApiConflict('an importer with this name exists')
  @ApiResponse({ status: 200, type: ImporterResponse })
  partialUpdate(@IdParam() id: string, @Body() body: PatchedImporterRequest): Promise<ImporterResponse> {
    return this.importers.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an importer', description: CHANGED_AT_ONCE })
  @ApiConflict('an importer with this name exists')
  @ApiResponse({ status: 200, type: ImporterResponse })
  update(@IdParam() id: string, @Body() body: CreateImporterRequest): Promise<ImporterResponse> {
    return this.importers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an importer', description: DELETED_AT_ONCE })
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.importers.delete(id);
  }

  @Post(':id/imports')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'importers_netboot_pulp_imports_create',
    summary: 'Import an export',
    description:
      'Starts a task that verifies every file the TOC lists (size and sha256) before reading any, stores the blobs ' +
      '(each verified against its digest) and creates one new version per exported repository version; importing ' +
      'the same export again creates nothing.',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  startImport(@IdParam() id: string, @Body() body: CreateImportRequest): Promise<TaskStartedResponse> {
    return this.importers.startImport(id, body);
  }
}
