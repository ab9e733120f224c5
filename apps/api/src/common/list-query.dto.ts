import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Katello pages with its bulk load size (2000 by default); Pulp itself has no ceiling. */
export const MAX_LIMIT = 5000;

/**
 * Pulp's `__in` and field-list parameters take comma-separated values and may be repeated
 * (`fields=a,b&fields=c`); both spellings become one array here.
 */
export const splitList = ({ value }: { value: unknown }): unknown => {
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every((part) => typeof part === 'string')) return value;
  return (parts as string[]).flatMap((part) => part.split(',')).filter((part) => part !== '');
};

/** A comma-separated list query parameter, declared as Pulp declares it (an array of strings). */
function ListParam(description: string, maxItems: number, maxLength: number): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ description, type: [String] })(target, key);
    IsOptional()(target, key);
    Transform(splitList)(target, key);
    IsString({ each: true })(target, key);
    ArrayMaxSize(maxItems)(target, key);
    MaxLength(maxLength, { each: true })(target, key);
  };
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * `fields` / `exclude_fields`, accepted by every list and read endpoint (the response is trimmed centrally
 * by FieldsInterceptor). Dotted paths reach into nested objects (`content_summary.added`).
 */
export class FieldsQuery {
  @ListParam(
    'A list of fields to include in the response (comma-separated or repeated; `a.b` selects inside a nested object). Unknown names are ignored, as in Pulp.',
    100,
    255,
  )
  @Matches(FIELD_PATH, { each: true, message: 'fields must be field names, dotted for nested fields' })
  fields?: string[];

  @ListParam(
    'A list of fields to exclude from the response (comma-separated or repeated; `a.b` removes a nested field).',
    100,
    255,
  )
  @Matches(FIELD_PATH, { each: true, message: 'exclude_fields must be field names, dotted for nested fields' })
  exclude_fields?: string[];
}

export class ListQuery extends FieldsQuery {
  @ApiPropertyOptional({
    description: `Number of results to return per page (at most ${MAX_LIMIT}).`,
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
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

  @ListParam('Only these objects (hrefs or prns); multiple values may be separated by commas.', MAX_LIMIT, 512)
  pulp_href__in?: string[];

  @ListParam('Only these objects (prns); multiple values may be separated by commas.', MAX_LIMIT, 512)
  prn__in?: string[];
}

export class NamedListQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Filter by exact name.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ListParam('Filter results where name is in a comma-separated list of values.', MAX_LIMIT, 255)
  name__in?: string[];

  @ApiPropertyOptional({ description: 'Filter by name starting with this text.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name__startswith?: string;

  @ApiPropertyOptional({ description: 'Filter by name containing this text (case-sensitive).' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name__contains?: string;

  @ApiPropertyOptional({ description: 'Filter by name containing this text, case-insensitively.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name__icontains?: string;
}

/** Lists of objects that carry `pulp_labels` (remotes, repositories, distributions). */
export class LabeledListQuery extends NamedListQuery {
  @ApiPropertyOptional({
    description:
      'Filter by labels: comma-separated terms, all of which must hold: `key=value`, `key!=value`, `key` (has the label), `!key` (lacks it), `key~text` (value contains text, case-insensitively). Write a comma inside a value as `\\,`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  pulp_label_select?: string;
}
