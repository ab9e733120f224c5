import { BYTES_PROGRESS_CODES } from '@app/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import { tasksCancel, tasksRead } from '../../../../openapi/client/sdk.gen';
import type { TaskResponse } from '../../../../openapi/client/types.gen';
import { call } from '../api/api-client';
import { idOf } from '../api/href';
import type { Context } from '../commands/command.types';
import { ExitCode } from '../exit-codes';
import { firstReport, renderProgress } from './progress.render';
import { RateMeter } from './rate-meter';

const FINAL_STATES = new Set<string>(['completed', 'failed', 'canceled']);
const POLL_MS = 500;
// Plain lines go to log files and CI output: often enough to show life, rarely enough to read.
const PLAIN_EVERY_MS = 5_000;
const BAR_WIDTH = 24;

/** Draws progress lines on stderr: one redrawn line on a terminal, periodic plain lines otherwise. */
class ProgressDisplay {
  private readonly meter = new RateMeter();
  private lastPlain = '';
  private lastPlainAt = 0;
  private drawn = false;

  constructor(private readonly ctx: Context) {}

  show(task: TaskResponse, final = false): void {
    const bytes = firstReport(task.progress_reports, BYTES_PROGRESS_CODES);
    if (bytes) this.meter.add(Date.now(), bytes.done);
    const { io } = this.ctx;
    const line = renderProgress({
      state: task.state,
      reports: task.progress_reports,
      bytesPerSecond: this.meter.rate(),
      barWidth: io.stderrIsTTY ? BAR_WIDTH : 0,
    });
    if (io.stderrIsTTY) {
      io.err(`\r\x1b[2K${line.slice(0, Math.max(20, io.stderrColumns - 1))}`);
      this.drawn = true;
      if (final) this.end();
      return;
    }
    const now = Date.now();
    if (line !== this.lastPlain && (final || now - this.lastPlainAt >= PLAIN_EVERY_MS || !this.lastPlain)) {
      io.err(`${line}\n`);
      this.lastPlain = line;
      this.lastPlainAt = now;
    }
  }

  /** Leaves the redrawn line in place and moves below it, so later messages do not overwrite it. */
  end(): void {
    if (this.drawn) this.ctx.io.err('\n');
    this.drawn = false;
  }
}

export type WaitOutcome = { kind: 'finished'; task: TaskResponse } | { kind: 'interrupted'; task: TaskResponse | null };

/**
 * Polls a task to its end, drawing its progress. Ctrl-C cancels the task (the user asked for the work,
 * so leaving it running unseen would surprise them) and a second Ctrl-C exits at once.
 */
export async function waitForTask(ctx: Context, taskHref: string): Promise<WaitOutcome> {
  const display = new ProgressDisplay(ctx);
  const interrupt = new AbortController();
  const off = ctx.io.onInterrupt(() => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    ctx.io.err('\ninterrupted again: exiting; the task may still be running\n');
    ctx.io.exit(ExitCode.Interrupted);
  });
  try {
    for (;;) {
      const task = await call(tasksRead({ client: ctx.client, path: { id: idOf(taskHref) } }));
      if (FINAL_STATES.has(task.state)) {
        display.show(task, true);
        return { kind: 'finished', task };
      }
      display.show(task);
      await sleep(POLL_MS, undefined, { signal: interrupt.signal }).catch(() => undefined);
      if (interrupt.signal.aborted) {
        display.end();
        ctx.io.err(`interrupted: canceling task ${taskHref}\n`);
        const canceled = await call(
          tasksCancel({ client: ctx.client, path: { id: idOf(taskHref) }, body: { state: 'canceled' } }),
        ).catch((error: unknown) => {
          // The task may have ended between the last poll and the Ctrl-C; say so instead of failing.
          ctx.io.err(`could not cancel: ${(error as Error).message}\n`);
          return null;
        });
        return { kind: 'interrupted', task: canceled };
      }
    }
  } finally {
    off();
  }
}

/** The exit code and messages for a finished wait: completed is 0, failed or canceled is 3. */
export function reportOutcome(
  ctx: Context,
  outcome: WaitOutcome,
  describeSuccess: (task: TaskResponse) => void,
): number {
  if (outcome.kind === 'interrupted') return ExitCode.Interrupted;
  const { task } = outcome;
  if (ctx.output === 'json') ctx.io.out(`${JSON.stringify(task, null, 2)}\n`);
  if (task.state === 'completed') {
    if (ctx.output !== 'json') describeSuccess(task);
    return ExitCode.Ok;
  }
  const why = task.error?.description ?? (task.state === 'canceled' ? 'the task was canceled' : 'no reason given');
  ctx.io.err(`error: task ${task.state}: ${why}\n`);
  return ExitCode.TaskFailed;
}
