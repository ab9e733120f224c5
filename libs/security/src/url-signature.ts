import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a grant is bound to: the distribution itself (its id, never reused), the path it was issued for,
 * and the distribution's grant generation, which moves on every change of `base_path` or `private` and on
 * an explicit revocation. A grant therefore dies when its distribution is moved, deleted, re-created,
 * made public (and private again) or revoked, without rotating the server's secret key.
 */
export interface GrantSubject {
  id: string;
  basePath: string;
  grantGeneration: number;
}

/** Unix seconds, canonical: no sign, no leading zero, no more digits than a date this side of year 33658. */
const EXPIRES_RE = /^[1-9]\d{0,11}$/;

/**
 * Time-limited grants to a private distribution: an HMAC over the grant subject and the expiry, so one
 * grant covers every file a host needs for its install (kernel, initrd, stage2) and stops working at
 * `expires` (seconds since the epoch).
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'bootdepot-url-signature').update(secret).digest();
  }

  sign(subject: GrantSubject, expires: number): string {
    // Versioned message: grants signed by the earlier scheme (base path and expiry only) never verify.
    return createHmac('sha256', this.key)
      .update(`grant-v2\n${subject.id}\n${subject.grantGeneration}\n${subject.basePath}\n${expires}`)
      .digest('base64url');
  }

  /** True when the signature is ours for this subject, `expires` is canonical and has not passed. */
  verify(subject: GrantSubject, expires: string | null, signature: string | null, now = Date.now()): boolean {
    if (!expires || !signature || !EXPIRES_RE.test(expires) || Number(expires) * 1000 <= now) return false;
    const expected = Buffer.from(this.sign(subject, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
