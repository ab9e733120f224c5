import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, MaxLength, MinLength } from 'class-validator';
import { PrnProperty, PulpLabelsProperty } from '../../common/pulp-properties';
import { PatchedType } from '../../openapi/patched-type';

export class CreateExporterRequest {
  @ApiProperty({ description: 'A unique name for this exporter.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({
    description:
      'Absolute directory the exports are written to; it must lie under one of `ALLOWED_EXPORT_PATHS` (symlinks resolved).',
    example: '/var/lib/bootdepot/exports/site-b',
    maxLength: 4096,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  path: string;

  @ApiProperty({ description: 'Repositories (hrefs or prns) whose versions this exporter may export.', type: [String] })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  repositories: string[];

  @PulpLabelsProperty()
  pulp_labels?: Record<string, string>;
}

export class PatchedExporterRequest extends PatchedType(CreateExporterRequest) {}

export class ExporterResponse {
  @ApiProperty({ description: 'This exporter.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({ description: 'Directory the exports are written to.' }) path: string;
  @ApiProperty({ description: 'Repositories this exporter may export (hrefs).', type: [String] })
  repositories: string[];
  @ApiProperty({ description: 'The most recent export, or null.', type: String, nullable: true })
  last_export: string | null;
  @PulpLabelsProperty({ response: true }) pulp_labels: Record<string, string>;
}
