import { join } from 'node:path';
import { type Digest, digestHex } from '@app/oci';

const RESUME_KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
/** `<hex>.<key>.partial`: the digest is recoverable from the name, the key cannot smuggle in a path. */
export const TEMP_SUFFIX = '.partial';

/** CNCF distribution's layout: `blobs/sha256/<first 2 hex>/<hex>`, temporaries in `tmp/` on the same volume. */
export class BlobLayout {
  readonly blobsDir: string;
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
  }

  blobPath(digest: Digest): string {
    const hex = digestHex(digest);
    return join(this.blobsDir, hex.slice(0, 2), hex);
  }

  tempPath(digest: Digest, key: string): string {
    if (!RESUME_KEY_RE.test(key)) {
      throw new TypeError(`resume key must match ${RESUME_KEY_RE}, got ${JSON.stringify(key)}`);
    }
    return join(this.tmpDir, `${digestHex(digest)}.${key}${TEMP_SUFFIX}`);
  }
}
