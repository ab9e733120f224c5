import { type Digest, sha256Digest } from '@app/oci';
import { SYNC_PROGRESS } from '@app/queue';
import { allowLinkedRequests, type RegistryClient } from '@app/registry-client';
import { DigestMismatchError, type StorageDriver } from '@app/storage';
import type { Logger } from 'pino';
import { TaskCanceledError } from '../tasks/task-context';
import { mapLimit } from './map-limit';
import type { BlobRef } from './sync.types';
import type { ScanProgress } from './upstream.scanner';

// Blobs whose bytes everyone knows: the OCI empty config `{}` and the empty blob. Never worth a request.
const WELL_KNOWN = new Map<Digest, Buffer>(
  [Buffer.from('{}'), Buffer.alloc(0)].map((bytes) => [sha256Digest(bytes), bytes]),
);

export interface DownloadOptions {
  storage: StorageDriver;
  client: Pick<RegistryClient, 'downloadBlob' | 'downloadConcurrency'>;
  registryUrl: string;
  upstreamName: string;
  /** Temporaries are named by it, so the same task re-run after a crash resumes them. */
  resumeKey: string;
  signal: AbortSignal;
  report: ScanProgress;
  logger: Logger;
}

/**
 * Downloads blobs into storage, `downloadConcurrency` at a time. Each goes to a keyed temporary and becomes
 * visible only after its digest and size are verified. The first failure (or a cancel) stops the others at
 * once and removes their temporaries.
 */
export async function downloadBlobs(blobs: readonly BlobRef[], options: DownloadOptions): Promise<void> {
  const { report } = options;
  report.progress(SYNC_PROGRESS.blobs, { message: 'Downloading blobs', total: blobs.length, done: 0 });
  report.progress(SYNC_PROGRESS.bytes, {
    message: 'Downloading bytes',
    total: blobs.reduce((sum, blob) => sum + blob.size, 0),
    done: 0,
    suffix: 'bytes',
  });
  const stop = new AbortController();
  allowLinkedRequests(stop.signal);
  const onCancel = () => stop.abort(options.signal.reason);
  options.signal.addEventListener('abort', onCancel, { once: true });
  try {
    await mapLimit(blobs, options.client.downloadConcurrency, async (blob) => {
      try {
        await downloadOne(blob, { ...options, signal: stop.signal });
      } catch (error) {
        stop.abort(error);
        throw error;
      }
      report.advance(SYNC_PROGRESS.blobs);
    });
  } catch (error) {
    if (options.signal.aborted) throw new TaskCanceledError();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onCancel);
  }
  report.progress(SYNC_PROGRESS.blobs, { state: 'completed' });
  report.progress(SYNC_PROGRESS.bytes, { state: 'completed' });
}

async function downloadOne(blob: BlobRef, options: DownloadOptions): Promise<void> {
  const { storage, report, signal } = options;
  signal.throwIfAborted();
  // A verified file from an earlier run (killed before it recorded the blob) or from another repository.
  if (await storage.stat(blob.digest)) {
    report.advance(SYNC_PROGRESS.bytes, blob.size);
    return;
  }
  const writer = await storage.createWriter(blob.digest, { expectedSize: blob.size, resumeKey: options.resumeKey });
  try {
    if (writer.written > 0) {
      options.logger.info({ digest: blob.digest, offset: writer.written }, 'resuming a partial download');
      report.advance(SYNC_PROGRESS.bytes, writer.written);
    }
    const known = WELL_KNOWN.get(blob.digest);
    if (known) {
      await writer.reset();
      await writer.write(known);
      report.advance(SYNC_PROGRESS.bytes, known.length);
    } else {
      await options.client.downloadBlob(options.upstreamName, blob.digest, writer, {
        expectedSize: blob.size,
        signal,
        onBytes: (n) => report.advance(SYNC_PROGRESS.bytes, n),
      });
    }
    await writer.commit();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    if (signal.aborted && !(error instanceof DigestMismatchError)) throw error;
    throw describe(blob, options, error);
  }
}

/** Names the file and the URL, so a user knows what to look at upstream. */
function describe(blob: BlobRef, options: DownloadOptions, error: unknown): Error {
  const url = `${options.registryUrl.replace(/\/+$/, '')}/v2/${options.upstreamName}/blobs/${blob.digest}`;
  if (error instanceof DigestMismatchError) {
    return new Error(
      `${blob.label}: the bytes downloaded from ${url} hash to ${error.actual}, not ${blob.digest}; nothing was stored`,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  // RegistryError messages already carry the method, URL and status.
  return new Error(message.includes(url) ? `${blob.label}: ${message}` : `${blob.label} (${url}): ${message}`, {
    cause: error,
  });
}
