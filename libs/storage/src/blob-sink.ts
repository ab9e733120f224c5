/**
 * Where a download writes a blob's bytes. The registry client drives it; a storage driver implements it.
 * `written` is the resume point: a download asks the server for `Range: bytes=<written>-` and calls
 * `reset()` when the server answers with the whole body instead.
 */
export interface BlobSink {
  readonly written: number;
  /** Accepts a chunk; resolves when the sink is ready for the next one (backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Discards everything written so far. */
  reset(): Promise<void>;
}
