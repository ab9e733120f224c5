/** `n`/`last` pagination over a sorted list, as distribution-spec defines it for tags and the catalog. */
export function paginate(
  sorted: readonly string[],
  query: URLSearchParams,
  linkPath: string,
): { items: string[]; link?: string } | { error: string } {
  const last = query.get('last');
  const nParam = query.get('n');
  let start = 0;
  if (last !== null) {
    // First name strictly after `last`; `last` need not exist.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= last) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  if (nParam === null) return { items: sorted.slice(start) };
  if (!/^\d+$/.test(nParam)) return { error: `n must be a non-negative integer, got ${JSON.stringify(nParam)}` };
  const n = Number(nParam);
  const items = sorted.slice(start, start + n);
  if (n === 0 || start + n >= sorted.length) return { items };
  const next = new URLSearchParams({ n: String(n), last: items[items.length - 1] });
  return { items, link: `<${linkPath}?${next.toString()}>; rel="next"` };
}
