import { describe, expect, it, vi } from 'vitest';
import { TokenCache, tokenExpiry } from './token.cache';

describe('TokenCache', () => {
  it('reuses a valid token, refetches after expiry and shares concurrent fetches', async () => {
    let now = 1000;
    const cache = new TokenCache(() => now);
    const key = TokenCache.key('https://auth', 'svc', 'repository:a:pull');
    let n = 0;
    const fetch = vi.fn(async () => ({ token: `t${++n}`, expiresAt: now + 100 }));
    const [a, b] = await Promise.all([cache.get(key, fetch), cache.get(key, fetch)]);
    expect([a, b]).toEqual(['t1', 't1']);
    expect(await cache.get(key, fetch)).toBe('t1');
    now += 150;
    expect(await cache.get(key, fetch)).toBe('t2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('keys by realm, service and scope', () => {
    expect(TokenCache.key('r', 's', 'repository:a:pull')).not.toBe(TokenCache.key('r', 's', 'repository:b:pull'));
    expect(TokenCache.key('r1', 's', undefined)).not.toBe(TokenCache.key('r2', 's', undefined));
  });

  it('invalidates only the refused token', async () => {
    const cache = new TokenCache(() => 0);
    await cache.get('k', async () => ({ token: 'new', expiresAt: 10 }));
    cache.invalidate('k', 'old');
    expect(await cache.get('k', async () => ({ token: 'other', expiresAt: 10 }))).toBe('new');
    cache.invalidate('k', 'new');
    expect(await cache.get('k', async () => ({ token: 'other', expiresAt: 10 }))).toBe('other');
  });
});

describe('tokenExpiry', () => {
  it('keeps a margin of a quarter of the lifetime, at most 30 s', () => {
    expect(tokenExpiry(0, 60)).toBe(45_000);
    expect(tokenExpiry(0, 1)).toBe(750);
    expect(tokenExpiry(0, 3600)).toBe(3_570_000);
  });
});
