/**
 * The `code` of each progress report a sync writes (Pulp's `progress_reports[].code`). The worker writes them,
 * the CLI draws them and the metrics endpoint sums them, so they are spelled here once; they are part of the
 * API (clients match on them), so a change is a breaking one.
 */
export const SYNC_PROGRESS = {
  tags: 'sync.listing.tags',
  manifests: 'sync.parsing.manifests',
  blobs: 'sync.downloading.blobs',
  bytes: 'sync.downloading.bytes',
  signatures: 'sync.verifying.signatures',
} as const;

/**
 * Prefixes of the one-per-tag reports a sync with a signature policy writes (`<prefix>:<tag>`, message = the
 * reason): `skipped` under `require` (the tag was not synced), `unverified` under `record` (synced anyway).
 */
export const SIGNATURE_REPORT_PREFIX = {
  skipped: 'sync.signatures.skipped',
  unverified: 'sync.signatures.unverified',
} as const;

export type SyncProgressCode = (typeof SYNC_PROGRESS)[keyof typeof SYNC_PROGRESS];
