import { resolve } from 'node:path';
import { cron, int, keyPrefix, oneOf, optionalStr, str, url } from './env-schema';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything bootdepot reads from its environment, validated once at boot. */
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  storagePath: string;
  contentOrigin: string;
  bindHost: string;
  apiPort: number;
  contentPort: number;
  adminPassword: string | undefined;
  secretKey: string | undefined;
  logLevel: LogLevel;
  /** Append logs to this file instead of stdout. */
  logFile: string | undefined;
  workerConcurrency: number;
  /** Port of the worker's /healthz and /readyz; 0 disables them. */
  workerHealthPort: number;
  /** Processes `npm run start:content` forks to share the content port. */
  contentWorkers: number;
  heartbeatSeconds: number;
  /** Cron (UTC) of the default orphan cleanup; empty disables it. */
  orphanCleanupCron: string;
  orphanProtectionMinutes: number;
  /** Second of the minute at which sync schedules fire (their cron has minute resolution). */
  scheduleSecond: number;
  /** How long the content app trusts an API token it checked; a revoked token is refused at most this much later. */
  contentTokenCacheSeconds: number;
  /** How far V8 may grow a content process's old generation past live data before collecting (percent); 0 = V8's default. */
  heapGrowthPercent: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const dataDir = resolve(str(env, 'BOOTDEPOT_DATA_DIR', 'data'));
  const contentPort = int(env, 'CONTENT_PORT', 24816, 1, 65535);
  return {
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/bootdepot', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: keyPrefix(env, 'REDIS_PREFIX', 'bootdepot'),
    dataDir,
    storagePath: resolve(str(env, 'STORAGE_PATH', resolve(dataDir, 'storage'))),
    contentOrigin: url(env, 'CONTENT_ORIGIN', `http://localhost:${contentPort}`, ['http:', 'https:']),
    bindHost: str(env, 'BIND_HOST', '0.0.0.0'),
    apiPort: int(env, 'API_PORT', 24817, 1, 65535),
    contentPort,
    adminPassword: optionalStr(env, 'BOOTDEPOT_ADMIN_PASSWORD'),
    secretKey: optionalStr(env, 'BOOTDEPOT_SECRET_KEY'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    logFile: optionalStr(env, 'LOG_FILE'),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 64),
    workerHealthPort: int(env, 'WORKER_HEALTH_PORT', 0, 0, 65535),
    contentWorkers: int(env, 'CONTENT_WORKERS', 1, 1, 64),
    heartbeatSeconds: int(env, 'WORKER_HEARTBEAT_SECONDS', 10, 1, 300),
    orphanCleanupCron: cron(env, 'ORPHAN_CLEANUP_CRON', '30 3 * * *'),
    orphanProtectionMinutes: int(env, 'ORPHAN_PROTECTION_MINUTES', 1440, 0, 525600),
    scheduleSecond: int(env, 'SCHEDULE_SECOND', 0, 0, 59),
    heapGrowthPercent: int(env, 'HEAP_GROWTH_PERCENT', 50, 0, 1000),
    contentTokenCacheSeconds: int(env, 'CONTENT_TOKEN_CACHE_SECONDS', 10, 0, 3600),
  };
}
