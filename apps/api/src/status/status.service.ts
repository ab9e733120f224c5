import { AppConfig, BOOTDEPOT_VERSION } from '@app/config';
import { APP_CONFIG, probe, STORAGE } from '@app/core';
import { BlobsRepository, ProcessesRepository } from '@app/domain';
import type { StorageDriver } from '@app/storage';
import { TASK_QUEUE } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { access, constants, statfs } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ConnectionInfo, OnlineProcess, StatusResponse, StorageInfo } from './status.dto';

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
    @Inject(STORAGE) private readonly storage: StorageDriver,
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
    const storage = await this.storageInfo(used);
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
      storage: { ...storage, used, orphaned },
      content_settings: { content_origin: this.config.contentOrigin, content_path_prefix: '/pulp/content/' },
      content_origin: this.config.contentOrigin,
    };
  }

  private async storageInfo(used: number): Promise<Omit<StorageInfo, 'used' | 'orphaned'>> {
    const { s3, storagePath } = this.config;
    if (this.storage.kind === 's3' && s3) {
      const reachable = (await probe(() => this.storage.ping!())) !== null;
      const total = s3.capacityBytes ?? null;
      return {
        driver: 's3',
        location: `s3://${s3.bucket}/${s3.prefix}${s3.endpoint ? ` at ${s3.endpoint}` : ''}`,
        reachable,
        free: total === null ? null : Math.max(0, total - used),
        total,
      };
    }
    const reachable = (await probe(() => access(storagePath, constants.R_OK | constants.W_OK))) !== null;
    const disk = await statfs(storagePath).catch(() => null);
    return {
      driver: this.storage.kind,
      location: storagePath,
      reachable,
      free: disk ? disk.bavail * disk.bsize : null,
      total: disk ? disk.blocks * disk.bsize : null,
    };
  }

  private async onlineProcesses(): Promise<OnlineProcess[]> {
    const rows = await this.processes.online(this.config.heartbeatSeconds * 3);
    return rows.map((row) => ({ name: row.name, role: row.role, last_heartbeat: row.lastHeartbeat.toISOString() }));
  }
}
