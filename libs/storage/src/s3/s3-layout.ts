import { type Digest, digestHex } from '@app/oci';
import { TEMP_SUFFIX } from '../blob-layout';

const RESUME_KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
const BLOB_KEY_RE = /blobs\/sha256\/([a-f0-9]{2})\/([a-f0-9]{64})$/;

/**
 * The filesystem driver's layout as object keys under an optional prefix: `<prefix>blobs/sha256/<2 hex>/<hex>` for
 * committed blobs, `<prefix>tmp/<hex>.<resume key>.partial` for what a released keyed writer left to resume.
 */
export class S3Layout {
  readonly blobsPrefix: string;
  readonly tmpPrefix: string;

  constructor(readonly prefix: string) {
    if (prefix !== '' && !prefix.endsWith('/')) throw new TypeError(`S3 prefix must be empty or end with /: ${prefix}`);
    this.blobsPrefix = `${prefix}blobs/sha256/`;
    this.tmpPrefix = `${prefix}tmp/`;
  }

  blobKey(digest: Digest): string {
    const hex = digestHex(digest);
    return `${this.blobsPrefix}${hex.slice(0, 2)}/${hex}`;
  }

  tempKey(digest: Digest, resumeKey: string): string {
    if (!RESUME_KEY_RE.test(resumeKey)) {
      throw new TypeError(`resume key must match ${RESUME_KEY_RE}, got ${JSON.stringify(resumeKey)}`);
    }
    return `${this.tmpPrefix}${digestHex(digest)}.${resumeKey}${TEMP_SUFFIX}`;
  }

  /** The digest a listed key stores, or null for anything else found under the prefix. */
  digestOf(key: string): Digest | null {
    if (!key.startsWith(this.blobsPrefix)) return null;
    const match = BLOB_KEY_RE.exec(key);
    return match && match[2].startsWith(match[1]) ? `sha256:${match[2]}` : null;
  }
}
