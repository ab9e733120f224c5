import { IdParam, ObjectIdPipe } from '../common/id-param';
import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery, ListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { TaskStartedResponse } from '../repositories/dto/repository.dto';
import { CreateExportRequest, ExportResponse } from './dto/export.dto';
import { ExportersService } from './exporters.service';

@ApiTags('Exporters: Pulp Exports')
@Controller(`${API_ROOT}/exporters/netboot/pulp/:id/exports`)
export class ExportsController {
  constructor(private readonly exporters: ExportersService) {}

  @Get()
  @ApiOperation({ summary: "List an exporter's exports, newest first" })
  @ApiResponse({ status: 200, type: Paginated(ExportResponse) })
  list(@IdParam() id: string, @Query() query: ListQuery, @Req() req: Request): Promise<Page<ExportResponse>> {
    return this.exporters.listExports(id, query, req);
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'exporters_netboot_pulp_exports_create',
    summary: 'Export repository versions',
    description:
      "Starts a task writing a tar (chunked when `chunk_size` is given) and its TOC into the exporter's path. " +
      'With `start_versions`, only what those versions did not hold is written (incremental).',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  create(@IdParam() id: string, @Body() body: CreateExportRequest): Promise<TaskStartedResponse> {
    return this.exporters.startExport(id, body);
  }

  @Get(':export_id')
  @ApiOperation({ summary: 'Inspect an export: its files, checksums and TOC' })
  @ApiResponse({ status: 200, type: ExportResponse })
  read(
    @IdParam() id: string,
    @Param('export_id', ObjectIdPipe) exportId: string,
    @Query() _query: FieldsQuery,
  ): Promise<ExportResponse> {
    return this.exporters.getExport(id, exportId);
  }

  @Delete(':export_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an export record (the files stay)', description: DELETED_AT_ONCE })
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string, @Param('export_id', ObjectIdPipe) exportId: string): Promise<void> {
    return this.exporters.deleteExport(id, exportId);
  }
}
