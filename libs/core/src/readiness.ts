import type { AppConfig } from '@app/config';
import type { StorageDriver } from '@app/storage';
import { Redis } from 'ioredis';
import { access, constants } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { redisOptionsFromUrl } from './redis';

/** Runs a health probe with a deadline: answered in time, and how long it took (ms), or null. */
export async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<number | null> {
  const started = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
    return Number(process.hrtime.bigint() - started) / 1e6;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

const within = async (check: () => Promise<unknown>) => (await probe(check)) !== null;

/**
 * `/readyz` for any role: PostgreSQL answers, Redis answers, storage answers (the local directory is readable and
 * writable; an object store's bucket answers a HEAD).
 */
export class Readiness {
  private redis: Redis | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly storage?: StorageDriver,
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
      within(() =>
        this.storage?.ping ? this.storage.ping() : access(this.config.storagePath, constants.R_OK | constants.W_OK),
      ),
    ]);
    return { database, redis, storage };
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
