const SENSITIVE_QUERY = /sig|signature|token|key|credential|secret|password|auth/i;

/**
 * A URL safe for logs and error messages: no userinfo, and signed-URL query parameters (S3/CDN redirects
 * carry `X-Amz-Signature`, `token`, …) masked.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//');
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (SENSITIVE_QUERY.test(name)) url.searchParams.set(name, 'REDACTED');
  }
  return url.toString();
}

/** Same scheme, host and port: the only case where registry credentials may travel along. */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

// OCI distribution-spec name and reference grammar; checked so a caller's string cannot reshape the URL path.
const NAME_RE = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_REF_RE = /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function assertRepositoryName(name: string): void {
  if (!NAME_RE.test(name)) throw new TypeError(`invalid repository name ${JSON.stringify(name)}`);
}

export function assertReference(ref: string): void {
  if (!TAG_RE.test(ref) && !DIGEST_REF_RE.test(ref))
    throw new TypeError(`invalid tag or digest ${JSON.stringify(ref)}`);
}
