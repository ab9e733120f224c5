import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PrnProperty, PulpLabelsProperty } from '../../common/pulp-properties';
import { PatchedType } from '../../openapi/patched-type';

export class CreateImporterRequest {
  @ApiProperty({ description: 'A unique name for this importer.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({
    description:
      'Exported repository name → local repository (href, prn or name). Exported repositories not listed import into the local repository of the same name.',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { fedora: '/pulp/api/v3/repositories/netboot/oci/0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11/' },
  })
  @IsOptional()
  @IsObject()
  repo_mapping?: Record<string, string>;

  @PulpLabelsProperty()
  pulp_labels?: Record<string, string>;
}

export class PatchedImporterRequest extends PatchedType(CreateImporterRequest) {}

export class ImporterResponse {
  @ApiProperty({ description: 'This importer.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({
    description: 'Exported repository name → local repository href.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  repo_mapping: Record<string, string>;
  @PulpLabelsProperty({ response: true }) pulp_labels: Record<string, string>;
}

export class CreateImportRequest {
  @ApiProperty({
    description: 'Absolute path of the export’s TOC file, under `ALLOWED_IMPORT_PATHS`; the tar files lie beside it.',
    example: '/mnt/usb/export-0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11-20261130T120000Z-toc.json',
    maxLength: 4096,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  toc: string;
}
