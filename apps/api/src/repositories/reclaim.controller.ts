import { API_ROOT } from '@app/core';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReclaimRequest } from './dto/reclaim.dto';
import { TaskStartedResponse } from './dto/repository.dto';
import { ReclaimService } from './reclaim.service';

@ApiTags('Repositories: Netboot OCI')
@Controller(`${API_ROOT}/repositories/reclaim_space`)
export class ReclaimController {
  constructor(private readonly reclaimService: ReclaimService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    // Pulp's id for this endpoint; a POST to a collection would otherwise be `…_create`.
    operationId: 'repositories_reclaim_space_reclaim',
    summary: 'Delete the files of repositories and fetch them on demand again when asked for',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  reclaim(@Body() body: ReclaimRequest): Promise<TaskStartedResponse> {
    return this.reclaimService.reclaim(body);
  }
}
