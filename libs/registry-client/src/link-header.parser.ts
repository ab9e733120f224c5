/**
 * The target of the `rel="next"` link in an RFC 8288 `Link` header, e.g.
 * `</v2/foo/tags/list?n=100&last=b>; rel="next"`. Returned as written (usually relative); resolve it against
 * the request URL.
 */
export function parseNextLink(header: string | string[] | undefined): string | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    // Each link is `<uri>; params`; URIs may contain commas, so split on the angle brackets, not on commas.
    for (const match of value.matchAll(/<([^>]*)>([^<]*)/g)) {
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(match[2]);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return match[1];
    }
  }
  return undefined;
}
