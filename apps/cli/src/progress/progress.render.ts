import { BLOBS_PROGRESS_CODES, BYTES_PROGRESS_CODES, SIGNATURE_REPORT_PREFIX, SYNC_PROGRESS } from '@app/queue';
import { formatBytes, formatDuration } from '@app/format';

/** The part of a task's progress report the CLI draws (the API's `ProgressReportResponse`). */
export interface ProgressReport {
  code: string;
  done: number;
  total: number | null;
}

export interface ProgressView {
  /** The task state: `waiting` has no reports yet and deserves its own words. */
  state: string;
  reports: readonly ProgressReport[];
  /** Measured download rate, null until there are enough samples. */
  bytesPerSecond: number | null;
  /** Characters of bar to draw; 0 for plain lines (stderr is not a terminal). */
  barWidth: number;
}

function count(report: ProgressReport): string {
  return report.total === null ? `${report.done}` : `${report.done}/${report.total}`;
}

/** The first report of `codes` the task has: syncs, exports and imports name their byte and blob counts apart. */
export function firstReport(reports: readonly ProgressReport[], codes: readonly string[]): ProgressReport | undefined {
  for (const code of codes) {
    const report = reports.find((r) => r.code === code);
    if (report) return report;
  }
  return undefined;
}

/** Bytes are the best measure of how far a sync (export, import) is; blobs, then manifests, when bytes are unknown. */
export function fractionDone(reports: readonly ProgressReport[]): number | null {
  for (const code of [
    ...BYTES_PROGRESS_CODES,
    ...BLOBS_PROGRESS_CODES,
    SYNC_PROGRESS.manifests,
    SYNC_PROGRESS.checked,
  ]) {
    const report = reports.find((r) => r.code === code);
    if (report && report.total) return Math.min(1, report.done / report.total);
  }
  return null;
}

function bar(fraction: number | null, width: number): string {
  const filled = Math.round((fraction ?? 0) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** One line describing a task's progress: a pure function so the terminal drawing stays dumb. */
export function renderProgress(view: ProgressView): string {
  const byCode = new Map(view.reports.map((r) => [r.code, r]));
  const parts: string[] = [];
  const tags = byCode.get(SYNC_PROGRESS.tags);
  const checked = byCode.get(SYNC_PROGRESS.checked);
  const manifests = byCode.get(SYNC_PROGRESS.manifests);
  const blobs = firstReport(view.reports, BLOBS_PROGRESS_CODES);
  const bytes = firstReport(view.reports, BYTES_PROGRESS_CODES);
  // Tags matter only until manifests start; after that they are noise on a narrow line.
  if (tags && !checked && !manifests) parts.push(`tags ${count(tags)}`);
  // A repository of thousands of tags spends minutes here: one HEAD per tag.
  if (checked && !manifests) parts.push(`tags checked ${count(checked)}`);
  if (manifests) parts.push(`manifests ${count(manifests)}`);
  if (blobs) parts.push(`blobs ${count(blobs)}`);
  if (bytes) {
    parts.push(
      bytes.total === null ? formatBytes(bytes.done) : `${formatBytes(bytes.done)}/${formatBytes(bytes.total)}`,
    );
    if (view.bytesPerSecond !== null && bytes.done !== bytes.total) {
      parts.push(`${formatBytes(view.bytesPerSecond)}/s`);
      if (bytes.total !== null && view.bytesPerSecond > 0) {
        parts.push(`ETA ${formatDuration((bytes.total - bytes.done) / view.bytesPerSecond)}`);
      }
    }
  }
  // Report codes the CLI does not know (other task kinds) still show, generically.
  for (const report of view.reports) {
    if (report === blobs || report === bytes || Object.values<string>(SYNC_PROGRESS).includes(report.code)) continue;
    // Per-tag signature verdicts are printed once the sync is done, not squeezed into the progress line.
    if (Object.values<string>(SIGNATURE_REPORT_PREFIX).some((prefix) => report.code.startsWith(`${prefix}:`))) continue;
    parts.push(`${report.code} ${count(report)}`);
  }
  // Plain lines already start with the state, so they say "waiting for a worker" once, not twice.
  if (view.state === 'waiting' && parts.length === 0)
    parts.push(view.barWidth > 0 ? 'waiting for a worker' : 'for a worker');
  if (view.state === 'canceling') parts.push('canceling');
  const fraction = fractionDone(view.reports);
  const percent = fraction === null ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const head = [view.barWidth > 0 ? bar(fraction, view.barWidth) : view.state, percent].filter(Boolean).join(' ');
  return `${head} ${parts.join('  ')}`.trimEnd();
}
