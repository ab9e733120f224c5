import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Query, Req } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { PatchedTaskCancel, TaskListQuery, TaskResponse } from './dto/task.dto';
import { TasksService } from './tasks.service';
import { ApiConflict } from '../openapi/error-responses';

@ApiTags('Tasks')
@Controller(`${API_ROOT}/tasks`)
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: 'List tasks, newest first' })
  @ApiResponse({ status: 200, type: Paginated(TaskResponse) })
  list(@Query() query: TaskListQuery, @Req() req: Request): Promise<Page<TaskResponse>> {
    return this.tasks.list(query, req);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a task' })
  @ApiResponse({ status: 200, type: TaskResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<TaskResponse> {
    return this.tasks.get(id);
  }

  @Patch(':id')
  // Pulp's id: the only change a PATCH can make to a task is cancelling it.
  @ApiOperation({ operationId: 'tasks_cancel', summary: 'Cancel a task' })
  @ApiConflict('the task has already ended')
  @ApiResponse({ status: 200, type: TaskResponse })
  cancel(@IdParam() id: string, @Body() _body: PatchedTaskCancel): Promise<TaskResponse> {
    return this.tasks.cancel(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a finished task' })
  @ApiConflict('the task has not ended yet')
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.tasks.delete(id);
  }
}
