import type { StorageDriver } from '@app/storage';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BlobsRepository } from '@app/domain';
import type { BodySource } from '../http/body-source';
import type { BlobRef } from '../resolve/content-views';
import { BlobFlight, UpstreamMismatchError } from './blob-flight';
import type { RemoteClients } from './remote-clients';
import { SpoolSource } from './spool.source';

/** The blob is neither in storage nor fetchable from any remote right now. */
export class BlobUnavailableError extends Error {
  override readonly name = 'BlobUnavailableError';
}

const MISMATCH_COOL_DOWN_SECONDS = 15 * 60;

/**
 * on_demand and streamed content: the first request for a missing blob starts one upstream download;
 * concurrent requests for the same digest join it (single-flight). For on_demand the verified bytes are
 * then committed to storage through the driver (which verifies again and renames atomically).
 */
export class OnDemandFetcher {
  private readonly flights = new Map<string, Promise<BlobFlight>>();

  constructor(
    private readonly options: {
      blobs: BlobsRepository;
      storage: StorageDriver;
      storageRoot: string;
      remotes: RemoteClients;
      logger: Logger;
    },
  ) {}

  /** Number of downloads in progress (tests and metrics). */
  get inFlight(): number {
    return this.flights.size;
  }

  async open(blob: BlobRef): Promise<BodySource> {
    let flight = this.flights.get(blob.digest);
    if (!flight) {
      flight = this.start(blob);
      this.flights.set(blob.digest, flight);
      flight.catch(() => this.flights.get(blob.digest) === flight && this.flights.delete(blob.digest));
    }
    return new SpoolSource(await flight);
  }

  /** Resolves once the upstream answered with headers, so a missing blob can still be a clean 404/502. */
  private async start(blob: BlobRef): Promise<BlobFlight> {
    const source = await this.options.remotes.sourceFor(blob.blobId);
    if (!source) throw new BlobUnavailableError(`${blob.digest} is not stored and no remote can provide it`);
    const upstream = await source.client.openBlobStream(source.upstreamName, blob.digest);
    const flight = new BlobFlight(blob, join(this.options.storageRoot, 'tmp'));
    try {
      await flight.openSpool();
    } catch (error) {
      upstream.stream.destroy();
      throw error;
    }
    void this.finish(flight, upstream.stream, source).finally(() => {
      this.flights.delete(blob.digest);
      void flight.release();
    });
    return flight;
  }

  private async finish(
    flight: BlobFlight,
    stream: AsyncIterable<Buffer> & { destroy(): void },
    source: { remoteId: string; policy: string },
  ): Promise<void> {
    const { blob } = flight;
    const log = this.options.logger.child({ digest: blob.digest, remoteId: source.remoteId });
    try {
      await flight.fill(stream);
    } catch (error) {
      stream.destroy();
      log.warn({ err: error }, 'on-demand download failed');
      if (error instanceof UpstreamMismatchError) {
        await this.options.remotes
          .markFailed(blob.blobId, source.remoteId, MISMATCH_COOL_DOWN_SECONDS)
          .catch((e: unknown) => log.error({ err: e }, 'could not mark the remote artifact failed'));
      }
      flight.fail(error as Error);
      return;
    }
    if (source.policy === 'streamed') return;
    try {
      await this.store(flight);
      await this.options.blobs.markStored(blob.blobId);
    } catch (error) {
      log.error({ err: error }, 'could not store an on-demand blob; it will be fetched again');
    }
  }

  private async store(flight: BlobFlight): Promise<void> {
    const { blob } = flight;
    const writer = await this.options.storage.createWriter(blob.digest, { expectedSize: blob.size });
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (let position = 0; position < blob.size;) {
        const { bytesRead } = await flight.read(buffer, Math.min(buffer.length, blob.size - position), position);
        if (bytesRead === 0) throw new Error(`spool of ${blob.digest} ended at ${position}`);
        await writer.write(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
}
