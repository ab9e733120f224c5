import { RegistryError } from '@app/registry-client';
import type { Logger } from 'pino';
import { BlobUnavailableError } from './on-demand.fetcher';

/**
 * Why a blob could not be opened, in the terms both serving routes answer with: 404 when no remote can provide
 * it now, 502 when the upstream registry failed (refused, timed out, broke off before the headers).
 */
export interface BlobFailure {
  status: 404 | 502;
  detail: string;
}

/** Maps an error from `BlobBodies.open`; anything else is a bug and stays an exception (a 500). */
export function blobFailure(error: unknown, digest: string, logger: Logger): BlobFailure | undefined {
  if (error instanceof BlobUnavailableError) return { status: 404, detail: error.message };
  if (error instanceof RegistryError) {
    logger.warn({ err: error, digest }, 'upstream refused an on-demand blob');
    return { status: 502, detail: 'upstream registry failed to provide the blob' };
  }
  return undefined;
}
