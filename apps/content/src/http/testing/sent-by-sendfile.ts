import { expect } from 'vitest';
import { chunkReads } from '../chunk-reads';
import { sentFileTotal } from '../socket-bytes';

/**
 * Runs `download` (of a stored file, from the content app in this process) once, and again until at least `minimum`
 * bytes of it went by sendfile, at most three times in all; and returns how many did in the last try. After a read from storage that
 * was slow, ChunkReads sends reads (and with them sendfile) to the threadpool for a second, and a busy test
 * machine can trigger that during any one download.
 */
export async function sentBySendfile(download: () => Promise<void>, minimum: number): Promise<number> {
  let sent = 0;
  for (let attempt = 0; attempt === 0 || (attempt < 3 && sent < minimum); attempt++) {
    await expect.poll(() => chunkReads.pooled, { timeout: 5_000 }).toBe(false);
    const before = sentFileTotal.bytes;
    await download();
    sent = sentFileTotal.bytes - before;
  }
  return sent;
}
