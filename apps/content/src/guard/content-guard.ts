import type { ApiTokensRepository } from '@app/domain';
import type { UrlSigner } from '@app/security';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { MaybePromise } from '../http/maybe-promise';
import type { DistributionView } from '../resolve/content-views';

export type GuardVerdict =
  { allowed: true; grant: string | null } | { allowed: false; status: 401 | 403; detail: string };

/** The verdict on every public request and every valid token: one shared object, nothing allocated per request. */
const ADMITTED: GuardVerdict = Object.freeze({ allowed: true, grant: null });

const UNAUTHENTICATED: GuardVerdict = Object.freeze({
  allowed: false,
  status: 401,
  detail: 'this distribution is private: send an API token (Authorization: Bearer) or use a signed URL',
});

/**
 * The content guard of private distributions: a request passes with an API token (`Authorization:
 * Bearer`, the same tokens the API takes) or with a time-limited grant signed by the API, given either
 * as `?expires=…&signature=…` or as the single parameter `?grant=<expires>.<signature>` that generated
 * boot scripts carry (iPXE treats `&` specially).
 */
export class ContentGuard {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly apiTokens: ApiTokensRepository,
    private readonly signer: UrlSigner,
    /** A verified token is trusted this long before it is looked up again (revocation reaches content in this time). */
    private readonly tokenCacheMs: number,
  ) {}

  /** Public distributions and signed URLs are judged at once; only a bearer token may need the database. */
  check(req: IncomingMessage, query: URLSearchParams, distribution: DistributionView): MaybePromise<GuardVerdict> {
    if (!distribution.isPrivate) return ADMITTED;
    const [grantExpires, grantSignature] = (query.get('grant') ?? '').split('.', 2);
    const expires = query.get('expires') ?? grantExpires ?? null;
    const signature = query.get('signature') ?? grantSignature ?? null;
    if (expires || signature) {
      return this.signer.verify(distribution, expires, signature)
        ? { allowed: true, grant: `${expires}.${signature}` }
        : { allowed: false, status: 403, detail: 'the signed URL is invalid or has expired' };
    }
    const token = bearerToken(req);
    if (!token) return UNAUTHENTICATED;
    return this.tokenIsValid(token).then((valid) => (valid ? ADMITTED : UNAUTHENTICATED));
  }

  async tokenIsValid(token: string): Promise<boolean> {
    if (!/^bd_[A-Za-z0-9]{20,100}$/.test(token)) return false;
    const hash = createHash('sha256').update(token).digest('hex');
    if ((this.tokens.get(hash) ?? 0) > Date.now()) return true;
    if (!(await this.apiTokens.isValid(hash))) return false;
    if (this.tokens.size > 10_000) this.tokens.clear();
    this.tokens.set(hash, Date.now() + this.tokenCacheMs);
    return true;
  }
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}
