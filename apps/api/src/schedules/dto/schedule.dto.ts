import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PrnProperty } from '../../common/pulp-properties';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PatchedType } from '../../openapi/patched-type';

export class CreateScheduleRequest {
  @ApiProperty({ description: 'A unique name for this schedule.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ description: 'The repository to sync (href or prn).' })
  @IsString()
  @MaxLength(512)
  repository: string;

  @ApiPropertyOptional({
    description: "Remote to sync from (href or prn); null uses the repository's remote at run time.",
    type: String,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(512)
  remote?: string | null;

  @ApiPropertyOptional({ description: 'Sync in mirror mode.', default: false })
  @IsOptional()
  @IsBoolean()
  mirror?: boolean;

  @ApiProperty({
    description: 'Five-field cron expression (minute hour day month weekday), e.g. `0 3 * * *`.',
    example: '0 3 * * *',
  })
  @IsString()
  @MaxLength(128)
  cron: string;

  @ApiPropertyOptional({
    description: 'IANA time zone the cron expression is read in.',
    default: 'UTC',
    example: 'Europe/Prague',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ description: 'Whether the schedule fires.', default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class PatchedScheduleRequest extends PatchedType(CreateScheduleRequest) {}

export class ScheduleResponse {
  @ApiProperty({ description: 'This schedule.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({ description: 'The repository it syncs.' }) repository: string;
  @ApiProperty({ description: "The remote it syncs from (null: the repository's).", type: String, nullable: true })
  remote: string | null;
  @ApiProperty({ description: 'Mirror mode.' }) mirror: boolean;
  @ApiProperty({ description: 'Cron expression.' }) cron: string;
  @ApiProperty({ description: 'Time zone of the cron expression.' }) timezone: string;
  @ApiProperty({ description: 'Whether it fires.' }) enabled: boolean;
  @ApiProperty({
    description: 'When it fires next (null when disabled).',
    type: String,
    format: 'date-time',
    nullable: true,
  })
  next_run_at: string | null;
  @ApiProperty({ description: 'The task it started last.', type: String, nullable: true }) last_task: string | null;
}
