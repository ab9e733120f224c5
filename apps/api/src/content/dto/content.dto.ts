import { BLOB_STATES, BlobState } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQuery } from '../../common/list-query.dto';
import { PrnProperty } from '../../common/pulp-properties';
import { ManifestSignatureResponse } from './signature.dto';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class ContentListQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Only units present in this repository version (href or prn).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  repository_version?: string;

  @ApiPropertyOptional({ description: 'Only units this repository version added (href or prn).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  repository_version_added?: string;

  @ApiPropertyOptional({ description: 'Only units this repository version removed (href or prn).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  repository_version_removed?: string;
}

export class DigestListQuery extends ContentListQuery {
  @ApiPropertyOptional({ description: 'Filter by digest (`sha256:<hex>`).' })
  @IsOptional()
  @Matches(DIGEST, { message: 'digest must look like sha256:<64 hex digits>' })
  digest?: string;

  @ApiPropertyOptional({ description: 'Filter by media type.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  media_type?: string;
}

export class TagListQuery extends ContentListQuery {
  @ApiPropertyOptional({ description: 'Filter by tag name.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({ description: 'Filter by the digest of the tagged manifest.' })
  @IsOptional()
  @Matches(DIGEST, { message: 'digest must look like sha256:<64 hex digits>' })
  digest?: string;
}

export class BlobResponse {
  @ApiProperty({ description: 'This blob.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was first seen.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'Content digest.' }) digest: string;
  @ApiProperty({ description: 'Size in bytes.', type: 'integer', format: 'int64' }) size: number;
  @ApiProperty({ description: 'Media type from the manifest that lists it.', type: String, nullable: true })
  media_type: string | null;
  @ApiProperty({
    description: '`stored`: the verified file is in storage; `remote`: fetched on demand.',
    enum: BLOB_STATES,
    enumName: 'BlobStateEnum',
  })
  state: BlobState;
}

export class NetbootFileResponse {
  @ApiProperty({ description: "File name (the layer's org.opencontainers.image.title)." }) title: string;
  @ApiProperty({ description: 'Blob digest.' }) digest: string;
  @ApiProperty({ description: 'Size in bytes.', type: 'integer', format: 'int64' }) size: number;
  @ApiProperty({ description: 'Layer media type.' }) media_type: string;
  @ApiProperty({ description: 'The blob.' }) blob: string;
}

export class PlatformResponse {
  @ApiProperty({ description: 'CPU architecture (amd64, arm64, ...).', type: String, nullable: true }) architecture:
    string | null;
  @ApiProperty({ description: 'Operating system.', type: String, nullable: true }) os: string | null;
  @ApiProperty({ description: 'CPU variant.', type: String, nullable: true }) variant: string | null;
  @ApiProperty({ description: 'OS version.', type: String, nullable: true }) os_version: string | null;
}

export class ListedManifestResponse {
  @ApiProperty({ description: 'The child manifest.' }) manifest: string;
  @ApiProperty({ description: 'Its digest.' }) digest: string;
  @ApiProperty({ description: 'The platform it is for.', type: PlatformResponse }) platform: PlatformResponse;
}

export class ManifestResponse {
  @ApiProperty({ description: 'This manifest.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was first seen.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'Content digest of the exact bytes.' }) digest: string;
  @ApiProperty({ description: 'Media type.' }) media_type: string;
  @ApiProperty({ description: 'artifactType, when set.', type: String, nullable: true }) artifact_type: string | null;
  @ApiProperty({ description: 'Whether this is an image index (a list of per-platform manifests).' }) is_index: boolean;
  @ApiProperty({ description: 'Annotations.', type: 'object', additionalProperties: { type: 'string' } })
  annotations: Record<string, string>;
  @ApiProperty({ description: 'Config blob digest.', type: String, nullable: true }) config_digest: string | null;
  @ApiProperty({ description: 'The files this manifest carries, by title.', type: [NetbootFileResponse] })
  files: NetbootFileResponse[];
  @ApiProperty({ description: 'For an index: its manifests and their platforms.', type: [ListedManifestResponse] })
  listed_manifests: ListedManifestResponse[];
  @ApiProperty({
    description: 'The latest signature verdict (null: never checked, its remote has `signature_policy` `none`).',
    type: () => ManifestSignatureResponse,
    nullable: true,
  })
  signature: ManifestSignatureResponse | null;
}

export class TagResponse {
  @ApiProperty({ description: 'This tag.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was first seen.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'Tag name.' }) name: string;
  @ApiProperty({ description: 'The tagged manifest or index.' }) tagged_manifest: string;
  @ApiProperty({ description: 'Digest of the tagged manifest.' }) digest: string;
}
