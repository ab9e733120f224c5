import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreateScheduleRequest, ScheduleResponse, UpdateScheduleRequest } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';

@ApiTags('Sync schedules')
@Controller(`${API_ROOT}/sync-schedules`)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({ operationId: 'sync_schedules_list', summary: 'List sync schedules' })
  @ApiResponse({ status: 200, type: Paginated(ScheduleResponse) })
  list(@Query() query: NamedListQuery, @Req() req: Request): Promise<Page<ScheduleResponse>> {
    return this.schedules.list(query, req);
  }

  @Post()
  @ApiOperation({ operationId: 'sync_schedules_create', summary: 'Sync a repository on a cron schedule' })
  @ApiResponse({ status: 201, type: ScheduleResponse })
  create(@Body() body: CreateScheduleRequest): Promise<ScheduleResponse> {
    return this.schedules.create(body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'sync_schedules_read', summary: 'Inspect a sync schedule' })
  @ApiResponse({ status: 200, type: ScheduleResponse })
  read(@Param('id') id: string): Promise<ScheduleResponse> {
    return this.schedules.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'sync_schedules_partial_update', summary: 'Change a sync schedule' })
  @ApiResponse({ status: 200, type: ScheduleResponse })
  update(@Param('id') id: string, @Body() body: UpdateScheduleRequest): Promise<ScheduleResponse> {
    return this.schedules.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'sync_schedules_delete', summary: 'Delete a sync schedule' })
  @ApiResponse({ status: 204 })
  delete(@Param('id') id: string): Promise<void> {
    return this.schedules.delete(id);
  }
}
