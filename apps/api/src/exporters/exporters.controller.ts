import { IdParam } from '../common/id-param';
import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery, LabeledListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { ApiConflict } from '../openapi/error-responses';
import { CHANGED_AT_ONCE, DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { CreateExporterRequest, ExporterResponse, PatchedExporterRequest } from './dto/exporter.dto';
import { ExportersService } from './exporters.service';

@ApiTags('Exporters: Pulp')
@Controller(`${API_ROOT}/exporters/netboot/pulp`)
export class ExportersController {
  constructor(private readonly exporters: ExportersService) {}

  @Get()
  @ApiOperation({ summary: 'List exporters' })
  @ApiResponse({ status: 200, type: Paginated(ExporterResponse) })
  list(@Query() query: LabeledListQuery, @Req() req: Request): Promise<Page<ExporterResponse>> {
    return this.exporters.list(query, req);
  }

  @Post()
  @ApiOperation({ summary: 'Create an exporter' })
  @ApiConflict('an exporter with this name exists')
  @ApiResponse({ status: 201, type: ExporterResponse })
  create(@Body() body: CreateExporterRequest): Promise<ExporterResponse> {
    return this.exporters.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect an exporter' })
  @ApiResponse({ status: 200, type: ExporterResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<ExporterResponse> {
    return this.exporters.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of an exporter', description: CHANGED_AT_ONCE })
  @ApiConflict('an exporter with this name exists')
  @ApiResponse({ status: 200, type: ExporterResponse })
  partialUpdate(@IdParam() id: string, @Body() body: PatchedExporterRequest): Promise<ExporterResponse> {
    return this.exporters.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an exporter', description: CHANGED_AT_ONCE })
  @ApiConflict('an exporter with this name exists')
  @ApiResponse({ status: 200, type: ExporterResponse })
  update(@IdParam() id: string, @Body() body: CreateExporterRequest): Promise<ExporterResponse> {
    return this.exporters.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an exporter and its export records (the files stay)', description: DELETED_AT_ONCE })
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.exporters.delete(id);
  }
}
