import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type BodySource, MemorySource } from './body-source';
import { type ByteRange, ifRangeAllows, type RangeRequest, parseRange } from './byte-range';
import { isNotModified } from './conditional';
import type { MaybePromise } from './maybe-promise';
import { ResponseOutlet } from './response-outlet';

/** What is known about a representation before any byte of it is read. */
export interface EntityMeta {
  size: number;
  /** Quoted, e.g. `"sha256:…"`. */
  etag: string;
  lastModified?: Date;
  contentType: string;
  cacheControl: string;
  /** Further headers, none of those set here (sent as they are, so a repeated name would go out twice). */
  headers?: OutgoingHttpHeaders;
}

/** Given the complete header list (as it went out) and the body of a whole 200 sent from memory. */
export type KeepAnswer = (headers: readonly string[], body: Buffer) => void;

/**
 * Answers GET or HEAD for one representation: 304, 200, 206 (single or multipart/byteranges) or 416.
 * `open` is called only when bytes must be sent, so HEAD, 304 and 416 never touch the file; the source it
 * returns is always closed here. Settles when the response ended or the client left: synchronously (no
 * promise) when the bytes were at hand, so a warm small request never waits on the microtask queue.
 *
 * `offload` (CONTENT_OFFLOAD=x-accel) is asked only for a full 200 with a body: a path it returns goes out as
 * `X-Accel-Redirect` with an empty body, for the nginx in front to send the file; null sends the bytes here.
 *
 * `keep` is given the complete header list and the body of a whole 200 sent from memory, for `ReadyAnswers`.
 */
