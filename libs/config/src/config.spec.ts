import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index';

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
  });

  it.each([
    ['API_PORT', 'abc', /API_PORT must be an integer/],
    ['CONTENT_PORT', '70000', /CONTENT_PORT must be an integer from 1 to 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must use postgres:/],
    ['REDIS_URL', 'not a url', /REDIS_URL must be a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['REDIS_PREFIX', 'a b', /REDIS_PREFIX must be/],
    ['HEAP_GROWTH_PERCENT', '-5', /HEAP_GROWTH_PERCENT must be an integer from 0 to 1000/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('strips a trailing slash from CONTENT_ORIGIN so hrefs join cleanly', () => {
    expect(loadConfig({ CONTENT_ORIGIN: 'https://boot.example.com/' }).contentOrigin).toBe('https://boot.example.com');
  });
});
