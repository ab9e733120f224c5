import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Time-limited grants to a private distribution: an HMAC over the distribution's base path and the
 * expiry, so one grant covers every file a host needs for its install (kernel, initrd, stage2) and
 * stops working at `expires` (seconds since the epoch).
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'bootdepot-url-signature').update(secret).digest();
  }

  sign(basePath: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${basePath}\n${expires}`).digest('base64url');
  }

  /** True when the signature is ours for this base path and has not expired. */
  verify(basePath: string, expires: string | null, signature: string | null, now = Date.now()): boolean {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now) return false;
    const expected = Buffer.from(this.sign(basePath, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