export function sendEntity(
  req: IncomingMessage,
  res: ServerResponse,
  meta: EntityMeta,
  open: () => MaybePromise<BodySource>,
  offload?: () => Promise<string | null>,
  keep?: KeepAnswer,
): void | Promise<void> {
  // Flat [name, value, …] lists: writeHead takes them as they are, where objects built by spreading cost
  // a fifth of the small-file request rate (measured against a bare node:http server).
  const headers = ['Accept-Ranges', 'bytes', 'ETag', meta.etag, 'Cache-Control', meta.cacheControl];
  if (meta.lastModified) headers.push('Last-Modified', httpDate(meta.lastModified));
  if (meta.headers) for (const name in meta.headers) headers.push(name, String(meta.headers[name]));
  if (isNotModified(req.headers, meta.etag, meta.lastModified)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const range = ifRangeAllows(headerValue(req, 'if-range'), meta.etag, meta.lastModified)
    ? parseRange(headerValue(req, 'range'), meta.size)
    : ({ kind: 'full' } as const);
  if (range.kind === 'unsatisfiable') {
    headers.push('Content-Range', `bytes */${meta.size}`, 'Content-Length', '0');
    res.writeHead(416, headers);
    res.end();
    return;
  }
  const head = req.method === 'HEAD';
  if (offload && range.kind === 'full' && !head && meta.size > 0) {
    return offload().then((target) => {
      if (target === null) return sendBody(res, meta, range, headers, head, open, keep);
      // nginx keeps Content-Type, Cache-Control and Accept-Ranges from this answer and sets Content-Length
      // from the file; the location re-sends ETag and Last-Modified (deploy/nginx/bootdepot.conf).
      headers.push('Content-Type', meta.contentType, 'Content-Length', '0', 'X-Accel-Redirect', target);
      res.writeHead(200, headers);
      res.end();
    });
  }
  return sendBody(res, meta, range, headers, head, open, keep);
}

/** The 200 or 206 itself, once conditionals and the offload had their say. */
function sendBody(
  res: ServerResponse,
  meta: EntityMeta,
  range: Exclude<RangeRequest, { kind: 'unsatisfiable' }>,
  headers: string[],
  head: boolean,
  open: () => MaybePromise<BodySource>,
  keep?: KeepAnswer,
): void | Promise<void> {
  if (range.kind === 'full' || range.ranges.length === 1) {
    const { start, end } = range.kind === 'full' ? { start: 0, end: meta.size - 1 } : range.ranges[0];
    headers.push('Content-Type', meta.contentType, 'Content-Length', String(end - start + 1));
    if (range.kind === 'partial') headers.push('Content-Range', `bytes ${start}-${end}/${meta.size}`);
    if (head || meta.size === 0) {
      res.writeHead(range.kind === 'full' ? 200 : 206, headers);
      res.end();
      return;
    }
    return stream(
      res,
      open,
      range.kind === 'full' ? 200 : 206,
      headers,
      async (source, outlet) => source.pipeRange(outlet, start, end),
      (source) => (source instanceof MemorySource ? source.slice(start, end) : null),
      range.kind === 'full' ? keep : undefined,
    );
  }
  const parts = multipartLayout(range.ranges, meta);
  headers.push('Content-Type', `multipart/byteranges; boundary=${parts.boundary}`);
  headers.push('Content-Length', String(parts.length));
  if (head) {
    res.writeHead(206, headers);
    res.end();
    return;
  }
  return stream(res, open, 206, headers, async (source, outlet) => {
    for (const part of parts.parts) {
      if (!(await outlet.write(part.header))) return false;
      if (!(await source.pipeRange(outlet, part.range.start, part.range.end))) return false;
    }
    return outlet.write(parts.trailer);
  });
}

/** HTTP-dates of the few instants served (version and distribution times), formatted once each. */
const httpDates = new WeakMap<Date, string>();

function httpDate(date: Date): string {
  let text = httpDates.get(date);
  if (text === undefined) {
    text = date.toUTCString();
    httpDates.set(date, text);
  }
  return text;
}

type BodyWriter = (source: BodySource, outlet: ResponseOutlet) => Promise<boolean>;

function stream(
  res: ServerResponse,
  open: () => MaybePromise<BodySource>,
  status: number,
  headers: string[],
  body: BodyWriter,
  inMemory?: (source: BodySource) => Buffer | null,
  keep?: KeepAnswer,
): void | Promise<void> {
  // Opened before the status line, so a missing file can still become a clean 404/502 upstream.
  const source = open();
  if (source instanceof Promise)
    return source.then((opened) => streamFrom(res, opened, status, headers, body, inMemory, keep));
  return streamFrom(res, source, status, headers, body, inMemory, keep);
}

function streamFrom(
  res: ServerResponse,
  source: BodySource,
  status: number,
  headers: string[],
  body: BodyWriter,
  inMemory?: (source: BodySource) => Buffer | null,
  keep?: KeepAnswer,
): void | Promise<void> {
  // Small bodies already in memory go out with the headers in one write (the hot path for boot scripts,
  // .treeinfo, listings and small files).
  const whole = res.destroyed ? null : inMemory?.(source);
  if (whole) {
    res.writeHead(status, headers);
    res.end(whole);
    // Only a 200 of the whole body is offered `keep` (sendBody), with the list as it went out.
    keep?.(headers, whole);
    return source.close();
  }
  return pump(res, source, status, headers, body);
}

async function pump(
  res: ServerResponse,
  source: BodySource,
  status: number,
  headers: string[],
  body: BodyWriter,
): Promise<void> {
  try {
    if (res.destroyed) return;
    const outlet = new ResponseOutlet(res);
    res.writeHead(status, headers);
    if (await body(source, outlet)) res.end();
  } catch (error) {
    // Headers (and maybe bytes) are out: the only honest signal left is a cut connection.
    res.destroy(error as Error);
  } finally {
    await source.close();
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface MultipartLayout {
  boundary: string;
  parts: Array<{ header: string; range: ByteRange }>;
  trailer: string;
  length: number;
}

function multipartLayout(ranges: ByteRange[], meta: EntityMeta): MultipartLayout {
  const boundary = randomBytes(12).toString('hex');
  let length = 0;
  const parts = ranges.map((range, i) => {
    const header =
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${meta.contentType}\r\n` +
      `Content-Range: bytes ${range.start}-${range.end}/${meta.size}\r\n\r\n`;
    length += Buffer.byteLength(header) + range.end - range.start + 1;
    return { header, range };
  });
  const trailer = `\r\n--${boundary}--\r\n`;
  length += trailer.length;
  return { boundary, parts, trailer, length };
}
