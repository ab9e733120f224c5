import { applyDecorators } from '@nestjs/common';
import { REMOTE_POLICIES, RemotePolicy, SIGNATURE_POLICIES, SignaturePolicy } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
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
import { HasNoUserInfo, IsHeaderMap, IsHttpUrl, IsPem } from '../../common/validators';
import { PatchedType } from '../../openapi/patched-type';

/** Registry repository names: lowercase path components as the distribution spec defines them. */
const UPSTREAM_NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_GLOB = /^[A-Za-z0-9_.\-*?[\]!{},]{1,128}$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** An optional, nullable duration in seconds, documented and validated the same way for every timeout. */
function OptionalSeconds(description: string, max: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'number',
      format: 'double',
      description,
      minimum: 0.001,
      maximum: max,
      nullable: true,
    }),
    IsOptional(),
    ValidateIf((_, value) => value !== null),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(0.001),
    Max(max),
  );
}

export class CreateRemoteRequest {
  @ApiProperty({ description: 'A unique name for this remote.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ description: 'Base URL of the registry, e.g. `https://quay.io`.', example: 'https://quay.io' })
  @IsHttpUrl()
  @HasNoUserInfo('`username` and `password`')
  url: string;

  @ApiProperty({
    description: 'Repository name at the registry, e.g. `pulp/fedora-kickstart-artifacts`.',
    example: 'pulp/fedora-kickstart-artifacts',
  })
  @IsString()
  @MaxLength(255)
  @Matches(UPSTREAM_NAME, { message: 'upstream_name must be a registry repository name such as org/name' })
  upstream_name: string;

  @ApiPropertyOptional({
    description: 'Tags to sync, as globs (`40-*`); null syncs every tag.',
    type: [String],
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @Matches(TAG_GLOB, { each: true, message: 'each include_tags entry must be a tag or a glob of tag characters' })
  include_tags?: string[] | null;

  @ApiPropertyOptional({ description: 'Tags to skip, as globs.', type: [String], nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @Matches(TAG_GLOB, { each: true, message: 'each exclude_tags entry must be a tag or a glob of tag characters' })
  exclude_tags?: string[] | null;

  @ApiPropertyOptional({
    description: 'Platforms to sync from image indexes, as `os/arch[/variant]`; empty syncs all.',
    type: [String],
    example: ['linux/amd64'],
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(64)
  @Matches(PLATFORM, { each: true, message: 'each platforms entry must look like linux/amd64' })
  platforms?: string[];

  @ApiPropertyOptional({
    description:
      '`immediate` downloads every file at sync; `on_demand` fetches on first request and keeps it; `streamed` fetches on every request and keeps nothing.',
    enum: REMOTE_POLICIES,
    enumName: 'PolicyEnum',
    default: 'immediate',
  })
  @IsOptional()
  @IsIn(REMOTE_POLICIES)
  policy?: RemotePolicy;

  @ApiPropertyOptional({ description: 'Verify the registry TLS certificate.', default: true })
  @IsOptional()
  @IsBoolean()
  tls_validation?: boolean;

  @ApiPropertyOptional({
    type: String,
    description: 'PEM CA certificate(s) to trust for this registry.',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsPem('CERTIFICATE')
  ca_cert?: string | null;

  @ApiPropertyOptional({ type: String, description: 'PEM client certificate for mutual TLS.', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsPem('CERTIFICATE')
  client_cert?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'PEM private key of the client certificate. Write-only; encrypted at rest.',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsPem('PRIVATE KEY')
  client_key?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Registry username. Write-only; encrypted at rest.',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(1024)
  username?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Registry password or token. Write-only; encrypted at rest.',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(8192)
  password?: string | null;

  @ApiPropertyOptional({
    type: String,
    description:
      'HTTP(S) proxy for requests to this registry, without credentials (give them in `proxy_username`/`proxy_password`).',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsHttpUrl()
  @HasNoUserInfo('`proxy_username` and `proxy_password`')
  proxy_url?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Username for the proxy (sent as Proxy-Authorization: Basic). Write-only; encrypted at rest.',
    nullable: true,
    writeOnly: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(1024)
  @Matches(/^[^:\r\n\0]*$/, { message: 'proxy_username must be one line without ":"' })
  proxy_username?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Password for the proxy. Write-only; encrypted at rest.',
    nullable: true,
    writeOnly: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(8192)
  proxy_password?: string | null;

  @ApiPropertyOptional({
    description: 'Parallel blob downloads during a sync.',
    type: 'integer',
    minimum: 1,
    maximum: 64,
    default: 5,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  download_concurrency?: number;

  @ApiPropertyOptional({
    description: 'Retries of a failed request before the sync fails.',
    type: 'integer',
    minimum: 0,
    maximum: 20,
    default: 5,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  max_retries?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Requests per second to this registry; null is unlimited.',
    minimum: 1,
    maximum: 100000,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(100000)
  rate_limit?: number | null;

  @OptionalSeconds('Seconds to wait for a connection.', 86400)
  connect_timeout?: number | null;

  @OptionalSeconds(
    "Seconds to wait for the socket connection (Pulp's name); the connect phase ends at the smaller of this and connect_timeout.",
    86400,
  )
  sock_connect_timeout?: number | null;

  @OptionalSeconds('Seconds to wait between two reads of a response.', 86400)
  sock_read_timeout?: number | null;

  @OptionalSeconds('Seconds one request may take in all, retries and Retry-After waits included.', 604800)
  total_timeout?: number | null;

  @ApiPropertyOptional({
    description: 'Extra HTTP headers sent with every request to the registry.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    description:
      "`none` checks no signatures; `record` verifies and records each manifest's signature state without blocking; `require` syncs only manifests and indexes validly signed by one of `signature_keys` (the rest are skipped and listed in the task's progress).",
    enum: SIGNATURE_POLICIES,
    enumName: 'SignaturePolicyEnum',
    default: 'none',
  })
  @IsOptional()
  @IsIn(SIGNATURE_POLICIES)
  signature_policy?: SignaturePolicy;

  @ApiPropertyOptional({
    description:
      'Trusted public keys: PEM (`-----BEGIN PUBLIC KEY-----`, cosign/sigstore key pairs, ECDSA or RSA) and ASCII-armored OpenPGP public keys (simple signing). A malformed key is refused naming its position.',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(65536, { each: true })
  signature_keys?: string[];

  @ApiPropertyOptional({
    type: String,
    description:
      'Base URL of a simple-signing lookaside store; signatures are read from `<url>/<upstream_name>@sha256=<hex>/signature-N`.',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsHttpUrl()
  sigstore_lookaside_url?: string | null;

  @PulpLabelsProperty()
  pulp_labels?: Record<string, string>;
}

export class PatchedRemoteRequest extends PatchedType(CreateRemoteRequest) {}

export class HiddenField {
  @ApiProperty({ description: 'Name of a write-only field.' })
  name: string;

  @ApiProperty({ description: 'Whether a value is stored for it.' })
  is_set: boolean;
}

export class RemoteResponse {
  @ApiProperty({ description: 'This remote.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'When it last changed.', format: 'date-time' }) pulp_last_updated: string;
  @ApiProperty({ description: 'Unique name.' }) name: string;
  @ApiProperty({ description: 'Base URL of the registry.' }) url: string;
  @ApiProperty({ description: 'Repository name at the registry.' }) upstream_name: string;
  @ApiProperty({ description: 'Tag globs to sync (null: all).', type: [String], nullable: true }) include_tags:
    string[] | null;
  @ApiProperty({ description: 'Tag globs to skip.', type: [String], nullable: true }) exclude_tags: string[] | null;
  @ApiProperty({ description: 'Platforms to sync from indexes.', type: [String] }) platforms: string[];
  @ApiProperty({ description: 'Download policy.', enum: REMOTE_POLICIES, enumName: 'PolicyEnum' }) policy: RemotePolicy;
  @ApiProperty({ description: 'Verify TLS certificates.' }) tls_validation: boolean;
  @ApiProperty({ description: 'PEM CA certificate(s).', type: String, nullable: true }) ca_cert: string | null;
  @ApiProperty({ description: 'PEM client certificate.', type: String, nullable: true }) client_cert: string | null;
  @ApiProperty({ description: 'HTTP(S) proxy.', type: String, nullable: true }) proxy_url: string | null;
  @ApiProperty({ description: 'Parallel blob downloads.', type: 'integer' }) download_concurrency: number;
  @ApiProperty({ description: 'Retries per request.', type: 'integer' }) max_retries: number;
  @ApiProperty({ description: 'Requests per second (null: unlimited).', type: 'integer', nullable: true }) rate_limit:
    number | null;
  @ApiProperty({ description: 'Connect timeout in seconds.', type: 'number', format: 'double', nullable: true })
  connect_timeout: number | null;
  @ApiProperty({ description: 'Socket connect timeout in seconds.', type: 'number', format: 'double', nullable: true })
  sock_connect_timeout: number | null;
  @ApiProperty({ description: 'Read timeout in seconds.', type: 'number', format: 'double', nullable: true })
  sock_read_timeout: number | null;
  @ApiProperty({ description: 'Total timeout in seconds.', type: 'number', format: 'double', nullable: true })
  total_timeout: number | null;
  @ApiProperty({ description: 'Extra request headers.', type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;
  @ApiProperty({ description: 'Signature policy.', enum: SIGNATURE_POLICIES, enumName: 'SignaturePolicyEnum' })
  signature_policy: SignaturePolicy;
  @ApiProperty({ description: 'Trusted public keys (PEM or ASCII-armored OpenPGP).', type: [String] })
  signature_keys: string[];
  @ApiProperty({ description: 'Simple-signing lookaside store.', type: String, nullable: true })
  sigstore_lookaside_url: string | null;
  @PulpLabelsProperty({ response: true }) pulp_labels: Record<string, string>;
  @ApiProperty({ description: 'Write-only fields and whether each is set.', type: [HiddenField] })
  hidden_fields: HiddenField[];
}
