import type { Context } from './command.types';

/** A task started without --wait: its href on stdout (for scripts), how to follow it on stderr. */
export function printStartedTask(ctx: Context, task: string): void {
  if (ctx.output === 'json') return ctx.io.out(`${JSON.stringify({ task }, null, 2)}\n`);
  ctx.io.out(`${task}\n`);
  ctx.io.err(`task started; follow it with: bootdepot task show ${task}\n`);
}
