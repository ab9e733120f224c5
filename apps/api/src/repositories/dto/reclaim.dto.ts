import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString } from 'class-validator';

export class ReclaimRequest {
  @ApiProperty({ description: 'Repositories whose files become on-demand again (hrefs or prns).', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  repo_hrefs: string[];

  @ApiPropertyOptional({
    description: 'Versions of those repositories whose files stay on disk (hrefs or prns).',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  repo_versions_keep?: string[];
}
