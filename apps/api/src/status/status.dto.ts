import { ApiProperty } from '@nestjs/swagger';

export class VersionInfo {
  @ApiProperty({ description: 'Component name.' }) component: string;
  @ApiProperty({ description: 'Its version.' }) version: string;
}

export class ConnectionInfo {
  @ApiProperty({ description: 'Whether it answered.' }) connected: boolean;
  @ApiProperty({ description: 'Round trip in milliseconds, when connected.', type: Number, nullable: true })
  latency_ms: number | null;
}

export class OnlineProcess {
  @ApiProperty({ description: 'Process name (role@host-pid).' }) name: string;
  @ApiProperty({ description: '`api`, `content` or `worker`.' }) role: string;
  @ApiProperty({ description: 'When it last checked in.', format: 'date-time' }) last_heartbeat: string;
}

export class StorageInfo {
  @ApiProperty({ description: 'Storage driver.' }) driver: string;
  @ApiProperty({ description: 'Bytes of blobs stored (from the database).' }) used: number;
  @ApiProperty({
    description: 'Bytes of stored blobs no repository version references (what orphan cleanup would free).',
  })
  orphaned: number;
  @ApiProperty({ description: 'Bytes free on the storage file system.', type: Number, nullable: true }) free:
    number | null;
  @ApiProperty({ description: 'Size of the storage file system.', type: Number, nullable: true }) total: number | null;
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
  @ApiProperty({ description: 'The public base URL of the content app.' }) content_origin: string;
}
