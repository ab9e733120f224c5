import type { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { TASK_QUEUE } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { access, constants } from 'node:fs/promises';
import { DataSource } from 'typeorm';

const within = <T>(promise: Promise<T>, ms = 2000) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]).catch(
    () => false,
  );

@Injectable()
export class ReadinessService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(TASK_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<{ database: boolean; redis: boolean; storage: boolean }> {
    const [database, redis, storage] = await Promise.all([
      within(this.dataSource.query('SELECT 1')),
      within(this.queue.getJobCounts()),
      within(access(this.config.storagePath, constants.R_OK | constants.W_OK)),
    ]);
    return { database, redis, storage };
  }
}
