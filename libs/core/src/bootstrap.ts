import { mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { createDataSource, ensureDatabase, runMigrations } from '@app/domain';
import { resolveSecretKey } from '@app/security';
import type { Logger } from 'pino';
import { createLogger } from './logger';

export interface Prepared {
  config: AppConfig;
  logger: Logger;
  secretKey: string;
}

/**
 * What every role does before Nest starts: read and validate the environment, create the database on
 * first start, apply migrations under an advisory lock, find (or generate) the secret key, and (where content
 * is served) bound heap growth.
 */
export async function prepare(role: string, env: Record<string, string | undefined> = process.env): Promise<Prepared> {
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bootdepot: invalid configuration: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const serves = role === 'content' || role === 'all';
  const logger = createLogger(config.logLevel, role, config.logFile, serves);
  if (serves || role === 'worker') boundHeapGrowth(config.heapGrowthPercent);
  await ensureDatabase(config.databaseUrl);
  const dataSource = await createDataSource(config.databaseUrl, {
    applicationName: `bootdepot-${role}-migrate`,
    poolSize: 2,
  }).initialize();
  try {
    const applied = await runMigrations(dataSource);
    if (applied.length) logger.info({ applied }, 'database migrated');
  } finally {
    await dataSource.destroy();
  }
  mkdirSync(config.storagePath, { recursive: true });
  const secretKey = resolveSecretKey(config, (message) => logger.warn(message));
  return { config, logger, secretKey };
}

/**
 * V8 lets the old generation grow up to 4× its live size between full collections when allocation is fast:
 * 50k small responses a second promote enough short-lived objects to take a content process from 30 MB of
 * live heap to 125 MB of heap (docs/BENCHMARKS.md). Growing by a bounded factor keeps memory proportional
 * to live data for a few more (10 ms) collections. Read by V8 at every collection, so setting it at boot
 * takes effect. Workers too: a sync of 10,000 tags (one HEAD each) took a worker with 33 MB of live heap to
 * 240 MB of RSS, 167 MB with the bound (docs/BENCHMARKS.md, "Many tags"); blob-heavy syncs ran ~8% slower
 * with it in an earlier, noisy measurement.
 */
function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
