import { API_ROOT } from '@app/core';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { StatusResponse } from './status.dto';
import { StatusService } from './status.service';

@ApiTags('Status')
@Controller(`${API_ROOT}/status`)
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Public()
  @ApiOperation({
    // Pulp's id: status is one object, not a list.
    operationId: 'status_read',
    summary: 'Service health: versions, connections, online processes, storage',
  })
  @ApiResponse({ status: 200, type: StatusResponse })
  read(): Promise<StatusResponse> {
    return this.status.status();
  }
}
