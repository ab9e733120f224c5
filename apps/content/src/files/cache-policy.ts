/** Digest-pinned paths name bytes that can never change. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Tag paths move with syncs: cache briefly, then revalidate (cheap: ETag/Last-Modified give a 304). */
export const REVALIDATE = 'public, max-age=30, must-revalidate';

export function contentTypeFor(name: string): string {
  if (name.endsWith('.iso')) return 'application/x-iso9660-image';
  return 'application/octet-stream';
}
