import { Pool } from 'undici';
import type { Auth, FuzzRequest } from './request-arbitraries';

export interface Outcome {
  request: FuzzRequest;
  status: number;
  /** Why the answer breaks the API's promises, when it does. */
  problem?: string;
  ms: number;
}

export interface RunSummary {
  outcomes: Outcome[];
  histogram: Record<string, number>;
  elapsedMs: number;
}

const ERROR_KEYS = new Set(['detail', 'errors', 'correlation_id']);

/** Checks an error answer against the one error shape `{detail, errors?, correlation_id}`. */
export function errorShapeProblem(text: string, correlationHeader: string | undefined): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${JSON.stringify(text.slice(0, 120))}`;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'error body is not an object';
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length) return `error body has unexpected keys ${extra.join(', ')}`;
  if (typeof b.detail !== 'string' || b.detail === '') return 'error body has no detail';
  if (typeof b.correlation_id !== 'string' || b.correlation_id === '') return 'error body has no correlation_id';
  if (correlationHeader !== undefined && correlationHeader !== b.correlation_id) {
    return 'correlation_id differs from the Correlation-ID header';
  }
  if (b.errors !== undefined) {
    const ok =
      b.errors !== null &&
      typeof b.errors === 'object' &&
      Object.values(b.errors).every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
    if (!ok) return 'errors is not {field: string[]}';
  }
  return undefined;
}

const AUTH_HEADERS: Record<Exclude<Auth, 'none'>, (password: string) => string> = {
  admin: (password) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
  'wrong-password': () => `Basic ${Buffer.from('admin:guess').toString('base64')}`,
  'bad-bearer': () => `Bearer ${'t'.repeat(200)}`,
  malformed: () => 'Basic !!!not-base64!!!',
};

/**
 * Sends requests `concurrency` at a time over keep-alive pools. Requests without valid credentials go out from
 * 127.0.0.2: the login limiter counts failures per address, and they must not lock the admin's requests out.
 */
export async function runRequests(
  apiUrl: string,
  password: string,
  requests: FuzzRequest[],
  concurrency: number,
): Promise<RunSummary> {
  const trusted = new Pool(apiUrl, { connections: concurrency, keepAliveTimeout: 10_000 });
  const stranger = new Pool(apiUrl, { connections: 4, localAddress: '127.0.0.2' });
  const outcomes: Outcome[] = new Array(requests.length);
  const histogram: Record<string, number> = {};
  let next = 0;
  const started = Date.now();
  const one = async (request: FuzzRequest): Promise<Outcome> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.auth !== 'none') headers.authorization = AUTH_HEADERS[request.auth](password);
    const pool = request.auth === 'admin' ? trusted : stranger;
    const t0 = Date.now();
    try {
      const res = await pool.request({
        method: request.method,
        path: request.path,
        headers,
        body: request.body,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      const text = await res.body.text();
      const status = res.statusCode;
      let problem: string | undefined;
      if (status >= 500) problem = `server error: ${text.slice(0, 200)}`;
      else if (status >= 400 && request.method !== 'HEAD') {
        const header = res.headers['correlation-id'];
        problem = errorShapeProblem(text, Array.isArray(header) ? header[0] : header);
      }
      return { request, status, problem, ms: Date.now() - t0 };
    } catch (error) {
      return { request, status: 0, problem: `transport error: ${(error as Error).message}`, ms: Date.now() - t0 };
    }
  };
  const lane = async () => {
    while (next < requests.length) {
      const i = next++;
      const outcome = await one(requests[i]!);
      outcomes[i] = outcome;
      const key = String(outcome.status);
      histogram[key] = (histogram[key] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await Promise.all([trusted.close(), stranger.close()]);
  }
  return { outcomes, histogram, elapsedMs: Date.now() - started };
}

/** A request as a line a developer can paste into curl. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body=${JSON.stringify(r.body.slice(0, 300))}`;
  return `${r.operation}: ${r.method} ${r.path.slice(0, 300)} auth=${r.auth} headers=${JSON.stringify(r.headers)}${body}`;
}
