import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PrnProperty } from '../../common/pulp-properties';

export class CreateExportRequest {
  @ApiProperty({
    description:
      "Repository versions to export (hrefs or prns), at most one per repository, of the exporter's repositories.",
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  versions: string[];

  @ApiPropertyOptional({
    description:
      'Incremental export: per repository, the version the receiving site already has; what it holds is left out of the tar. ' +
      'The importing site must have imported that version (or an export of it) before.',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  start_versions?: string[];

  @ApiPropertyOptional({
    description:
      'Cut the tar into files of at most this size (`4GB`, `512MB`; B, KB, MB, GB, TB with binary multiples); one file when absent.',
    example: '4GB',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\s*\d+(\.\d+)?\s*[KMGTkmgt]?(i?[Bb])?\s*$/, { message: 'chunk_size must be a size such as 4GB or 512MB' })
  chunk_size?: string;
}

export class ExportParams {
  @ApiProperty({ description: 'The exported versions.', type: [String] }) versions: string[];
  @ApiProperty({ description: 'The start versions of an incremental export.', type: [String] })
  start_versions: string[];
  @ApiProperty({
    description: 'Bytes per chunk, or null for one file.',
    type: 'integer',
    format: 'int64',
    nullable: true,
  })
  chunk_size: number | null;
}

export class TocInfo {
  @ApiProperty({ description: 'Absolute path of the TOC file.' }) file: string;
  @ApiProperty({ description: "Hex sha256 of the TOC file's bytes." }) sha256: string;
}

export class ExportResponse {
  @ApiProperty({ description: 'This export.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was started.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'The task writing it.', type: String, nullable: true }) task: string | null;
  @ApiProperty({ description: 'The repository versions it holds.', type: [String] }) exported_resources: string[];
  @ApiProperty({ description: 'What was asked.', type: ExportParams }) params: ExportParams;
  @ApiProperty({
    description: 'Absolute path → hex sha256 of every tar file (chunk) written; empty until the task completes.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  output_file_info: Record<string, string>;
  @ApiProperty({ description: 'The TOC file, once written.', type: TocInfo, nullable: true }) toc_info: TocInfo | null;
  @ApiProperty({
    description: 'The table of contents (files with size and sha256, and what the export holds), once written.',
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  toc: Record<string, unknown> | null;
}
