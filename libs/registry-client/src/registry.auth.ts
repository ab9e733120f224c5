import type { HttpTransport } from './http.transport';
import { RegistryError } from './registry.error';
import type { RegistryLogger } from './registry-client.options';
import { errorFromResponse, toRegistryError } from './response.util';
import { type CachedToken, TokenCache, tokenExpiry } from './token.cache';
import { type AuthChallenge, parseWwwAuthenticate } from './www-authenticate.parser';

export interface RegistryAuthOptions {
  username?: string;
  password?: string;
  userAgent: string;
  extraHeaders: Record<string, string>;
  logger?: RegistryLogger;
}

// Docker's token spec: "When omitted, this defaults to 60 seconds".
const DEFAULT_EXPIRES_IN = 60;

/**
 * Decides the `Authorization` header for registry requests. It learns the registry's scheme from the first
 * 401 challenge, then authorizes later requests up front (saving a round trip each), fetching Bearer tokens
 * per realm + service + scope and replacing a token the registry refuses.
 */
export class RegistryAuth {
  private challenge?: AuthChallenge;
  private readonly tokens = new TokenCache();

  constructor(
    private readonly transport: HttpTransport,
    private readonly options: RegistryAuthOptions,
  ) {}

  /** The header to send before any challenge for this request is known; undefined when none is needed yet. */
  async preemptive(scope: string | undefined, signal: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenge;
    if (challenge?.scheme === 'basic') return this.basicHeader();
    if (challenge?.scheme === 'bearer') return this.bearer(challenge, scope, signal);
    return undefined;
  }

  /**
   * After a 401 on `url`: the header to retry with, or a RegistryError when retrying cannot help.
   * `sent` is the header the refused request carried, so a refused token is replaced rather than reused.
   */
  async afterUnauthorized(
    wwwAuthenticate: string | string[] | undefined,
    scope: string | undefined,
    sent: string | undefined,
    method: string,
    url: URL,
    signal: AbortSignal,
  ): Promise<string> {
    const challenges = parseWwwAuthenticate(wwwAuthenticate);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    const refuse = (detail: string) =>
      new RegistryError({ method, url: url.toString(), status: 401, code: 'UNAUTHORIZED', detail, retryable: false });

    if (bearer) {
      this.challenge = { scheme: 'bearer', params: { realm: bearer.params.realm, service: bearer.params.service } };
      // The challenge's scope is authoritative for this request (it may ask for more than pull); Quay omits it.
      const wanted = bearer.params.scope || scope;
      if (sent?.startsWith('Bearer ')) {
        this.tokens.invalidate(this.tokenKey(bearer, wanted), sent.slice('Bearer '.length));
        this.options.logger?.debug('registry refused a bearer token; fetching a new one', { scope: wanted });
      }
      return this.bearer(bearer, wanted, signal);
    }
    if (basic) {
      if (this.options.username === undefined) {
        throw refuse('the registry requires a username and password (Basic auth); none are configured');
      }
      const header = this.basicHeader();
      if (sent === header) throw refuse('the registry rejected the configured username/password');
      this.challenge = basic;
      return header;
    }
    throw refuse(
      `no supported authentication challenge (WWW-Authenticate: ${JSON.stringify(wwwAuthenticate ?? null)})`,
    );
  }

  /** Why a request was still refused after authenticating, phrased for the person configuring the remote. */
  refusalHint(name: string | undefined): string {
    const what = name ? `pull access to ${name}` : 'access';
    return this.options.username === undefined
      ? `anonymous ${what} was refused; configure username and password`
      : `the configured credentials were refused or lack ${what}`;
  }

  private basicHeader(): string {
    const { username = '', password = '' } = this.options;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private tokenKey(challenge: AuthChallenge, scope: string | undefined): string {
    return TokenCache.key(challenge.params.realm, challenge.params.service, scope);
  }

  private async bearer(challenge: AuthChallenge, scope: string | undefined, signal: AbortSignal): Promise<string> {
    const token = await this.tokens.get(this.tokenKey(challenge, scope), () =>
      this.fetchToken(challenge, scope, signal),
    );
    return `Bearer ${token}`;
  }

  private async fetchToken(
    challenge: AuthChallenge,
    scope: string | undefined,
    signal: AbortSignal,
  ): Promise<CachedToken> {
    const url = new URL(challenge.params.realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    if (scope) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { ...this.options.extraHeaders, 'user-agent': this.options.userAgent };
    if (this.options.username !== undefined) {
      url.searchParams.set('account', this.options.username);
      headers.authorization = this.basicHeader();
    }
    const requestedAt = Date.now();
    let res;
    try {
      res = await this.transport.send({ method: 'GET', url, headers, signal });
    } catch (err) {
      throw toRegistryError(err, 'GET', url);
    }
    if (res.statusCode !== 200) {
      const error = await errorFromResponse(res, 'GET', url, 'token request');
      if (res.statusCode === 401 || res.statusCode === 403) {
        throw error.withDetail(
          this.options.username === undefined
            ? '; the token service refused anonymous access, configure username and password'
            : '; the token service rejected the configured username/password',
          false,
        );
      }
      throw error;
    }
    const body = (await res.body.json().catch(() => ({}))) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError({
        method: 'GET',
        url: url.toString(),
        status: 200,
        detail: 'token response has neither "token" nor "access_token"',
        retryable: false,
      });
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN;
    this.options.logger?.debug('fetched registry token', { realm: challenge.params.realm, scope, expiresIn });
    return { token, expiresAt: tokenExpiry(requestedAt, expiresIn) };
  }
}
