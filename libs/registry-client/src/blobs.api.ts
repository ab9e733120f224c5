import type { Readable } from 'node:stream';
import { assertDigest, type Digest } from '@app/oci';
import type { BlobSink } from '@app/storage';
import type { HttpResponse } from './http.transport';
import { RegistryError } from './registry.error';
import { NotRetryable, type RegistryRequester } from './registry.requester';
import { header } from './response.util';
import { assertRepositoryName } from './url.util';

export interface DownloadBlobOptions {
  /** Size from the manifest descriptor; more bytes than this stop the download. */
  expectedSize?: number;
  signal?: AbortSignal;
  /** Called with each chunk's length as it is accepted by the sink (progress reporting). */
  onBytes?(n: number): void;
}

export interface DownloadedBlob {
  digest: Digest;
  /** Bytes in the sink. The sink, not the client, verifies they hash to `digest`. */
  size: number;
}

export interface BlobStream {
  /** 200 for the whole blob, 206 for a range. */
  status: number;
  stream: Readable;
  /** Total size of the blob when the registry said (Content-Range total or Content-Length). */
  size?: number;
  /** Bytes this stream will deliver, when known. */
  contentLength?: number;
  /** First byte of the stream within the blob. */
  offset: number;
  /** Content-Type the registry sent; usually application/octet-stream. */
  contentType?: string;
}

function rangeHeader(offset: number): Record<string, string> {
  return offset > 0 ? { range: `bytes=${offset}-` } : {};
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function parseContentRange(value: string | undefined): { start: number; total?: number } | undefined {
  const m = value ? CONTENT_RANGE.exec(value.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/**
 * Streams a blob into `sink` with backpressure. After a dropped connection or a retryable failure it resumes
 * with `Range: bytes=<sink.written>-`; a registry that answers 200 instead of 206 gets a `sink.reset()` and a
 * restart. Redirects to a CDN are followed without the registry's Authorization.
 */
export async function downloadBlob(
  requester: RegistryRequester,
  name: string,
  digest: Digest,
  sink: BlobSink,
  options: DownloadBlobOptions = {},
): Promise<DownloadedBlob> {
  assertRepositoryName(name);
  assertDigest(digest);
  const { expectedSize } = options;
  // A sink already holding the whole blob (a resumed sync) must not ask for `bytes=<size>-`: that is a 416.
  if (expectedSize !== undefined && sink.written === expectedSize && expectedSize > 0) {
    return { digest, size: sink.written };
  }
  let offset = 0;
  return requester.run({
    method: 'GET',
    repository: name,
    signal: options.signal,
    passStatuses: [416],
    progress: () => sink.written,
    build: () => {
      offset = sink.written;
      return { path: `/v2/${name}/blobs/${digest}`, headers: rangeHeader(offset) };
    },
    handle: async (res, url) => {
      const fail = (detail: string, retryable: boolean) =>
        new RegistryError({ method: 'GET', url: url.toString(), status: res.statusCode, detail, retryable });
      if (res.statusCode === 416) {
        // Our resume point is beyond the blob: what we hold cannot be right, start over.
        await res.body.dump();
        await guard(() => sink.reset());
        throw fail(`range bytes=${offset}- not satisfiable; discarded the partial download`, true);
      }
      if (res.statusCode === 206) {
        const range = parseContentRange(header(res, 'content-range'));
        if (range?.start !== offset) {
          await res.body.dump();
          await guard(() => sink.reset());
          throw fail(`asked for bytes=${offset}- but got Content-Range ${header(res, 'content-range')}`, true);
        }
        if (expectedSize !== undefined && range.total !== undefined && range.total !== expectedSize) {
          throw fail(`blob is ${range.total} bytes, the manifest says ${expectedSize}`, false);
        }
      } else if (offset > 0) {
        await guard(() => sink.reset());
      }
      const length = Number(header(res, 'content-length'));
      if (expectedSize !== undefined && Number.isFinite(length) && sink.written + length > expectedSize) {
        throw fail(`registry announces ${sink.written + length} bytes, the manifest says ${expectedSize}`, false);
      }
      // Socket chunks are small (16-64 KiB); handing the sink ~1 MiB at a time cuts the awaited writes (and
      // their syscalls) of a 1 GiB blob from tens of thousands to about a thousand.
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        const bytes = pendingBytes;
        pending.length = 0;
        pendingBytes = 0;
        await guard(() => sink.write(data));
        options.onBytes?.(bytes);
      };
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          if (expectedSize !== undefined && sink.written + pendingBytes + chunk.length > expectedSize) {
            throw fail(`received more than the expected ${expectedSize} bytes`, false);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
        }
      } catch (error) {
        // The connection broke: keep what did arrive, so the resume asks only for the rest.
        if (pendingBytes > 0 && !(error instanceof NotRetryable) && !(error instanceof RegistryError)) {
          await flush().catch(() => undefined);
        }
        throw error;
      }
      await flush();
      if (expectedSize !== undefined && sink.written < expectedSize) {
        throw fail(`body ended after ${sink.written} of ${expectedSize} bytes`, true);
      }
      return { digest, size: sink.written };
    },
  });
}

const WRITE_BATCH_BYTES = 1024 * 1024;

/** Sink failures (disk full, verification) are not the registry's fault: never retry them. */
async function guard(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    throw new NotRetryable(err);
  }
}

/**
 * Opens a blob (optionally from `offset`) as a stream, for serving on demand. Retries happen only until the
 * response headers arrive; after that the caller owns the stream and its errors.
 */
export async function openBlobStream(
  requester: RegistryRequester,
  name: string,
  digest: Digest,
  options: { offset?: number; signal?: AbortSignal } = {},
): Promise<BlobStream> {
  assertRepositoryName(name);
  assertDigest(digest);
  const offset = options.offset ?? 0;
  return requester.run({
    method: 'GET',
    repository: name,
    signal: options.signal,
    streams: true,
    build: () => ({ path: `/v2/${name}/blobs/${digest}`, headers: rangeHeader(offset) }),
    handle: async (res: HttpResponse, url) => {
      const length = Number(header(res, 'content-length'));
      const contentLength = Number.isFinite(length) ? length : undefined;
      if (res.statusCode === 206) {
        const range = parseContentRange(header(res, 'content-range'));
        if (range?.start !== offset) {
          throw new RegistryError({
            method: 'GET',
            url: url.toString(),
            status: 206,
            detail: `asked for bytes=${offset}- but got Content-Range ${header(res, 'content-range')}`,
            retryable: false,
          });
        }
        return {
          status: 206,
          stream: res.body,
          size: range.total,
          contentLength,
          offset,
          contentType: header(res, 'content-type'),
        };
      }
      if (offset > 0) {
        // The registry ignored Range; skipping `offset` bytes here would hide a full download behind a range request.
        throw new RegistryError({
          method: 'GET',
          url: url.toString(),
          status: res.statusCode,
          code: 'RANGE_NOT_SUPPORTED',
          detail: `asked for bytes=${offset}- but the registry sent the whole blob`,
          retryable: false,
        });
      }
      return {
        status: res.statusCode,
        stream: res.body,
        size: contentLength,
        contentLength,
        offset: 0,
        contentType: header(res, 'content-type'),
      };
    },
  });
}
