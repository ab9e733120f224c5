import type { AppConfig } from '@app/config';
import { Redis } from 'ioredis';
import { access, constants } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { redisOptionsFromUrl } from './redis';

const within = (probe: () => Promise<unknown>, ms = 2000) =>
  Promise.race([
    probe().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);

/** `/readyz` for any role: PostgreSQL answers, Redis answers, storage is readable and writable. */
export class Readiness {
  private redis: Redis | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async check(): Promise<{ database: boolean; redis: boolean; storage: boolean }> {
    this.redis ??= new Redis({
      ...redisOptionsFromUrl(this.config.redisUrl),
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    const [database, redis, storage] = await Promise.all([
      within(() => this.dataSource.query('SELECT 1')),
      within(() => this.redis!.ping()),
      within(() => access(this.config.storagePath, constants.R_OK | constants.W_OK)),
    ]);
    return { database, redis, storage };
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
