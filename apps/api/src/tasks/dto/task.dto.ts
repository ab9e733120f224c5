import { TASK_STATES, TaskState } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQuery } from '../../common/list-query.dto';
import { PrnProperty } from '../../common/pulp-properties';

export class TaskListQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Filter by state.', enum: TASK_STATES, enumName: 'TaskStateEnum' })
  @IsOptional()
  @IsIn(TASK_STATES)
  state?: TaskState;

  @ApiPropertyOptional({ description: 'Filter by any of these comma-separated states.' })
  @IsOptional()
  @Matches(new RegExp(`^(${TASK_STATES.join('|')})(,(${TASK_STATES.join('|')}))*$`), {
    message: `state__in must be comma-separated states from ${TASK_STATES.join(', ')}`,
  })
  state__in?: string;

  @ApiPropertyOptional({ description: 'Filter by task name.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ description: 'Filter by task name containing this text.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name__contains?: string;

  @ApiPropertyOptional({ description: 'Tasks that reserve this resource (href or prn), exclusively or shared.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  reserved_resources?: string;

  @ApiPropertyOptional({ description: 'Tasks that created this resource (href or prn).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  created_resources?: string;
}

/** Pulp's name for the body of a task cancel (`PATCH {task_href}`). */
export class PatchedTaskCancel {
  @ApiProperty({ description: 'Only `canceled` is accepted.', enum: ['canceled'], enumName: 'TaskCancelStateEnum' })
  @IsIn(['canceled'], { message: 'state can only be set to canceled' })
  state: 'canceled';
}

export class ProgressReportResponse {
  @ApiProperty({ description: 'What is being counted.' }) message: string;
  @ApiProperty({ description: 'Stable machine-readable code, e.g. `sync.downloading.bytes`.' }) code: string;
  @ApiProperty({ description: 'State of this step.' }) state: string;
  @ApiProperty({
    description: 'How many there are in all, when known (bytes for byte counts).',
    type: 'integer',
    format: 'int64',
    nullable: true,
  })
  total: number | null;
  @ApiProperty({ description: 'How many are done.', type: 'integer', format: 'int64' }) done: number;
  @ApiProperty({ description: 'Extra detail.', type: String, nullable: true }) suffix: string | null;
}

export class TaskErrorResponse {
  @ApiProperty({ description: 'What failed, in words a user can act on.' }) description: string;
}

export class TaskResponse {
  @ApiProperty({ description: 'This task.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'What the task does.' }) name: string;
  @ApiProperty({ description: 'State.', enum: TASK_STATES, enumName: 'TaskStateEnum' }) state: TaskState;
  @ApiProperty({
    description: 'Correlation id of the request that started it; appears in every log line of the task.',
    type: String,
    nullable: true,
  })
  logging_cid: string | null;
  @ApiProperty({ description: 'When a worker started it.', type: String, format: 'date-time', nullable: true })
  started_at: string | null;
  @ApiProperty({ description: 'When it ended.', type: String, format: 'date-time', nullable: true })
  finished_at: string | null;
  @ApiProperty({ description: 'The worker running or having run it.', type: String, nullable: true }) worker:
    string | null;
  @ApiProperty({ description: 'Progress, one report per counted step.', type: [ProgressReportResponse] })
  progress_reports: ProgressReportResponse[];
  @ApiProperty({ description: 'Hrefs of what it created (e.g. a repository version).', type: [String] })
  created_resources: string[];
  @ApiProperty({ description: 'Hrefs it holds; `shared:` ones may be held by other tasks too.', type: [String] })
  reserved_resources: string[];
  @ApiProperty({ description: 'Why it failed.', type: TaskErrorResponse, nullable: true })
  error: TaskErrorResponse | null;
}
