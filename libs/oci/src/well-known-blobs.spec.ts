import { describe, expect, it } from 'vitest';
import { sha256Digest } from './digest';
import { EMPTY_BLOB_DIGEST, EMPTY_JSON_DIGEST, WELL_KNOWN_BLOBS } from './well-known-blobs';

describe('well-known blobs', () => {
  it('are the digests of the bytes they stand for', () => {
    expect(sha256Digest('{}')).toBe(EMPTY_JSON_DIGEST);
    expect(sha256Digest('')).toBe(EMPTY_BLOB_DIGEST);
    for (const [digest, bytes] of WELL_KNOWN_BLOBS) expect(sha256Digest(bytes)).toBe(digest);
  });
});
