import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffOptions } from './backoff.policy';
import type { HttpMethod, HttpResponse, HttpTransport } from './http.transport';
import type { RegistryAuth } from './registry.auth';
import { RegistryError } from './registry.error';
import type { RegistryLogger } from './registry-client.options';
import { discardBody, errorFromResponse, toRegistryError } from './response.util';
import { redactUrl, sameOrigin } from './url.util';
import { linkedSignal } from './linked-signal';

export interface Operation<T> {
  method: HttpMethod;
  /** Repository the request is for; gives the Bearer scope `repository:<name>:pull`. */
  repository?: string;
  /** Built again for every attempt, so a resumed download can ask for a new Range. */
  build(): { path: string | URL; headers?: Record<string, string> };
  /** Non-2xx statuses the handler wants to see instead of an error (404 for HEAD, 416 for Range). */
  passStatuses?: readonly number[];
  signal?: AbortSignal;
  /** The result streams on after `run` returns (a blob stream): `signal` must still abort it then. */
  streams?: boolean;
  /** Bytes kept so far; an attempt that advanced it is a resume and does not use up a retry. */
  progress?(): number;
  handle(res: HttpResponse, url: URL): Promise<T>;
}

/** Thrown by handlers for failures that are not the registry's (a full disk in the sink); never retried. */
export class NotRetryable extends Error {
  constructor(readonly original: unknown) {
    super('not retryable', { cause: original });
  }
}

export interface RequesterOptions {
  base: URL;
  userAgent: string;
  extraHeaders: Record<string, string>;
  maxRetries: number;
  maxRedirects: number;
  totalTimeoutMs?: number;
  backoff: BackoffOptions;
  logger?: RegistryLogger;
}

// A flaky link may drop a multi-GB download many times while still making progress; bound it anyway.
const MAX_RESUMES = 100;

/**
 * Runs one registry operation: authorization (preemptive, then on 401 once with a fresh token), redirects
 * (Authorization and custom headers only to the registry's own origin), error mapping, and retries with
 * full-jitter backoff or the server's Retry-After, all within `totalTimeoutMs` and the caller's AbortSignal.
 */
export class RegistryRequester {
  constructor(
    private readonly transport: HttpTransport,
    private readonly auth: RegistryAuth,
    private readonly options: RequesterOptions,
  ) {}

  resolve(path: string): URL {
    // Keep a path prefix on the base URL (`https://host/prefix` + `/v2/…`).
    const base = this.options.base.toString().replace(/\/+$/, '');
    return new URL(base + path);
  }

