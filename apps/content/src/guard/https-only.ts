import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { DistributionView } from '../resolve/content-views';

/** The request arrived on the content app's own HTTPS listener (TLS terminated here, not at some proxy). */
export function arrivedOverTls(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

/**
 * For a distribution served over HTTPS only, a request that came over plain HTTP is refused; the answer names
 * the https:// URL of the same resource so an operator sees at once what the host should have been given.
 * Returns null when the request may proceed. The origin is worked out only for a refusal (it parses a URL).
 */
export function httpsOnlyRefusal(
  req: IncomingMessage,
  distribution: DistributionView,
  httpsOrigin: () => string,
): string | null {
  if (!distribution.httpsOnly || arrivedOverTls(req)) return null;
  return `this distribution is served over HTTPS only: ${httpsOrigin()}${req.url ?? '/'}`;
}
