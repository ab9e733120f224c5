import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChunkReads, type ReadProbe } from './chunk-reads';

const bytes = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7) % 251));
let dir: string;
let handle: FileHandle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chunk-reads-'));
  await writeFile(join(dir, 'blob'), bytes);
  handle = await open(join(dir, 'blob'));
});
afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A probe that answers the clock readings given, in order (ChunkReads reads the clock before each read, which decides
 * where it goes, after each read on the loop, and for `pooled`), then stays at the last; the test sets the block
 * count.
 */
function probe(...times: number[]): ReadProbe & { blocks: number } {
  const state = {
    blocks: 0,
    now: () => (times.length > 1 ? times.shift()! : times[0]!),
    blocksRead: () => state.blocks,
  };
  return state;
}

const OPTIONS = { quickMs: 1, slowMs: 20, threadpoolMs: 1000 };

/** Reads `length` bytes at `position` and says whether the threadpool did it and whether the bytes are right. */
async function readAt(reads: ChunkReads, position: number, length = 4096) {
  const pooled = vi.spyOn(handle, 'read');
  const buffer = Buffer.alloc(length);
  const bytesRead = await reads.read(handle, buffer, length, position);
  const threadpool = pooled.mock.calls.length > 0;
  pooled.mockRestore();
  return {
    threadpool,
    bytesRead,
    right: buffer.subarray(0, bytesRead).equals(bytes.subarray(position, position + length)),
  };
}

describe('ChunkReads', () => {
  it('reads on the event loop while nothing comes from storage, and reads the right bytes', async () => {
    const reads = new ChunkReads(OPTIONS, probe(0));
    expect(await readAt(reads, 5000, 1000)).toEqual({ threadpool: false, bytesRead: 1000, right: true });
    expect(await readAt(reads, bytes.length - 10, 1000)).toEqual({ threadpool: false, bytesRead: 10, right: true });
  });

  it('goes through the threadpool for a while after a slow read while the process read blocks from storage', async () => {
    // A read from 0 to 2 ms while the process read 256 KiB from a disk (ru_inblock counts 512-byte blocks): reads
    // until 1002 ms go to the threadpool, and the one at 1002 is on the loop again.
    const clock = probe(0, 2, 2, 999.9, 1002);
    const reads = new ChunkReads(OPTIONS, clock);
    clock.blocks = 512;
    expect((await readAt(reads, 0)).threadpool).toBe(false);
    expect(reads.pooled).toBe(true);
    expect(await readAt(reads, 4096)).toEqual({ threadpool: true, bytesRead: 4096, right: true });
    expect(await readAt(reads, 8192)).toEqual({ threadpool: false, bytesRead: 4096, right: true });
    expect(reads.pooled).toBe(false);
  });

  it('stays on the loop when a slow read found nothing read from storage (the process was preempted)', async () => {
    const reads = new ChunkReads(OPTIONS, probe(0, 5, 5));
    expect((await readAt(reads, 0)).threadpool).toBe(false);
    expect(reads.pooled).toBe(false);
  });

  it('does not look at a read quicker than quickMs, whatever the kernel counted', async () => {
    const clock = probe(0, 0.5, 0.5);
    const reads = new ChunkReads(OPTIONS, clock);
    clock.blocks = 512;
    expect((await readAt(reads, 0)).threadpool).toBe(false);
    expect(reads.pooled).toBe(false);
  });

  it('counts a read slower than slowMs as one from storage the kernel does not count', async () => {
    const reads = new ChunkReads(OPTIONS, probe(0, 25, 25));
    expect((await readAt(reads, 0)).threadpool).toBe(false);
    expect(reads.pooled).toBe(true);
  });
});