  async run<T>(op: Operation<T>): Promise<T> {
    const { totalTimeoutMs } = this.options;
    const deadline = totalTimeoutMs ? Date.now() + totalTimeoutMs : undefined;
    const timeout = new AbortController();
    const timer = totalTimeoutMs ? setTimeout(() => timeout.abort(), totalTimeoutMs) : undefined;
    timer?.unref();
    const link = op.signal ? linkedSignal(op.signal, timeout.signal) : undefined;
    const signal = link?.signal ?? timeout.signal;
    const state = { url: this.describe(op) };
    try {
      return await this.withRetries(op, signal, deadline, state);
    } catch (err) {
      if (op.signal?.aborted) throw op.signal.reason;
      if (timeout.signal.aborted) {
        // When the request in flight was another one (a token service), say so: that is what did not answer.
        const waitingFor =
          err instanceof RegistryError && err.url && err.url !== state.url.toString()
            ? `; it was waiting for ${err.url}`
            : '';
        throw new RegistryError({
          method: op.method,
          url: state.url.toString(),
          code: 'TIMEOUT',
          detail: `did not finish within the remote's total_timeout (${(totalTimeoutMs ?? 0) / 1000} s)${waitingFor}`,
          retryable: true,
          cause: err,
        });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      // A streamed body still needs the caller's cancel; everything else is finished, so let go of it.
      if (!op.streams) link?.unlink();
    }
  }

  private describe(op: Operation<unknown>): URL {
    const { path } = op.build();
    return typeof path === 'string' ? this.resolve(path) : path;
  }

  private async withRetries<T>(
    op: Operation<T>,
    signal: AbortSignal,
    deadline: number | undefined,
    state: { url: URL },
  ): Promise<T> {
    let failures = 0;
    let resumes = 0;
    for (;;) {
      const before = op.progress?.() ?? 0;
      try {
        return await this.attempt(op, signal, state);
      } catch (raw) {
        if (signal.aborted) throw raw;
        if (raw instanceof NotRetryable) throw raw.original;
        const err = toRegistryError(raw, op.method, state.url);
        if (!err.retryable) throw err;
        const advanced = (op.progress?.() ?? 0) > before && resumes < MAX_RESUMES;
        if (advanced) resumes++;
        else if (failures >= this.options.maxRetries) {
          throw err.withDetail(` (gave up after ${failures} ${failures === 1 ? 'retry' : 'retries'})`);
        } else failures++;
        const wait = err.retryAfterMs ?? (advanced ? 0 : backoffDelay(failures - 1, this.options.backoff));
        if (deadline !== undefined && Date.now() + wait > deadline) {
          throw err.withDetail(` (retrying would take ${wait} ms, beyond totalTimeoutMs)`, false);
        }
        this.options.logger?.debug('retrying registry request', {
          url: redactUrl(state.url.toString()),
          status: err.status,
          code: err.code,
          attempt: failures,
          resume: advanced,
          waitMs: wait,
        });
        await sleep(wait, undefined, { signal });
      }
    }
  }

  private async attempt<T>(op: Operation<T>, signal: AbortSignal, state: { url: URL }): Promise<T> {
    const { path, headers = {} } = op.build();
    const scope = op.repository ? `repository:${op.repository}:pull` : undefined;
    let url = typeof path === 'string' ? this.resolve(path) : path;
    let authorization = await this.auth.preemptive(scope, signal);
    let reauthorized = false;
    let hops = 0;
    for (;;) {
      state.url = url;
      const onRegistry = sameOrigin(url, this.options.base);
      const sent: Record<string, string> = {
        ...(onRegistry ? this.options.extraHeaders : {}),
        'user-agent': this.options.userAgent,
        ...headers,
      };
      if (onRegistry && authorization) sent.authorization = authorization;
      const res = await this.transport.send({ method: op.method, url, headers: sent, signal });

      if (res.statusCode === 401 && onRegistry && !reauthorized) {
        await res.body.dump();
        authorization = await this.auth.afterUnauthorized(
          res.headers['www-authenticate'],
          scope,
          sent.authorization,
          op.method,
          url,
          signal,
        );
        reauthorized = true;
        continue;
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
        await res.body.dump();
        const location = res.headers.location;
        if (typeof location !== 'string') {
          throw new RegistryError({
            method: op.method,
            url: url.toString(),
            status: res.statusCode,
            detail: 'redirect without a Location header',
            retryable: false,
          });
        }
        const next = new URL(location, url);
        if (++hops > this.options.maxRedirects) {
          throw new RegistryError({
            method: op.method,
            url: url.toString(),
            status: res.statusCode,
            code: 'TOO_MANY_REDIRECTS',
            detail: `more than ${this.options.maxRedirects} redirects (next: ${redactUrl(next.toString())})`,
            retryable: false,
          });
        }
        url = next;
        continue;
      }
      if (res.statusCode >= 400 && !op.passStatuses?.includes(res.statusCode)) {
        const hint =
          res.statusCode === 401 || res.statusCode === 403 ? this.auth.refusalHint(op.repository) : undefined;
        throw await errorFromResponse(res, op.method, url, hint);
      }
      try {
        return await op.handle(res, url);
      } catch (err) {
        // Free the connection: an unread body would keep the socket busy forever.
        discardBody(res);
        throw err;
      }
    }
  }
}
