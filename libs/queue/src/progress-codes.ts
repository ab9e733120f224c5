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

/** Progress report codes of an export (tar writing). */
export const EXPORT_PROGRESS = {
  manifests: 'export.manifests',
  blobs: 'export.blobs',
  bytes: 'export.bytes',
} as const;

/** Progress report codes of an import: files verified first, then blobs stored, then versions created. */
export const IMPORT_PROGRESS = {
  files: 'import.verifying.files',
  blobs: 'import.blobs',
  bytes: 'import.bytes',
  versions: 'import.versions',
} as const;

/** The byte-count report of any task that moves blobs, in the order the CLI looks for one. */
export const BYTES_PROGRESS_CODES: readonly string[] = [
  SYNC_PROGRESS.bytes,
  IMPORT_PROGRESS.bytes,
  EXPORT_PROGRESS.bytes,
];
/** The blob-count report of any task that moves blobs. */
export const BLOBS_PROGRESS_CODES: readonly string[] = [
  SYNC_PROGRESS.blobs,
  IMPORT_PROGRESS.blobs,
  EXPORT_PROGRESS.blobs,
];
