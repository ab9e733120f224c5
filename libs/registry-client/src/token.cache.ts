export interface CachedToken {
  token: string;
  /** Local clock (ms) after which the token must not be sent. */
  expiresAt: number;
}

/**
 * Bearer tokens keyed by realm + service + scope (one registry can use several token services, and a token for
 * one repository is useless for another). Concurrent misses for one key share a single fetch.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(realm: string, service: string | undefined, scope: string | undefined): string {
    return JSON.stringify([realm, service ?? '', scope ?? '']);
  }

  /** A token still valid for a while, fetching one when needed. */
  async get(key: string, fetch: () => Promise<CachedToken>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.expiresAt) return cached.token;
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = fetch().finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    const fresh = await inflight;
    this.tokens.set(key, fresh);
    return fresh.token;
  }

  /** Forgets a token the registry refused, unless it was already replaced by a newer one. */
  invalidate(key: string, token?: string): void {
    if (token === undefined || this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}

/**
 * When to stop using a token: its lifetime measured from when we asked for it, minus a safety margin so a
 * request sent just before expiry does not arrive after it. `issued_at` is not used for the arithmetic because
 * the issuer's clock may be skewed against ours; our request start is a conservative lower bound.
 */
export function tokenExpiry(requestedAt: number, expiresInSeconds: number): number {
  const lifetime = expiresInSeconds * 1000;
  const margin = Math.min(30_000, lifetime / 4);
  return requestedAt + lifetime - margin;
}
