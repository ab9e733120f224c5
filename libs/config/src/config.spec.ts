import { describe, expect, it } from 'vitest';
import { ConfigError, httpsContentOrigin, loadConfig } from './index';

describe('loadConfig', () => {
  it('embeds defaults that run on a machine with local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.apiPort).toBe(24817);
    expect(config.contentPort).toBe(24816);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/bootdepot');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.contentOrigin).toBe('http://localhost:24816');
    expect(config.storagePath.endsWith('/data/storage')).toBe(true);
    expect(config.heapGrowthPercent).toBe(50);
    expect(config.contentOffload).toBe('none');
    expect(config.contentOffloadPrefix).toBe('/_bootdepot/storage');
    expect(config.contentSendfile).toBe('auto');
  });

  it.each([
    ['API_PORT', 'abc', /API_PORT must be an integer/],
    ['CONTENT_PORT', '70000', /CONTENT_PORT must be an integer from 0 to 65535/],
    ['CONTENT_TLS_PORT', '0', /CONTENT_TLS_PORT must be an integer from 1 to 65535/],
    ['CONTENT_TLS_CERT', '/etc/cert.pem', /CONTENT_TLS_CERT and CONTENT_TLS_KEY must be set together/],
    ['CONTENT_TLS_KEY', '/etc/key.pem', /CONTENT_TLS_CERT and CONTENT_TLS_KEY must be set together/],
    ['CONTENT_PORT', '0', /CONTENT_PORT=0 turns plain HTTP off, so CONTENT_TLS_CERT and CONTENT_TLS_KEY must be set/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must use postgres:/],
    ['REDIS_URL', 'not a url', /REDIS_URL must be a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['REDIS_PREFIX', 'a b', /REDIS_PREFIX must be/],
    ['HEAP_GROWTH_PERCENT', '-5', /HEAP_GROWTH_PERCENT must be an integer from 0 to 1000/],
    ['CONTENT_ORIGIN', 'http://boot.example.com/a&b', /CONTENT_ORIGIN .* unsafe character "&"/],
    ['CONTENT_ORIGIN', 'http://u:p@boot.example.com', /CONTENT_ORIGIN .* user:password@/],
    ['CONTENT_ORIGIN', 'http://boot.example.com/?x=1', /CONTENT_ORIGIN .* query/],
    ['TRUSTED_PROXIES', '10.0.0.0/33', /TRUSTED_PROXIES must list CIDR blocks/],
    ['TRUSTED_PROXIES', 'proxy.example.com', /TRUSTED_PROXIES must list CIDR blocks/],
    ['REMOTE_URL_DENY', '169.254.0.0/', /REMOTE_URL_DENY must list CIDR blocks/],
    ['ALLOWED_EXPORT_PATHS', 'exports', /ALLOWED_EXPORT_PATHS must list absolute directories/],
    ['ALLOWED_IMPORT_PATHS', '/mnt/usb,media', /ALLOWED_IMPORT_PATHS must list absolute directories/],
    ['CONTENT_OFFLOAD', 'sendfile', /CONTENT_OFFLOAD must be one of none, x-accel/],
    ['CONTENT_SENDFILE', 'on', /CONTENT_SENDFILE must be one of auto, off/],
    ['CONTENT_OFFLOAD_PREFIX', '/_bootdepot/storage/', /CONTENT_OFFLOAD_PREFIX must be an absolute path/],
    ['CONTENT_OFFLOAD_PREFIX', 'storage', /CONTENT_OFFLOAD_PREFIX must be an absolute path/],
    ['STORAGE_BACKEND', 'azure', /STORAGE_BACKEND must be one of filesystem, s3/],
    ['STORAGE_BACKEND', 's3', /STORAGE_BACKEND=s3 needs S3_BUCKET/],
    ['CONTENT_REDIRECT', 'presigned', /CONTENT_REDIRECT=presigned needs STORAGE_BACKEND=s3/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reads the S3 settings and normalizes the prefix to end in /', () => {
    const env = {
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'boot-files',
      S3_PREFIX: '/site-a',
      S3_ENDPOINT: 'http://rgw.example.com:7480/',
      S3_FORCE_PATH_STYLE: 'true',
      CONTENT_REDIRECT: 'presigned',
    };
    const config = loadConfig(env);
    expect(config.s3).toEqual({
      endpoint: 'http://rgw.example.com:7480',
      publicEndpoint: undefined,
      region: 'us-east-1',
      bucket: 'boot-files',
      prefix: 'site-a/',
      forcePathStyle: true,
      capacityBytes: undefined,
    });
    expect(config.contentRedirect).toBe('presigned');
    expect(config.contentRedirectSeconds).toBe(60);
    expect(loadConfig({}).s3).toBeUndefined();
    expect(() => loadConfig({ ...env, S3_BUCKET: 'Boot_Files' })).toThrow(/S3_BUCKET must be an S3 bucket name/);
    expect(() => loadConfig({ ...env, S3_PREFIX: 'a/../b' })).toThrow(/S3_PREFIX must be plain key characters/);
    expect(() => loadConfig({ ...env, S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(
      /S3_FORCE_PATH_STYLE must be true or false/,
    );
  });

  it('reads CIDR lists separated by commas or spaces; a bare address is one host', () => {
    const config = loadConfig({
      TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1',
      REMOTE_URL_DENY: '169.254.0.0/16 ::1 fd00::/8',
    });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    expect(config.remoteUrlDeny).toEqual(['169.254.0.0/16', '::1/128', 'fd00::/8']);
    expect(loadConfig({}).remoteUrlDeny).toEqual([]);
  });

  it('reads allowed export and import directories, normalised; none by default', () => {
    const config = loadConfig({ ALLOWED_EXPORT_PATHS: '/srv/exports/, /mnt/a/../b', ALLOWED_IMPORT_PATHS: '/mnt/usb' });
    expect(config.allowedExportPaths).toEqual(['/srv/exports', '/mnt/b']);
    expect(config.allowedImportPaths).toEqual(['/mnt/usb']);
    expect(loadConfig({}).allowedExportPaths).toEqual([]);
    expect(loadConfig({}).allowedImportPaths).toEqual([]);
  });

  it('strips a trailing slash from CONTENT_ORIGIN so hrefs join cleanly', () => {
    expect(loadConfig({ CONTENT_ORIGIN: 'https://boot.example.com/' }).contentOrigin).toBe('https://boot.example.com');
  });

  it('turns HTTPS on with a certificate and key, on 24826 unless CONTENT_TLS_PORT says otherwise', () => {
    const off = loadConfig({});
    expect(off.contentTlsCert).toBeUndefined();
    expect(off.contentTlsPort).toBe(24826);
    const on = loadConfig({
      CONTENT_TLS_CERT: 'tls/fullchain.pem',
      CONTENT_TLS_KEY: 'tls/key.pem',
      CONTENT_TLS_PORT: '8443',
    });
    expect(on.contentTlsCert).toMatch(/^\/.*\/tls\/fullchain\.pem$/);
    expect(on.contentTlsPort).toBe(8443);
    expect(on.contentOrigin).toBe('http://localhost:24816');
  });

  it('with plain HTTP off, the default origin is the HTTPS listener', () => {
    const config = loadConfig({ CONTENT_PORT: '0', CONTENT_TLS_CERT: 'c.pem', CONTENT_TLS_KEY: 'k.pem' });
    expect(config.contentPort).toBe(0);
    expect(config.contentOrigin).toBe('https://localhost:24826');
  });

  it('derives the https origin of HTTPS-only distributions from CONTENT_ORIGIN', () => {
    expect(httpsContentOrigin({ contentOrigin: 'https://boot.example.com', contentTlsPort: 24826 })).toBe(
      'https://boot.example.com',
    );
    expect(httpsContentOrigin({ contentOrigin: 'http://boot.example.com:24816', contentTlsPort: 24826 })).toBe(
      'https://boot.example.com:24826',
    );
    expect(httpsContentOrigin({ contentOrigin: 'http://[fd00::1]:24816', contentTlsPort: 443 })).toBe(
      'https://[fd00::1]',
    );
  });
});
