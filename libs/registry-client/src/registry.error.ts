import { redactUrl } from './url.util';

export interface RegistryErrorInit {
  method: string;
  url: string;
  status?: number;
  code?: string;
  detail: string;
  retryable: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A failed registry interaction, with what a user needs to act on it: the request (URL without credentials),
 * the HTTP status, the OCI error code from the body when the registry sent one, and whether trying again
 * may help. Example message: `GET http://r/v2/foo/blobs/sha256:… answered 404 BLOB_UNKNOWN: blob unknown to registry`.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly code?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The message without the request prefix, for wrapping. */
  readonly detail: string;

  constructor(init: RegistryErrorInit) {
    const url = redactUrl(init.url);
    const what =
      init.status !== undefined
        ? `answered ${init.status}${init.code ? ` ${init.code}` : ''}`
        : `failed${init.code ? ` (${init.code})` : ''}`;
    super(`${init.method} ${url} ${what}: ${init.detail}`, { cause: init.cause });
    this.method = init.method;
    this.url = url;
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail;
  }

  /** The same failure with more context appended (e.g. how many retries were spent). */
  withDetail(extra: string, retryable = this.retryable): RegistryError {
    return new RegistryError({
      ...this,
      url: this.url,
      detail: `${this.detail}${extra}`,
      retryable,
      cause: this.cause,
    });
  }
}

/** Statuses worth another attempt: timeouts, rate limiting and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The first `{errors:[{code,message}]}` entry of an OCI error body; HTML or empty bodies yield nothing. */
export function parseOciErrorBody(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown; detail?: unknown }[] };
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    if (!first) return {};
    return {
      code: typeof first.code === 'string' ? first.code : undefined,
      message: typeof first.message === 'string' ? first.message : undefined,
    };
  } catch {
    return {};
  }
}
