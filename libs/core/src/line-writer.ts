import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Room for lines collected before a write; grows while a pipe is full, up to `MAX_BUFFER_BYTES`. */
const INITIAL_BUFFER_BYTES = 128 * 1024;
/** While the destination does not take lines (a full pipe), this much is kept; later lines are counted, not kept. */
const MAX_BUFFER_BYTES = 8 * 1024 * 1024;
/** A full pipe (EAGAIN) is tried again after this long. */
const RETRY_MS = 10;
/** At exit a full pipe gets this long to drain before the rest is given up. */
const EXIT_WAIT_MS = 1000;

export interface LineWriterOptions {
  /** Bytes collected before they are written. */
  minLength: number;
  /** The longest a line waits before it is written. */
  flushMs: number;
}

/**
 * A buffered destination for log lines (what pino's `destination({ minLength })` is for), built for a line per
 * request: each line is encoded once into a reused buffer, and the buffer goes out in one write when
 * `minLength` bytes are waiting or `flushMs` passed. sonic-boom, pino's own destination, appends each line to a
 * string and measures that whole string's UTF-8 length again on every write, so a line cost as much as the
 * batch before it (Buffer.byteLength over up to 64 KiB per line: 9% of a content process answering 4 KiB files).
 *
 * The write itself is synchronous: one system call per batch (64 KiB, about two hundred access lines) costs less than
 * handing it to the thread pool, and it leaves nothing in flight, so what is waiting at exit is written exactly
 * once. A destination that cannot take more (a non-blocking pipe answering EAGAIN) never blocks the process:
 * lines wait in memory and are retried; past `MAX_BUFFER_BYTES` they are counted and the count is logged
 * once the destination drains. A closed pipe (EPIPE) ends logging quietly, as pino does.
 */
export class LineWriter {
  private buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  private used = 0;
  private dropped = 0;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flushSync();

  constructor(
    private readonly fd: number,
    private readonly options: LineWriterOptions,
    /** Closed by `end()` (a file it opened); stdout is not. */
    private readonly ownsFd = false,
  ) {
    this.timer = setInterval(() => this.writeOut(), options.flushMs).unref();
    process.once('exit', this.onExit);
  }

  /** Appends to `file` (created when missing). */
  static append(file: string, options: LineWriterOptions): LineWriter {
    return new LineWriter(openSync(file, 'a'), options, true);
  }

  /** Bytes collected and not yet written. */
  get pending(): number {
    return this.used;
  }

  /** Takes one line, newline included. */
  write(line: string): boolean {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8: checking that bound avoids measuring the line.
    const buffer = this.reserve(line.length * 3);
    if (buffer) this.commit(this.used + buffer.write(line, this.used));
    return true;
  }

  /**
   * For a caller that encodes a line itself, straight into the batch (the access log: no string is built): the
   * buffer to write at most `maxBytes` into, from `offset`, then `commit(end)`. Null when the line must be dropped
   * (the destination has not taken the last `MAX_BUFFER_BYTES`); it is counted as `write` counts it.
   */
  reserve(maxBytes: number): Buffer | null {
    if (this.closed) return null;
    if (this.buffer.length - this.used < maxBytes) {
      this.writeOut();
      if (this.buffer.length - this.used < maxBytes && !this.grow(maxBytes)) {
        this.dropped++;
        return null;
      }
    }
    return this.buffer;
  }

  /** Where a reserved line starts. */
  get offset(): number {
    return this.used;
  }

  /** Takes the reserved line's bytes, up to `end` (exclusive; a newline included). */
  commit(end: number): void {
    this.used = end;
    if (this.used >= this.options.minLength && this.retry === null) this.writeOut();
  }

  /** Writes what is collected now (pino's `logger.flush(cb)` calls this); `callback` runs after. */
  flush(callback?: (error?: Error) => void): void {
    this.writeOut();
    callback?.();
  }

  /** At exit: writes everything, waiting up to a second for a full pipe. */
  flushSync(): void {
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (!this.closed && this.used > 0 && !this.writeOut() && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }

  /** Writes what is left and stops; later lines are dropped. */
  end(): void {
    this.flushSync();
    this.closed = true;
    clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    process.removeListener('exit', this.onExit);
    if (this.ownsFd) {
      try {
        fsyncSync(this.fd);
      } finally {
        closeSync(this.fd);
      }
    }
  }

  /** Writes what is collected; false when the destination is full and a retry is scheduled. */
  private writeOut(): boolean {
    if (this.closed || this.used === 0) return true;
    let written = 0;
    try {
      while (written < this.used) written += writeSync(this.fd, this.buffer, written, this.used - written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.writeOut();
        }, RETRY_MS).unref();
        return false;
      }
      if (code === 'EPIPE') {
        this.closed = true;
        return true;
      }
      // Nowhere to report a broken log but stderr; the batch is dropped rather than retried forever.
      process.stderr.write(`bootdepot: log write failed: ${(error as Error).message}\n`);
      written = this.used;
    } finally {
      // A partial write keeps the unwritten tail in front of everything that comes later.
      this.buffer.copyWithin(0, written, this.used);
      this.used -= written;
    }
    if (this.used > 0) return false;
    if (this.buffer.length > INITIAL_BUFFER_BYTES) this.buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
    if (this.dropped > 0) this.reportDropped();
    return true;
  }

  private grow(room: number): boolean {
    const size = Math.min(MAX_BUFFER_BYTES, Math.max(this.buffer.length * 2, this.used + room));
    if (size - this.used < room) return false;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
    return true;
  }

  private reportDropped(): void {
    const line = `{"level":40,"time":"${new Date().toISOString()}","dropped":${this.dropped},"msg":"log lines dropped: the log destination did not keep up"}\n`;
    this.dropped = 0;
    this.write(line);
  }
}
