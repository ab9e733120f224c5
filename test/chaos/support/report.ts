import type { LoadCounters } from './load';

export interface ScenarioRow {
  scenario: string;
  /** Completed, digest-correct downloads during the scenario. */
  served: number;
  /** Attempts that failed and were retried / downloads that failed every attempt / wrong bytes delivered. */
  attemptErrors: number;
  failedDownloads: number;
  corrupt: number;
  refetched: string;
  recover: string;
  outcome: string;
  violations: string[];
  errorKinds: Record<string, number>;
}

export function rowFrom(
  scenario: string,
  load: LoadCounters,
  result: { refetched?: string; recover: string; outcome: string },
  violations: string[],
): ScenarioRow {
  return {
    scenario,
    served: load.served,
    attemptErrors: load.attemptErrors,
    failedDownloads: load.failedDownloads,
    corrupt: load.corrupt,
    refetched: result.refetched ?? '–',
    recover: result.recover,
    outcome: result.outcome,
    violations,
    errorKinds: load.errorKinds,
  };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The table as Markdown, so the same text goes to the console and into docs/RELIABILITY.md. */
export function renderTable(rows: ScenarioRow[]): string {
  const head = [
    'scenario',
    'requests served',
    'client errors (retried / failed / corrupt)',
    'bytes re-fetched',
    'time to recover',
    'outcome',
    'invariants',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const kinds = Object.entries(row.errorKinds)
      .map(([kind, n]) => `${kind}×${n}`)
      .join(', ');
    lines.push(
      `| ${[
        row.scenario,
        row.served,
        `${row.attemptErrors} / ${row.failedDownloads} / ${row.corrupt}${kinds ? ` (${kinds})` : ''}`,
        row.refetched,
        row.recover,
        row.outcome,
        row.violations.length ? row.violations.join('; ') : 'ok',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
