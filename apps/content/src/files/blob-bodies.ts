import type { StorageDriver } from '@app/storage';
import { WELL_KNOWN_BLOBS } from '@app/oci';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { type BodySource, MemorySource } from '../http/body-source';
import { isNotModified } from '../http/conditional';
import { type EntityMeta, type KeepAnswer, sendEntity } from '../http/entity.sender';
import type { MaybePromise } from '../http/maybe-promise';
import { type BlobFailure, blobFailure } from '../ondemand/blob-failure';
import type { OnDemandFetcher } from '../ondemand/on-demand.fetcher';
import type { BlobRef } from '../resolve/content-views';
import type { PresignedRedirect } from './presigned-redirect';
import { type StoredBlobs, storedBlobsFor } from './stored-blobs';
import type { XAccelOffload } from './x-accel.offload';

const SMALL_BLOB = 64 * 1024;
const SMALL_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The bytes of a blob: small blobs from memory (a stat/open/read/close per request costs 200-350 µs of CPU,
 * against nginx's 28 µs), stored blobs through the driver's `StoredBlobs` (a FileHandle for local files, ranged
 * reads for an object store) or a presigned redirect, missing ones from the on-demand fetcher. Blobs are
 * immutable by digest, so the memory copy never needs invalidation, only eviction.
 */
export class BlobBodies {
  private readonly small = new Map<string, Buffer>();
  private smallBytes = 0;

  private readonly stored: StoredBlobs;

  constructor(
    storage: StorageDriver,
    private readonly onDemand: OnDemandFetcher,
    private readonly logger: Logger,
    /** CONTENT_OFFLOAD=x-accel: stored files above the in-memory size are sent by nginx. */
    private readonly offload: XAccelOffload | null = null,
    /** CONTENT_REDIRECT=presigned: stored files above the in-memory size are fetched from the object store. */
    private readonly redirect?: PresignedRedirect,
  ) {
    this.stored = storedBlobsFor(storage);
  }

  /**
   * Answers a request for a blob's bytes, on either route. A blob that cannot be had (no remote can provide it,
   * the upstream failed) before the headers went out is answered by `refuse` in the route's own error format;
   * after that the connection is cut. A small blob already in memory is answered synchronously.
   */
  send(
    req: IncomingMessage,
    res: ServerResponse,
    blob: BlobRef,
    meta: Pick<EntityMeta, 'contentType' | 'lastModified' | 'cacheControl' | 'headers'>,
    refuse: (failure: BlobFailure) => void,
    fileName?: string,
    /** Offered the whole answer when it went out from memory (ReadyAnswers). */
    keep?: KeepAnswer,
  ): Promise<void> | void {
    // Built field by field, one shape for every blob (spread-built objects cost time on the hot path).
    const entity: EntityMeta = {
      size: blob.size,
      etag: `"${blob.digest}"`,
      contentType: meta.contentType,
      lastModified: meta.lastModified,
      cacheControl: meta.cacheControl,
      headers: meta.headers,
    };
    try {
      // Small blobs stay in-process, where a redirect would cost more than the bytes.
      if (
        this.redirect?.accepts(req) &&
        blob.size > SMALL_BLOB &&
        !isNotModified(req.headers, entity.etag, entity.lastModified)
      ) {
        return this.redirectOrSend(req, res, blob, entity, fileName).catch((error: unknown) =>
          this.failed(error, res, blob, refuse),
        );
      }
      const sent = sendEntity(req, res, entity, () => this.open(blob), this.offloadFor(blob), keep);
      return sent instanceof Promise ? sent.catch((error: unknown) => this.failed(error, res, blob, refuse)) : sent;
    } catch (error) {
      this.failed(error, res, blob, refuse);
    }
  }

  /** Before any header went out, a blob that cannot be had is the route's refusal; after, the error stands. */
  private failed(error: unknown, res: ServerResponse, blob: BlobRef, refuse: (failure: BlobFailure) => void): void {
    const failure = res.headersSent ? undefined : blobFailure(error, blob.digest, this.logger);
    if (!failure) throw error;
    refuse(failure);
  }

  private async redirectOrSend(
    req: IncomingMessage,
    res: ServerResponse,
    blob: BlobRef,
    entity: EntityMeta,
    fileName?: string,
  ): Promise<void> {
    if (await this.redirect!.send(res, blob, entity, fileName)) return;
    await sendEntity(req, res, entity, () => this.open(blob), this.offloadFor(blob));
  }

  /** Small blobs are answered from memory, cheaper than nginx's internal redirect and open/stat. */
  private offloadFor(blob: BlobRef): (() => Promise<string | null>) | undefined {
    return this.offload && blob.size > SMALL_BLOB ? () => this.offload!.target(blob.digest, blob.size) : undefined;
  }

  /** The blob's bytes: at once when they are in memory, else from storage or the on-demand fetcher. */
  open(blob: BlobRef): MaybePromise<BodySource> {
    // A sync may not store the empty config every artifact references: its bytes follow from the digest.
    const cached = this.small.get(blob.digest) ?? WELL_KNOWN_BLOBS.get(blob.digest);
    if (cached) return new MemorySource(cached);
    return this.read(blob);
  }

  private async read(blob: BlobRef): Promise<BodySource> {
    if (blob.size > SMALL_BLOB) return (await this.stored.open(blob)) ?? this.onDemand.open(blob);
    const bytes = await this.stored.readAll(blob);
    if (!bytes) return this.onDemand.open(blob);
    if (bytes.length !== blob.size)
      throw new Error(`${blob.digest} is ${bytes.length} bytes in storage, not ${blob.size}`);
    this.remember(blob.digest, bytes);
    return new MemorySource(bytes);
  }

  private remember(digest: string, bytes: Buffer): void {
    this.small.set(digest, bytes);
    this.smallBytes += bytes.length;
    // Map iteration is insertion order: drop the oldest first.
    for (const [key, value] of this.small) {
      if (this.smallBytes <= SMALL_CACHE_BYTES) break;
      this.small.delete(key);
      this.smallBytes -= value.length;
    }
  }
}
