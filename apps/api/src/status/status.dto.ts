import { ApiProperty } from '@nestjs/swagger';

export class VersionInfo {
  @ApiProperty({ description: 'Component name.' }) component: string;
  @ApiProperty({ description: 'Its version.' }) version: string;
}

export class ConnectionInfo {
  @ApiProperty({ description: 'Whether it answered.' }) connected: boolean;
  @ApiProperty({
    description: 'Round trip in milliseconds (fractional), when connected.',
    type: 'number',
    format: 'double',
    nullable: true,
  })
  latency_ms: number | null;
}

export class OnlineProcess {
  @ApiProperty({ description: 'Process name (role@host-pid).' }) name: string;
  @ApiProperty({ description: '`api`, `content` or `worker`.' }) role: string;
  @ApiProperty({ description: 'When it last checked in.', format: 'date-time' }) last_heartbeat: string;
}

export class StorageInfo {
  @ApiProperty({ description: 'Storage driver: `filesystem` or `s3`.' }) driver: string;
  @ApiProperty({
    description: 'Where blobs live: the directory, or `s3://<bucket>/<prefix>` at the S3 endpoint (never credentials).',
  })
  location: string;
  @ApiProperty({
    description: 'Whether the storage answered just now (the directory is writable, the bucket answers).',
  })
  reachable: boolean;
  @ApiProperty({ description: 'Bytes of blobs stored (from the database).', type: 'integer', format: 'int64' })
  used: number;
  @ApiProperty({
    description: 'Bytes of stored blobs no repository version references (what orphan cleanup would free).',
    type: 'integer',
    format: 'int64',
  })
  orphaned: number;
  @ApiProperty({
    description: 'Bytes free on the storage file system (S3: the configured S3_CAPACITY_BYTES less what is stored).',
    type: 'integer',
    format: 'int64',
    nullable: true,
  })
  free: number | null;
  @ApiProperty({
    description: 'Size of the storage file system in bytes (S3: S3_CAPACITY_BYTES, null when not set).',
    type: 'integer',
    format: 'int64',
    nullable: true,
  })
  total: number | null;
}

/** Where distributions are served, as Pulp's `status/` tells clients (Katello builds content URLs from it). */
export class ContentSettings {
  @ApiProperty({ description: 'The public base URL of the content app (CONTENT_ORIGIN).' }) content_origin: string;
  @ApiProperty({ description: 'The path below content_origin where distributions start: `/pulp/content/`.' })
  content_path_prefix: string;
}

export class StatusResponse {
  @ApiProperty({ description: 'Component versions.', type: [VersionInfo] }) versions: VersionInfo[];
  @ApiProperty({ description: 'PostgreSQL.', type: ConnectionInfo }) database_connection: ConnectionInfo;
  @ApiProperty({ description: 'Redis.', type: ConnectionInfo }) redis_connection: ConnectionInfo;
  @ApiProperty({ description: 'Workers whose heartbeat is fresh.', type: [OnlineProcess] })
  online_workers: OnlineProcess[];
  @ApiProperty({ description: 'Content apps whose heartbeat is fresh.', type: [OnlineProcess] })
  online_content_apps: OnlineProcess[];
  @ApiProperty({ description: 'API processes whose heartbeat is fresh.', type: [OnlineProcess] })
  online_api_apps: OnlineProcess[];
  @ApiProperty({ description: 'Storage use.', type: StorageInfo }) storage: StorageInfo;
  @ApiProperty({ description: 'Where content is served, as in Pulp.', type: ContentSettings })
  content_settings: ContentSettings;
  @ApiProperty({ description: 'Same as `content_settings.content_origin`; kept for older clients.', deprecated: true })
  content_origin: string;
}
