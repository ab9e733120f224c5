/** The path of a request split into decoded segments, or null when it must be refused (404). */
export interface RequestPath {
  segments: string[];
  /** The raw path ended with `/` (a directory request). */
  trailingSlash: boolean;
  /** Read-only: requests without a query share one empty instance (no allocation per request). */
  query: URLSearchParams;
}

const NO_QUERY = new URLSearchParams();
const SLASH = 0x2f;

// Decoded segments must be plain names: no separators (encoded `%2f`, `%5c`), no NUL or control characters.
const BAD_SEGMENT_RE = /[/\\\u0000-\u001f\u007f]/;

/**
 * Splits `url` below `prefix`. Anything that could climb out of a distribution — `.` or `..` segments,
 * plain or percent-encoded (even double-encoded), empty segments, broken escapes — yields null, which every
 * caller answers with 404 before looking anything up.
 */
export function parseRequestPath(url: string, prefix: string): RequestPath | null {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  if (!rawPath.startsWith(prefix)) return null;
  const rest = rawPath.slice(prefix.length);
  const trailingSlash = rest.endsWith('/') || rest === '';
  let from = 0;
  while (from < rest.length && rest.charCodeAt(from) === SLASH) from++;
  const raw = rest.slice(from, trailingSlash && rest.length > from ? -1 : undefined);
  // Without a `%` there is nothing to decode (the common case: no decodeURIComponent per segment).
  const encoded = raw.includes('%');
  const segments: string[] = [];
  if (raw !== '') {
    for (const part of raw.split('/')) {
      let decoded = part;
      if (encoded) {
        try {
          decoded = decodeURIComponent(part);
        } catch {
          return null;
        }
        // A `%` surviving one decode is a double-encoding attempt; no legitimate name here needs it.
        if (decoded.includes('%')) return null;
      }
      if (decoded === '' || decoded === '.' || decoded === '..' || BAD_SEGMENT_RE.test(decoded)) return null;
      segments.push(decoded);
    }
  }
  return { segments, trailingSlash, query: q === -1 ? NO_QUERY : new URLSearchParams(url.slice(q + 1)) };
}
