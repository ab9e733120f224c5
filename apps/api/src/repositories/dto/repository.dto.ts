import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PrnProperty, PulpLabelsProperty } from '../../common/pulp-properties';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PatchedType } from '../../openapi/patched-type';

export class CreateRepositoryRequest {
  @ApiProperty({ description: 'A unique name for this repository.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ description: 'Free text.', type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'The remote a sync uses when none is given (href or prn).',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(512)
  remote?: string | null;

  @ApiPropertyOptional({
    description:
      'Keep only this many latest versions (versions a distribution serves are always kept); null keeps all.',
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 1_000_000,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  retain_repo_versions?: number | null;

  @PulpLabelsProperty()
  pulp_labels?: Record<string, string>;
}

export class PatchedRepositoryRequest extends PatchedType(CreateRepositoryRequest) {}

export class RepositoryResponse {
  @ApiProperty({ description: 'This repository.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({ description: 'Free text.', type: String, nullable: true }) description: string | null;
  @ApiProperty({ description: 'Default remote for syncs.', type: String, nullable: true }) remote: string | null;
  @ApiProperty({ description: 'How many latest versions to keep.', type: 'integer', nullable: true })
  retain_repo_versions: number | null;
  @PulpLabelsProperty({ response: true }) pulp_labels: Record<string, string>;
  @ApiProperty({ description: "List of this repository's versions." }) versions_href: string;
  @ApiProperty({ description: 'The newest version.' }) latest_version_href: string;
}

export class SyncRequest {
  @ApiPropertyOptional({ description: "The remote to sync from (href or prn); defaults to the repository's remote." })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  remote?: string;

  @ApiPropertyOptional({
    description:
      'true: the new version matches upstream exactly (removes what upstream no longer has); false: only adds.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  mirror?: boolean;
}

export class TaskStartedResponse {
  @ApiProperty({ description: 'Href of the task doing the work; poll it.' })
  task: string;
}
