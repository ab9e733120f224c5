import type { ServerResponse } from 'node:http';

export type OciErrorCode =
  | 'NAME_UNKNOWN'
  | 'MANIFEST_UNKNOWN'
  | 'BLOB_UNKNOWN'
  | 'NAME_INVALID'
  | 'DIGEST_INVALID'
  | 'UNSUPPORTED'
  | 'DENIED'
  | 'UNAUTHORIZED'
  | 'PAGINATION_NUMBER_INVALID'
  /** The blob lives upstream and the upstream registry failed to provide it (on_demand, streamed). */
  | 'UNAVAILABLE';

const STATUS: Record<OciErrorCode, number> = {
  NAME_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  BLOB_UNKNOWN: 404,
  NAME_INVALID: 400,
  DIGEST_INVALID: 400,
  UNSUPPORTED: 405,
  DENIED: 403,
  UNAUTHORIZED: 401,
  PAGINATION_NUMBER_INVALID: 400,
  // distribution's UNAVAILABLE is a 503 about itself; here a gateway's upstream failed, which is a 502.
  UNAVAILABLE: 502,
};

/** The distribution-spec error body; HEAD gets the status and headers only. */
export function sendOciError(
  res: ServerResponse,
  code: OciErrorCode,
  message: string,
  head = false,
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: {} }] });
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Docker-Distribution-API-Version': 'registry/2.0',
    'Cache-Control': 'no-store',
    ...extraHeaders,
  };
  if (STATUS[code] === 405) headers.Allow = 'GET, HEAD';
  res.writeHead(STATUS[code], headers);
  res.end(head ? undefined : body);
}
