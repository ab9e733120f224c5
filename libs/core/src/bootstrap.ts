import { mkdirSync } from 'node:fs';
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
 * first start, apply migrations under an advisory lock, and find (or generate) the secret key.
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
  const logger = createLogger(config.logLevel, role, config.logFile);
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
