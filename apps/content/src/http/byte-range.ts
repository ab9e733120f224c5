/** An inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeRequest =
  /** No Range header, or one we must ignore (other unit, malformed, too many parts): send the whole body. */
  { kind: 'full' } | { kind: 'partial'; ranges: ByteRange[] } | { kind: 'unsatisfiable' };

/** More parts than this is not a boot loader, it is someone making us seek: answer with the whole body. */
const MAX_PARTS = 32;
const SPEC_RE = /^(\d*)-(\d*)$/;

/**
 * RFC 9110 §14.1.2 byte ranges. A syntactically invalid header is ignored (200), a valid one whose every
 * part starts beyond the end is unsatisfiable (416). Overlapping parts are coalesced so a request cannot
 * multiply the response size.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: 'full' };
  const specs = match[1]
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec.length > 0);
  if (specs.length === 0 || specs.length > MAX_PARTS) return { kind: 'full' };
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const parts = SPEC_RE.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return { kind: 'full' };
    const [, first, last] = parts;
    if (first === '') {
      const suffix = Number(last);
      if (suffix === 0 || size === 0) continue;
      ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    if (last !== '' && Number(last) < start) return { kind: 'full' };
    if (start >= size) continue;
    ranges.push({ start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', ranges: coalesce(ranges) };
}

/** Keeps the client's order unless parts overlap; then merges them in ascending order (RFC 9110 allows it). */
function coalesce(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const overlapping = sorted.some((range, i) => i > 0 && range.start <= sorted[i - 1].end);
  if (!overlapping) return ranges;
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * `If-Range`: the range applies only when the validator still names this representation; a weak ETag or a
 * date other than the exact Last-Modified means the client's partial copy is stale, so it gets the whole body.
 */
export function ifRangeAllows(header: string | undefined, etag: string, lastModified: Date | undefined): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return lastModified !== undefined && !Number.isNaN(date) && date === wholeSeconds(lastModified);
}

export function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}
