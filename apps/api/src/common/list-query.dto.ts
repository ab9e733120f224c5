import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListQuery {
  @ApiPropertyOptional({
    description: 'Number of results to return per page.',
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The initial index from which to return the results.',
    type: 'integer',
    minimum: 0,
    default: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({
    description: 'Comma-separated fields to order by; a leading `-` reverses (e.g. `-pulp_created,name`).',
  })
  @IsOptional()
  @IsString()
  @Matches(/^-?[a-z_]+(,-?[a-z_]+)*$/, {
    message: 'ordering must be comma-separated field names, each optionally prefixed by -',
  })
  ordering?: string;
}

export class NamedListQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Filter by exact name.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ description: 'Filter by name containing this text, case-insensitively.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name__icontains?: string;
}
