import { API_ROOT, hrefs } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import type { PurgeTasksArgs } from '@app/queue';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FieldErrors } from '../common/problem';
import { TaskStartedResponse } from '../repositories/dto/repository.dto';
import { PURGE_DEFAULT_DAYS, PurgeTasksRequest } from './dto/purge.dto';

@ApiTags('Tasks')
@Controller(`${API_ROOT}/tasks`)
export class TasksPurgeController {
  constructor(private readonly dispatcher: TaskDispatcher) {}

  @Post('purge')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'tasks_purge',
    summary: 'Delete the records of tasks that finished before a time, in the given final states',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  async purge(@Body() body: PurgeTasksRequest): Promise<TaskStartedResponse> {
    // The default is computed per request (Pulp computes it once, when its server starts).
    const finishedBefore = body.finished_before
      ? new Date(body.finished_before)
      : new Date(Date.now() - PURGE_DEFAULT_DAYS * 86_400_000);
    if (Number.isNaN(finishedBefore.getTime())) {
      throw FieldErrors.of('finished_before', 'finished_before must be an ISO 8601 date or date-time');
    }
    const args: PurgeTasksArgs = {
      finishedBefore: finishedBefore.toISOString(),
      states: [...new Set(body.states ?? ['completed'])],
    };
    const task = await this.dispatcher.dispatch('purge-tasks', args);
    return { task: hrefs.task(task.id) };
  }
}
