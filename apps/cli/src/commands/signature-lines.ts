import { SIGNATURE_REPORT_PREFIX, SYNC_PROGRESS } from '@app/queue';

/**
 * What a sync with a signature policy says about signatures: the summary (`… of … tags verified`) and one line
 * per tag that was skipped (`require`) or synced unverified (`record`), with its reason.
 */
export function signatureLines(reports: readonly { code: string; message: string }[]): string[] {
  const summary = reports.find((report) => report.code === SYNC_PROGRESS.signatures);
  if (!summary) return [];
  const prefixes = Object.values<string>(SIGNATURE_REPORT_PREFIX).map((prefix) => `${prefix}:`);
  const perTag = reports.filter((report) => prefixes.some((prefix) => report.code.startsWith(prefix)));
  return [
    `signatures: ${summary.message.replace(/^Verifying signatures: /, '')}`,
    ...perTag.map((r) => `  ${r.message}`),
  ];
}
