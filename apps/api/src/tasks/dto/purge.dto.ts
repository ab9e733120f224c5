import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsOptional } from 'class-validator';

/** Final states a purge may delete (Pulp also has `skipped`, which no bootdepot task ever reaches). */
export const PURGEABLE_STATES = ['completed', 'failed', 'canceled'] as const;
export type PurgeableState = (typeof PURGEABLE_STATES)[number];

/** Pulp's default: keep thirty days of task history. */
export const PURGE_DEFAULT_DAYS = 30;

export class PurgeTasksRequest {
  @ApiPropertyOptional({
    description:
      'Purge tasks that finished before this time (ISO 8601: `2026-11-01` or `2026-11-01T12:00:00Z`). ' +
      `Defaults to ${PURGE_DEFAULT_DAYS} days ago.`,
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'finished_before must be an ISO 8601 date or date-time' })
  finished_before?: string;

  @ApiPropertyOptional({
    description: 'Task states to purge; only final states. Waiting and running tasks are never purged.',
    enum: PURGEABLE_STATES,
    enumName: 'PurgeableStateEnum',
    isArray: true,
    default: ['completed'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PURGEABLE_STATES.length)
  @IsIn(PURGEABLE_STATES, { each: true, message: `each value in states must be one of ${PURGEABLE_STATES.join(', ')}` })
  states?: PurgeableState[];
}
