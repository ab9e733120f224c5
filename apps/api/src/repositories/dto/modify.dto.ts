import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** About as many hrefs as the API's 1 MB request body holds; promote whole versions with base_version instead. */
const MAX_UNITS = 10_000;

/** An optional list of content unit references (hrefs or PRNs), bounded in count and length. */
function ContentUnits(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, type: [String], maxItems: MAX_UNITS }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_UNITS),
    IsString({ each: true }),
    MaxLength(512, { each: true }),
  );
}

export class ModifyRequest {
  @ContentUnits(
    'Content units to add, as hrefs (`/pulp/api/v3/content/netboot/tags/<uuid>/`, `…/manifests/…`, `…/blobs/…`) ' +
      'or PRNs (`prn:netboot.tag:<uuid>`). Added after `remove_content_units` are removed. A tag brings its ' +
      'manifest, an index its child manifests, a manifest its files and config blob; an added tag replaces a tag ' +
      'of the same name (see `overwrite`).',
  )
  add_content_units?: string[];

  @ContentUnits(
    'Content units to remove (hrefs or PRNs), or `["*"]` for everything the latest version holds. Removed before ' +
      '`add_content_units` are added. A tag goes alone; an index takes its children and a manifest its blobs, ' +
      'except what a unit that stays still references.',
  )
  remove_content_units?: string[];

  @ApiPropertyOptional({
    description:
      'Href or PRN of a repository version (of this or any other repository) whose content is the starting point ' +
      "instead of this repository's latest version: how a version is promoted into another repository.",
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  base_version?: string;

  @ApiPropertyOptional({
    description:
      'true: an added tag replaces a tag of the same name that points at another manifest. false: such a clash is ' +
      'refused (400) and nothing changes.',
    default: true,
  })
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}
