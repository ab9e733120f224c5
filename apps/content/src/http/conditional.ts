import type { IncomingHttpHeaders } from 'node:http';
import { wholeSeconds } from './byte-range';

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * RFC 9110 §13.2.2 for GET/HEAD: If-None-Match (weak comparison) decides when present; otherwise
 * If-Modified-Since, at HTTP-date (whole second) precision, as `curl --time-cond` sends it.
 */
export function isNotModified(headers: IncomingHttpHeaders, etag: string, lastModified: Date | undefined): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === '*') return true;
    return noneMatch.split(',').some((tag) => opaque(tag.trim()) === opaque(etag));
  }
  const since = headers['if-modified-since'];
  if (since === undefined || lastModified === undefined) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && wholeSeconds(lastModified) <= date;
}
