import { isRetryableStatus, parseOciErrorBody, RegistryError } from './registry.error';
import type { HttpResponse } from './http.transport';
import { parseRetryAfter } from './retry-after.parser';

const ERROR_BODY_LIMIT = 64 * 1024;
/** What an upstream's own words may add to an error (task errors, logs): enough to diagnose, not a page dump. */
export const UPSTREAM_DETAIL_LIMIT = 200;

/** One line of at most UPSTREAM_DETAIL_LIMIT characters of the upstream's message. */
export function clipUpstreamText(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > UPSTREAM_DETAIL_LIMIT ? `${line.slice(0, UPSTREAM_DETAIL_LIMIT)}…` : line;
}

// Failures of the connection itself, which a fresh attempt may not meet again.
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY))/;

/** Reads an error response (bounded, the body may be a large HTML page) into a RegistryError. */
export async function errorFromResponse(
  res: HttpResponse,
  method: string,
  url: URL,
  hint?: string,
): Promise<RegistryError> {
  let text = '';
  try {
    for await (const chunk of res.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > ERROR_BODY_LIMIT) {
        discardBody(res);
        break;
      }
    }
  } catch {
    // The status is what matters; an unreadable body must not hide it.
  }
  const { code, message } = parseOciErrorBody(text);
  const looksLikeText = text.length > 0 && text.length <= 200 && !/^\s*</.test(text);
  const detail = message
    ? clipUpstreamText(message)
    : looksLikeText
      ? clipUpstreamText(text)
      : defaultDetail(res.statusCode);
  return new RegistryError({
    method,
    url: url.toString(),
    status: res.statusCode,
    code,
    detail: hint ? `${detail} (${hint})` : detail,
    retryable: isRetryableStatus(res.statusCode),
    retryAfterMs: parseRetryAfter(res.headers['retry-after']),
  });
}

function defaultDetail(status: number): string {
  if (status === 429) return 'too many requests';
  if (status === 404) return 'not found';
  if (status >= 500) return 'server error';
  return 'request refused';
}

/** Wraps whatever a request threw into a RegistryError that says whether another attempt may help. */
export function toRegistryError(err: unknown, method: string, url: URL | string): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && TLS_CODE.test(code)) {
    return new RegistryError({
      method,
      url: url.toString(),
      code,
      detail: `${message} (TLS: set caCert for a private CA, or tlsValidation=false to skip verification)`,
      retryable: false,
      cause: err,
    });
  }
  return new RegistryError({
    method,
    url: url.toString(),
    code: typeof code === 'string' ? code : undefined,
    detail: message,
    retryable: typeof code === 'string' && RETRYABLE_CODES.has(code),
    cause: err,
  });
}

/**
 * Drops a response body we will not read. undici turns destroy() without an error into an 'error' event
 * (AbortError); nobody listens any more, so swallow it instead of crashing the process.
 */
export function discardBody(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/** First value of a header undici may hand back as an array. */
export function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
