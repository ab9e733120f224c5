import type { AppConfig } from '@app/config';
import { API_ROOT, APP_CONFIG, hrefs } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import type { OrphanCleanupArgs } from '@app/queue';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TaskStartedResponse } from '../repositories/dto/repository.dto';

export class OrphanCleanupRequest {
  @ApiPropertyOptional({
    description:
      'Minutes an unreferenced unit is kept before it counts as an orphan, so a sync that just recorded it can still use it. ' +
      "Defaults to the server's ORPHAN_PROTECTION_MINUTES (1440 unless set), as for the scheduled cleanup.",
    type: 'integer',
    minimum: 0,
    maximum: 525600,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(525600)
  orphan_protection_time?: number;
}

@ApiTags('Orphans')
@Controller(`${API_ROOT}/orphans`)
export class OrphansController {
  constructor(
    private readonly dispatcher: TaskDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('cleanup')
  @HttpCode(202)
  @ApiOperation({
    // Pulp's id for this endpoint; a POST to a collection would otherwise be `…_create`.
    operationId: 'orphans_cleanup_cleanup',
    summary: 'Remove content and files no repository version references',
  })
  @ApiResponse({ status: 202, type: TaskStartedResponse })
  async cleanup(@Body() body: OrphanCleanupRequest): Promise<TaskStartedResponse> {
    const args: OrphanCleanupArgs = {
      protectionMinutes: body.orphan_protection_time ?? this.config.orphanProtectionMinutes,
    };
    const task = await this.dispatcher.dispatch('orphan-cleanup', args);
    return { task: hrefs.task(task.id) };
  }
}
