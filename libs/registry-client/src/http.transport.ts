import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { AddressPolicy } from './address.policy';
import { RateLimiter } from './rate.limiter';
import type { RegistryClientOptions } from './registry-client.options';

export type HttpMethod = 'GET' | 'HEAD';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  signal: AbortSignal;
}

export type HttpResponse = Dispatcher.ResponseData;

/**
 * One undici dispatcher per client, carrying the remote's TLS, proxy and timeout settings, plus the rate
 * limiter. Sends exactly one request: no redirects, auth or retries (the requester adds those). Bodies are
 * undici streams so blobs are never buffered whole (on loopback, fetch() + arrayBuffer() + sha256 downloaded
 * at 382 MB/s where curl reached 2216 MB/s).
 */
export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly limiter?: RateLimiter;
  private readonly readTimeoutMs: number;
  private readonly policy: AddressPolicy;
  private readonly proxyHost?: string;

  constructor(options: RegistryClientOptions) {
    this.policy = new AddressPolicy(options.denyAddresses ?? []);
    const lookup = this.policy.enabled ? { lookup: this.policy.lookup } : {};
    const tls = {
      rejectUnauthorized: options.tlsValidation ?? true,
      ...(options.caCert ? { ca: options.caCert } : {}),
      ...(options.clientCert ? { cert: options.clientCert } : {}),
      ...(options.clientKey ? { key: options.clientKey } : {}),
      timeout: options.connectTimeoutMs ?? 30_000,
    };
    const proxyAuth =
      options.proxyUsername !== undefined || options.proxyPassword !== undefined
        ? {
            token: `Basic ${Buffer.from(`${options.proxyUsername ?? ''}:${options.proxyPassword ?? ''}`).toString('base64')}`,
          }
        : {};
    if (options.proxyUrl) this.proxyHost = new URL(options.proxyUrl).hostname;
    this.dispatcher = options.proxyUrl
      ? new ProxyAgent({
          uri: options.proxyUrl,
          ...proxyAuth,
          requestTls: tls,
          proxyTls: { timeout: tls.timeout, ...lookup },
        })
      : new Agent({ connect: { ...tls, ...lookup } });
    this.readTimeoutMs = options.sockReadTimeoutMs ?? 60_000;
    if (options.rateLimit && options.rateLimit > 0) this.limiter = new RateLimiter(options.rateLimit);
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    await this.limiter?.take(req.signal);
    if (this.policy.enabled) {
      // Literal addresses skip `lookup`; and through a proxy the proxy resolves the target, so resolve it here.
      this.policy.assertLiteralAllowed(req.url.hostname);
      if (this.proxyHost !== undefined) {
        this.policy.assertLiteralAllowed(this.proxyHost);
        await this.policy.resolveAllowed(req.url.hostname);
      }
    }
    return request(req.url, {
      dispatcher: this.dispatcher,
      method: req.method,
      headers: req.headers,
      signal: req.signal,
      headersTimeout: this.readTimeoutMs,
      bodyTimeout: this.readTimeoutMs,
    });
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
