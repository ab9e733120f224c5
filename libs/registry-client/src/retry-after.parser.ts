/**
 * Milliseconds to wait according to a `Retry-After` header: delta-seconds (`120`) or an HTTP-date.
 * Returns undefined when absent or unparseable, so the caller falls back to its own backoff.
 * A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  // Only accept things that look like an HTTP-date; Date.parse alone would accept "1" or "tomorrow-ish" strings.
  if (!/[A-Za-z]{3}/.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
