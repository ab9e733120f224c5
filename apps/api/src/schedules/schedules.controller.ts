import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery, NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreateScheduleRequest, ScheduleResponse, PatchedScheduleRequest } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';
import { ApiConflict } from '../openapi/error-responses';

@ApiTags('Sync schedules')
@Controller(`${API_ROOT}/sync-schedules`)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({ summary: 'List sync schedules' })
  @ApiResponse({ status: 200, type: Paginated(ScheduleResponse) })
  list(@Query() query: NamedListQuery, @Req() req: Request): Promise<Page<ScheduleResponse>> {
    return this.schedules.list(query, req);
  }

  @Post()
  @ApiOperation({ summary: 'Sync a repository on a cron schedule' })
  @ApiConflict('a sync schedule with this name exists')
  @ApiResponse({ status: 201, type: ScheduleResponse })
  create(@Body() body: CreateScheduleRequest): Promise<ScheduleResponse> {
    return this.schedules.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a sync schedule' })
  @ApiResponse({ status: 200, type: ScheduleResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<ScheduleResponse> {
    return this.schedules.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a sync schedule' })
  @ApiConflict('a sync schedule with this name exists')
  @ApiResponse({ status: 200, type: ScheduleResponse })
  update(@IdParam() id: string, @Body() body: PatchedScheduleRequest): Promise<ScheduleResponse> {
    return this.schedules.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a sync schedule' })
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.schedules.delete(id);
  }
}
