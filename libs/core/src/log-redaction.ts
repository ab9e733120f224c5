/**
 * Query parameters whose values are credentials: content grants (`grant`, `signature`), tokens
 * (`token`, `access_token`), pre-signed object-store URLs (`X-Amz-Signature`, `X-Amz-Credential`), keys.
 * Matched on the parameter name, case-insensitively.
 */
const SENSITIVE_PARAM = /grant|sig|token|key|credential|secret|password|auth/i;

/**
 * A request URL (path and query, or absolute) as it may be written to a log: the values of sensitive
 * query parameters replaced with `REDACTED` and any `user:password@` removed. Everything else is kept
 * byte for byte, so a log line still shows exactly which path was asked for.
 */
export function redactRequestUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const withoutUserInfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
  const q = withoutUserInfo.indexOf('?');
  if (q < 0) return withoutUserInfo;
  const query = withoutUserInfo
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // Undecodable names are judged as written.
      }
      return SENSITIVE_PARAM.test(decoded) && eq >= 0 ? `${name}=REDACTED` : pair;
    })
    .join('&');
  return `${withoutUserInfo.slice(0, q)}?${query}`;
}
