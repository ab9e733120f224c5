import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { ListQuery } from '../../common/list-query.dto';
import { PrnProperty } from '../../common/pulp-properties';

export class ContentCount {
  @ApiProperty({ description: 'How many units of this type.', type: 'integer' }) count: number;
  @ApiProperty({ description: 'The content list filtered to these units.' }) href: string;
}

const SUMMARY_MAP = { type: 'object', additionalProperties: { $ref: '#/components/schemas/ContentCount' } } as const;

export class ContentSummary {
  @ApiProperty({
    description:
      'Units added by this version, per content type (`netboot.blob`, `netboot.manifest`, `netboot.tag`); `netboot.manifest.verified` counts the manifests among them whose signature is verified.',
    ...SUMMARY_MAP,
  })
  added: Record<string, ContentCount>;
  @ApiProperty({ description: 'Units removed by this version, per content type.', ...SUMMARY_MAP })
  removed: Record<string, ContentCount>;
  @ApiProperty({ description: 'Units present in this version, per content type.', ...SUMMARY_MAP })
  present: Record<string, ContentCount>;
}

export class RepositoryVersionResponse {
  @ApiProperty({ description: 'This version.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Version number, counting from 0.', type: 'integer' }) number: number;
  @ApiProperty({ description: 'The repository.' }) repository: string;
  @ApiProperty({
    description:
      "The version this one was made from: this repository's previous one, or the version given as `base_version` " +
      "to modify (another repository's when a version was promoted); null once that version is deleted.",
    type: String,
    nullable: true,
  })
  base_version: string | null;
  @ApiProperty({ description: 'What changed and what is present.', type: ContentSummary })
  content_summary: ContentSummary;
}

export class VersionListQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Filter by exact version number.', type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  number?: number;

  @ApiPropertyOptional({ description: 'Versions numbered at least this.', type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  number__gte?: number;

  @ApiPropertyOptional({ description: 'Versions numbered at most this.', type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  number__lte?: number;
}
