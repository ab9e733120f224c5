import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { API_ROOT } from '@app/core';
import { ModifyRequest } from './dto/modify.dto';
import { TaskStartedResponse } from './dto/repository.dto';
import { ModifyService } from './modify.service';

@ApiTags('Repositories: Netboot OCI')
@Controller(`${API_ROOT}/repositories/netboot/oci`)
export class ModifyController {
  constructor(private readonly modifier: ModifyService) {}

  @Post(':id/modify')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Add and remove content units, optionally starting from another version: one new version',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  modify(@IdParam() id: string, @Body() body: ModifyRequest): Promise<TaskStartedResponse> {
    return this.modifier.modify(id, body);
  }
}
