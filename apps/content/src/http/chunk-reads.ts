import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** What ChunkReads watches: the time, and how many blocks the process has read from storage (`ru_inblock`). */
export interface ReadProbe {
  now(): number;
  blocksRead(): number;
}

const processProbe: ReadProbe = {
  now: () => performance.now(),
  blocksRead: () => process.resourceUsage().fsRead,
};

/**
 * How a stored file's chunks are read: on the event loop while they come from the page cache, as nginx reads by
 * default (`aio off`), and through libuv's threadpool for a while once they come from storage.
 *
 * A threadpool read hands each chunk to another thread and back (a futex wake, a context switch, an eventfd write and
 * a wake-up of the loop), which on 2 cores under a hypervisor cost more than the copy itself: in a 200-client boot
 * storm, reads on the loop served 1.25× nginx at 0.32 s of CPU per GB, threadpool reads 0.74–0.77× at 0.68–0.71 s
 * (docs/BENCHMARKS.md). A read that waits for a disk would stall every other client of the process. So a read that
 * took over `quickMs` is looked at: if the process has read blocks from storage since the last look (the kernel's
 * `ru_inblock`; a busy machine's preemption also makes reads slow, and does not count there) or the read took over
 * `slowMs` (storage the kernel does not count as block reads, such as a network file system), every read goes to the
 * threadpool for `threadpoolMs`. The next read on the loop finds out again, so the loop waits for storage on at most
 * one read per `threadpoolMs`; a read from storage quicker than `quickMs` is not worth a thread.
 */
export class ChunkReads {
  private threadpoolUntil = 0;
  private blocks: number;

  constructor(
    private readonly options = { quickMs: 1, slowMs: 20, threadpoolMs: 1000 },
    private readonly probe: ReadProbe = processProbe,
  ) {
    this.blocks = probe.blocksRead();
  }

  /** Whether reads go through the threadpool now. */
  get pooled(): boolean {
    return this.probe.now() < this.threadpoolUntil;
  }

  /** Reads up to `length` bytes at `position` into the start of `buffer`; resolves how many it read. */
  async read(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
    const bytesRead = this.onLoop(() => readSync(handle.fd, buffer, 0, length, position), -1);
    return bytesRead !== -1 ? bytesRead : (await handle.read(buffer, 0, length, position)).bytesRead;
  }

  /**
   * Runs `work`, which reads storage on the event loop (a read, a sendfile), and times it as a read; while reads
   * go through the threadpool, returns `pooled` without running it.
   */
  onLoop(work: () => number, pooled: number): number {
    // One clock reading decides where the read goes and starts its timing.
    const started = this.probe.now();
    if (started < this.threadpoolUntil) return pooled;
    const result = work();
    const took = this.probe.now() - started;
    if (took > this.options.quickMs) this.look(took, started + took);
    return result;
  }

  private look(took: number, now: number): void {
    const blocks = this.probe.blocksRead();
    if (blocks !== this.blocks || took > this.options.slowMs) this.threadpoolUntil = now + this.options.threadpoolMs;
    this.blocks = blocks;
  }
}

/** The content process's reads of stored files. */
export const chunkReads = new ChunkReads();
