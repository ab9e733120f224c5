import { AppConfig, BOOTDEPOT_VERSION } from '@app/config';
import { APP_CONFIG, probe, STORAGE } from '@app/core';
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
      ? await Promise.all([this.storedBytes(), this.orphanedBytes()])
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
    const rows: { name: string; role: string; last_heartbeat: Date }[] = await this.dataSource.query(
      `SELECT name, role, last_heartbeat FROM workers
        WHERE last_heartbeat > now() - make_interval(secs => $1) ORDER BY role, name`,
      [this.config.heartbeatSeconds * 3],
    );
    return rows.map((row) => ({ name: row.name, role: row.role, last_heartbeat: row.last_heartbeat.toISOString() }));
  }

  /** What orphan cleanup would free today, protection window aside. */
  private async orphanedBytes(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT coalesce(sum(b.size), 0) AS orphaned FROM blobs b
        WHERE b.state = 'stored' AND NOT EXISTS (SELECT 1 FROM repository_content rc WHERE rc.content_id = b.id)`,
    );
    return Number(row.orphaned);
  }

  private async storedBytes(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT coalesce(sum(size), 0) AS used FROM blobs WHERE state = 'stored'`,
    );
    return Number(row.used);
  }
}
