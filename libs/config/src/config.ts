import { resolve } from 'node:path';
import { bootUrlProblem } from '@app/netboot';
import {
  absolutePathList,
  bool,
  cidrList,
  ConfigError,
  cron,
  int,
  keyPrefix,
  oneOf,
  optionalStr,
  str,
  url,
} from './env-schema';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything bootdepot reads from its environment, validated once at boot. */
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  /** Local storage (filesystem backend) or local scratch for on-demand spools (s3 backend). */
  storagePath: string;
  storageBackend: StorageBackend;
  /** Set when `storageBackend` is `s3`; credentials come from the AWS SDK's default chain, never from here. */
  s3: S3Settings | undefined;
  /** `presigned`: the content app answers blob GETs with a 302 to a short-lived presigned URL (s3 only). */
  contentRedirect: ContentRedirect;
  contentRedirectSeconds: number;
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
  /**
   * `x-accel`: stored files' bodies are handed to an nginx in front (`X-Accel-Redirect` to `contentOffloadPrefix`
   * + the file's path below STORAGE_PATH); `none`: the content app sends every byte itself.
   */
  contentOffload: 'none' | 'x-accel';
  /** nginx's internal location over STORAGE_PATH, e.g. `/_bootdepot/storage`. */
  contentOffloadPrefix: string;
  /**
   * `auto`: the content app has the kernel send stored files' bytes to plain-HTTP clients (`sendfile(2)`, a native
   * binding built by `npm run build`) when the binding is there; `off`: it copies every byte through its buffers.
   */
  contentSendfile: 'auto' | 'off';
  /** How far V8 may grow a content process's old generation past live data before collecting (percent); 0 = V8's default. */
  heapGrowthPercent: number;
  /** Peers (CIDR) whose `X-Forwarded-For` names the real client (failed-login limiter, logs); empty trusts none. */
  trustedProxies: string[];
  /** Addresses (CIDR) a remote's registry, proxy or redirect target may not resolve to; empty allows all. */
  remoteUrlDeny: string[];

  /** Directories exporters may write under (Pulp's ALLOWED_EXPORT_PATHS); empty allows none. */
  allowedExportPaths: string[];
  /** Directories imports may read from (Pulp's ALLOWED_IMPORT_PATHS); empty allows none. */
  allowedImportPaths: string[];
  /** Tag HEADs a sync has in flight against one registry (the no-op re-sync of a large repository is all HEADs). */
  syncHeadConcurrency: number;
}

export const STORAGE_BACKENDS = ['filesystem', 's3'] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];
export const CONTENT_REDIRECTS = ['none', 'presigned'] as const;
export type ContentRedirect = (typeof CONTENT_REDIRECTS)[number];

export interface S3Settings {
  /** Unset: AWS S3 itself (the SDK derives the endpoint from the region). */
  endpoint: string | undefined;
  /** Where clients reach the store when redirected (presigned URLs are signed for this host); unset: `endpoint`. */
  publicEndpoint: string | undefined;
  region: string;
  bucket: string;
  /** Empty or ending in `/`. */
  prefix: string;
  forcePathStyle: boolean;
  /** Quota counted by `usage`/`hasRoomFor`; unset: no limit known. */
  capacityBytes: number | undefined;
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
  const storageBackend = oneOf(env, 'STORAGE_BACKEND', 'filesystem', STORAGE_BACKENDS);
  const contentRedirect = oneOf(env, 'CONTENT_REDIRECT', 'none', CONTENT_REDIRECTS);
  if (contentRedirect === 'presigned' && storageBackend !== 's3') {
    throw new ConfigError(
      'CONTENT_REDIRECT=presigned needs STORAGE_BACKEND=s3 (a filesystem has no URL to redirect to)',
    );
  }
  return {
    storageBackend,
    s3: storageBackend === 's3' ? s3Settings(env) : undefined,
    contentRedirect,
    contentRedirectSeconds: int(env, 'CONTENT_REDIRECT_SECONDS', 60, 1, 604800),
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
    allowedExportPaths: absolutePathList(env, 'ALLOWED_EXPORT_PATHS'),
    allowedImportPaths: absolutePathList(env, 'ALLOWED_IMPORT_PATHS'),
    contentTokenCacheSeconds: int(env, 'CONTENT_TOKEN_CACHE_SECONDS', 10, 0, 3600),

    contentOffload: oneOf(env, 'CONTENT_OFFLOAD', 'none', ['none', 'x-accel'] as const),
    contentOffloadPrefix: offloadPrefix(str(env, 'CONTENT_OFFLOAD_PREFIX', '/_bootdepot/storage')),
    contentSendfile: oneOf(env, 'CONTENT_SENDFILE', 'auto', ['auto', 'off'] as const),
    syncHeadConcurrency: int(env, 'SYNC_HEAD_CONCURRENCY', 32, 1, 256),
  };
}

/** An nginx location path: `/` and plain path characters, no trailing slash, nothing nginx would re-interpret. */
function offloadPrefix(value: string): string {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new ConfigError(
      `CONTENT_OFFLOAD_PREFIX must be an absolute path of plain segments without a trailing slash (e.g. /_bootdepot/storage), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function s3Endpoint(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = optionalStr(env, name) && url(env, name, '', ['http:', 'https:']);
  if (value && (new URL(value).username || new URL(value).password)) {
    // It is shown by status/ and logged; credentials belong in the SDK's chain (AWS_ACCESS_KEY_ID, a profile).
    throw new ConfigError(`${name} must not carry user:password@; credentials come from the AWS SDK chain`);
  }
  return value;
}

function s3Settings(env: Record<string, string | undefined>): S3Settings {
  const bucket = optionalStr(env, 'S3_BUCKET');
  if (!bucket) throw new ConfigError('STORAGE_BACKEND=s3 needs S3_BUCKET');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(`S3_BUCKET must be an S3 bucket name (3-63 of a-z 0-9 . -), got ${JSON.stringify(bucket)}`);
  }
  const prefix = str(env, 'S3_PREFIX', '').replace(/^\/+/, '');
  if (!/^[A-Za-z0-9!_.*'()/-]*$/.test(prefix) || prefix.includes('//') || /(^|\/)\.\.?(\/|$)/.test(prefix)) {
    throw new ConfigError(
      `S3_PREFIX must be plain key characters without empty, . or .. segments, got ${JSON.stringify(prefix)}`,
    );
  }
  const capacity = optionalStr(env, 'S3_CAPACITY_BYTES');
  const endpoint = s3Endpoint(env, 'S3_ENDPOINT');
  const publicEndpoint = s3Endpoint(env, 'S3_PUBLIC_ENDPOINT');
  return {
    endpoint,
    publicEndpoint,
    region: str(env, 'S3_REGION', 'us-east-1'),
    bucket,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', false),
    capacityBytes: capacity === undefined ? undefined : int(env, 'S3_CAPACITY_BYTES', 0, 1, Number.MAX_SAFE_INTEGER),
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
