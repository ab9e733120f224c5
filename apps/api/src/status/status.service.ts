import { AppConfig, BOOTDEPOT_VERSION } from '@app/config';
import { APP_CONFIG, probe } from '@app/core';
import { BlobsRepository, ProcessesRepository } from '@app/domain';
import { TASK_QUEUE } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { statfs } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ConnectionInfo, OnlineProcess, StatusResponse } from './status.dto';

async function timed(check: () => Promise<unknown>): Promise<ConnectionInfo> {
  const latency = await probe(check);
  return { connected: latency !== null, latency_ms: latency };
}

@Injectable()
export class StatusService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly processes: ProcessesRepository,
    private readonly blobs: BlobsRepository,
    @InjectQueue(TASK_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async status(): Promise<StatusResponse> {
    const [database, redis] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1')),
      timed(() => this.queue.getJobCounts()),
    ]);
    const processes = database.connected ? await this.onlineProcesses() : [];
    const [used, orphaned] = database.connected
      ? await Promise.all([this.blobs.storedBytes(), this.blobs.orphanedBytes()])
      : [0, 0];
    const disk = await statfs(this.config.storagePath).catch(() => null);
    return {
      versions: [
        { component: 'bootdepot', version: BOOTDEPOT_VERSION },
        { component: 'node', version: process.versions.node },
      ],
      database_connection: database,
      redis_connection: redis,
      online_workers: processes.filter((p) => p.role === 'worker'),
      online_content_apps: processes.filter((p) => p.role === 'content'),
      online_api_apps: processes.filter((p) => p.role === 'api'),
      storage: {
        driver: 'filesystem',
        used,
        orphaned,
        free: disk ? disk.bavail * disk.bsize : null,
        total: disk ? disk.blocks * disk.bsize : null,
      },
      content_settings: { content_origin: this.config.contentOrigin, content_path_prefix: '/pulp/content/' },
      content_origin: this.config.contentOrigin,
    };
  }

  private async onlineProcesses(): Promise<OnlineProcess[]> {
    const rows = await this.processes.online(this.config.heartbeatSeconds * 3);
    return rows.map((row) => ({ name: row.name, role: row.role, last_heartbeat: row.lastHeartbeat.toISOString() }));
  }
}
