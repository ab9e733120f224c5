/** Where the client reports retries and auth events. Messages never contain credentials or tokens. */
export interface RegistryLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
}

/** A remote's connection settings (Pulp remote fields), as the sync hands them to the client. */
export interface RegistryClientOptions {
  /** Registry base URL, e.g. `https://quay.io`. A path prefix is kept (`https://host/prefix` → `/prefix/v2/`). */
  url: string;
  username?: string;
  password?: string;
  /** Verify the registry's TLS certificate (default true). */
  tlsValidation?: boolean;
  /** PEM bundle trusted in addition to the system roots. */
  caCert?: string;
  /** PEM client certificate and key for mutual TLS. */
  clientCert?: string;
  clientKey?: string;
  /** `http://proxy:3128`; requests are tunnelled with CONNECT. */
  proxyUrl?: string;
  /** Sent to the proxy as `Proxy-Authorization: Basic` (on the CONNECT, never to the registry). */
  proxyUsername?: string;
  proxyPassword?: string;
  /**
   * CIDR blocks (`127.0.0.0/8`, `169.254.0.0/16`, `::1/128`) the client must not connect to: checked on the
   * addresses every host name resolves to at connect time, redirect targets and token realms included.
   */
  denyAddresses?: readonly string[];
  /** Extra headers for the registry and its token service (not sent to redirect targets on other hosts). */
  headers?: Record<string, string>;
  /** Default 30 s. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for headers or body bytes; default 60 s. undici checks it on a ~1 s tick. */
  sockReadTimeoutMs?: number;
  /** Upper bound for one whole operation including retries and waits (a blob download counts as one); none by default. */
  totalTimeoutMs?: number;
  /** Retries after the first attempt for retryable failures; default 3. */
  maxRetries?: number;
  /** Requests per second for this client (token bucket); 0 or absent means unlimited. */
  rateLimit?: number;
  /** How many blob downloads a sync runs at once with this client (it reads `downloadConcurrency`); default 5. */
  downloadConcurrency?: number;
  userAgent?: string;
  logger?: RegistryLogger;
  /** Backoff tuning (tests shorten it). Defaults 250 ms and 30 s. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Redirect hops followed for blob GETs; default 5. */
  maxRedirects?: number;
}

export const DEFAULT_USER_AGENT = 'bootdepot-registry-client/0.1';
