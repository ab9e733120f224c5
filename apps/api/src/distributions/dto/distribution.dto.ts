import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PrnProperty, PulpLabelsProperty } from '../../common/pulp-properties';
import { IsKernelArgs } from '../../common/validators';
import { PatchedType } from '../../openapi/patched-type';

/** Path segments of letters, digits, `.`, `_`, `-`, each starting with a letter or digit: no `..`, no `%`. */
export const BASE_PATH = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class CreateDistributionRequest {
  @ApiProperty({ description: 'A unique name for this distribution.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({
    description:
      'Where the content is served: `/pulp/content/<base_path>/`. Segments of letters, digits, `.`, `_`, `-`; no two distributions may nest.',
    example: 'fedora',
  })
  @IsString()
  @MaxLength(255)
  @Matches(BASE_PATH, {
    message:
      'base_path must be slash-separated segments of letters, digits, ".", "_", "-", each starting with a letter or digit',
  })
  base_path: string;

  @ApiPropertyOptional({
    description: 'Serve the latest version of this repository (href or prn).',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(512)
  repository?: string | null;

  @ApiPropertyOptional({
    description: 'Serve exactly this repository version (href or prn).',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(512)
  repository_version?: string | null;

  @ApiPropertyOptional({
    description: 'Leave this distribution out of listings (its files are still served).',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  hidden?: boolean;

  @ApiPropertyOptional({
    description:
      'Private: files and the /v2/ registry need an API token (Bearer) or a signed URL from `{distribution_href}sign/`.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({
    description:
      'Serve over HTTPS only (strict HTTPS provisioning): plain-HTTP requests get 403 naming the https:// URL, and `base_url` and generated boot files use the HTTPS origin.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  https_only?: boolean;

  @ApiPropertyOptional({
    description:
      "Serve only content whose manifest (or index) was verified as signed by its remote's `signature_keys`: files, boot scripts, `.treeinfo` and `/v2/` of anything else are refused with 403 and the reason.",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  require_verified?: boolean;

  @ApiPropertyOptional({
    description:
      'Kernel arguments added to the boot scripts (boot.ipxe, grub.cfg) this distribution generates, e.g. `console=ttyS0 inst.ks=http://…`. Control characters (tab, line breaks), quotes and `` ` $ \\ ; & | < > { } # `` are refused: the same rule the script renderers apply.',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(4096)
  @IsKernelArgs()
  kernel_args?: string | null;

  @PulpLabelsProperty()
  pulp_labels?: Record<string, string>;
}

export class PatchedDistributionRequest extends PatchedType(CreateDistributionRequest) {}

export class DistributionResponse {
  @ApiProperty({ description: 'This distribution.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({ description: 'Path under /pulp/content/.' }) base_path: string;
  @ApiProperty({ description: 'Where hosts fetch the files: CONTENT_ORIGIN/pulp/content/<base_path>/.' })
  base_url: string;
  @ApiProperty({ description: 'Repository whose latest version is served.', type: String, nullable: true })
  repository: string | null;
  @ApiProperty({ description: 'Pinned repository version.', type: String, nullable: true })
  repository_version: string | null;
  @ApiProperty({ description: 'Left out of listings.' }) hidden: boolean;
  @ApiProperty({ description: 'Content needs an API token or a signed URL.' }) private: boolean;
  @ApiProperty({ description: 'Served over HTTPS only; plain HTTP is refused with 403.' }) https_only: boolean;
  @ApiProperty({ description: 'Serves only content verified as signed; the rest is refused with 403.' })
  require_verified: boolean;
  @ApiProperty({ description: 'Extra kernel arguments for generated boot scripts.', type: String, nullable: true })
  kernel_args: string | null;
  @PulpLabelsProperty({ response: true }) pulp_labels: Record<string, string>;
}

export class SignRequest {
  @ApiPropertyOptional({
    description: 'Seconds the signed URL works.',
    type: 'integer',
    default: 3600,
    minimum: 1,
    maximum: 604800,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(604800)
  expires_in?: number;
}

export class SignedUrlResponse {
  @ApiProperty({
    description: 'The distribution base URL with `expires` and `signature`; append them to any file URL below it.',
  })
  url: string;
  @ApiProperty({ description: 'The query string to append to URLs under the distribution.' }) query: string;
  @ApiProperty({ description: 'When it stops working.', format: 'date-time' }) expires_at: string;
}
