import { createHash } from 'node:crypto';

/** An OCI content digest, `sha256:<64 lowercase hex>`; the only algorithm bootdepot accepts. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

export function assertDigest(value: unknown, what = 'digest'): Digest {
  if (!isDigest(value)) {
    throw new TypeError(`${what} must look like sha256:<64 hex digits>, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part of a digest, used for content-addressed paths. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
