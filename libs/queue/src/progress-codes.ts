/**
 * The `code` of each progress report a sync writes (Pulp's `progress_reports[].code`). The worker writes them,
 * the CLI draws them and the metrics endpoint sums them, so they are spelled here once; they are part of the
 * API (clients match on them), so a change is a breaking one.
 */
export const SYNC_PROGRESS = {
  tags: 'sync.listing.tags',
  /** One per tag whose manifest digest upstream was asked for (HEAD), while they run. */
  checked: 'sync.checking.tags',
  manifests: 'sync.parsing.manifests',
  blobs: 'sync.downloading.blobs',
  bytes: 'sync.downloading.bytes',
} as const;

export type SyncProgressCode = (typeof SYNC_PROGRESS)[keyof typeof SYNC_PROGRESS];
