import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Page, Paginated } from '../common/paginate';
import { CancelTaskRequest, TaskListQuery, TaskResponse } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('Tasks')
@Controller(`${API_ROOT}/tasks`)
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ operationId: 'tasks_list', summary: 'List tasks, newest first' })
  @ApiResponse({ status: 200, type: Paginated(TaskResponse) })
  list(@Query() query: TaskListQuery, @Req() req: Request): Promise<Page<TaskResponse>> {
    return this.tasks.list(query, req);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'tasks_read', summary: 'Inspect a task' })
  @ApiResponse({ status: 200, type: TaskResponse })
  read(@Param('id') id: string): Promise<TaskResponse> {
    return this.tasks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'tasks_cancel', summary: 'Cancel a task' })
  @ApiResponse({ status: 200, type: TaskResponse })
  cancel(@Param('id') id: string, @Body() _body: CancelTaskRequest): Promise<TaskResponse> {
    return this.tasks.cancel(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'tasks_delete', summary: 'Delete a finished task' })
  @ApiResponse({ status: 204 })
  delete(@Param('id') id: string): Promise<void> {
    return this.tasks.delete(id);
  }
}
