import { resolve } from 'node:path';
import { bootUrlProblem } from '@app/netboot';
import { cidrList, ConfigError, cron, int, keyPrefix, oneOf, optionalStr, str, url } from './env-schema';

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
  /** Plain-HTTP content port; 0 turns plain HTTP off (HTTPS only). */
  contentPort: number;
  /** PEM certificate (chain allowed) and key of the content app's HTTPS listener; both or neither. */
  contentTlsCert: string | undefined;
  contentTlsKey: string | undefined;
  contentTlsPort: number;
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
  /** Peers (CIDR) whose `X-Forwarded-For` names the real client (failed-login limiter, logs); empty trusts none. */
  trustedProxies: string[];
  /** Addresses (CIDR) a remote's registry, proxy or redirect target may not resolve to; empty allows all. */
  remoteUrlDeny: string[];
  /** Tag HEADs a sync has in flight against one registry (the no-op re-sync of a large repository is all HEADs). */
  syncHeadConcurrency: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const dataDir = resolve(str(env, 'BOOTDEPOT_DATA_DIR', 'data'));
  const contentPort = int(env, 'CONTENT_PORT', 24816, 0, 65535);
  const contentTlsCert = optionalStr(env, 'CONTENT_TLS_CERT');
  const contentTlsKey = optionalStr(env, 'CONTENT_TLS_KEY');
  if (Boolean(contentTlsCert) !== Boolean(contentTlsKey)) {
    throw new ConfigError('CONTENT_TLS_CERT and CONTENT_TLS_KEY must be set together (PEM certificate and its key)');
  }
  const contentTlsPort = int(env, 'CONTENT_TLS_PORT', 24826, 1, 65535);
  if (contentPort === 0 && !contentTlsCert) {
    throw new ConfigError('CONTENT_PORT=0 turns plain HTTP off, so CONTENT_TLS_CERT and CONTENT_TLS_KEY must be set');
  }
  // With plain HTTP off, the origin hosts are told about is the HTTPS listener.
  const defaultOrigin = contentPort === 0 ? `https://localhost:${contentTlsPort}` : `http://localhost:${contentPort}`;
  return {
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/bootdepot', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: keyPrefix(env, 'REDIS_PREFIX', 'bootdepot'),
    dataDir,
    storagePath: resolve(str(env, 'STORAGE_PATH', resolve(dataDir, 'storage'))),
    contentOrigin: contentOrigin(url(env, 'CONTENT_ORIGIN', defaultOrigin, ['http:', 'https:'])),
    bindHost: str(env, 'BIND_HOST', '0.0.0.0'),
    apiPort: int(env, 'API_PORT', 24817, 1, 65535),
    contentPort,
    contentTlsCert: contentTlsCert && resolve(contentTlsCert),
    contentTlsKey: contentTlsKey && resolve(contentTlsKey),
    contentTlsPort,
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
    trustedProxies: cidrList(env, 'TRUSTED_PROXIES'),
    remoteUrlDeny: cidrList(env, 'REMOTE_URL_DENY'),
    contentTokenCacheSeconds: int(env, 'CONTENT_TOKEN_CACHE_SECONDS', 10, 0, 3600),
    syncHeadConcurrency: int(env, 'SYNC_HEAD_CONCURRENCY', 32, 1, 256),
  };
}

/**
 * The origin is written into every generated boot script: check it with the renderers' own rule now, so a
 * bad value stops start-up instead of turning every boot.ipxe into a 500.
 */
function contentOrigin(value: string): string {
  const parsed = new URL(value);
  const problem =
    bootUrlProblem(value) ??
    (parsed.username || parsed.password ? 'must not carry user:password@' : null) ??
    (parsed.search || parsed.hash ? 'must not have a query or fragment' : null);
  if (problem) throw new ConfigError(`CONTENT_ORIGIN ${JSON.stringify(value)} ${problem}`);
  return value;
}

/**
 * The https:// origin of the content app, for distributions served over HTTPS only: CONTENT_ORIGIN itself when
 * it says https, else its host on CONTENT_TLS_PORT (a proxy in front would set an https CONTENT_ORIGIN).
 */
export function httpsContentOrigin(config: Pick<AppConfig, 'contentOrigin' | 'contentTlsPort'>): string {
  const origin = new URL(config.contentOrigin);
  if (origin.protocol === 'https:') return config.contentOrigin;
  const port = config.contentTlsPort === 443 ? '' : `:${config.contentTlsPort}`;
  return `https://${origin.hostname}${port}${origin.pathname.replace(/\/+$/, '')}`;
}
