import type { Digest } from './digest';

/** `{}`: the OCI empty descriptor's blob (`application/vnd.oci.empty.v1+json`), the config of most artifacts. */
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' as Digest;

/** Zero bytes: a layer descriptor pointing at it carries no file. */
export const EMPTY_BLOB_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' as Digest;

/** Blobs whose bytes follow from their digest alone, so they can be served without being stored or fetched. */
export const WELL_KNOWN_BLOBS: ReadonlyMap<string, Buffer> = new Map([
  [EMPTY_JSON_DIGEST, Buffer.from('{}')],
  [EMPTY_BLOB_DIGEST, Buffer.alloc(0)],
]);
