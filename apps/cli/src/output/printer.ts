import type { Context } from '../commands/command.types';
import { renderRecord, renderTable, type Column } from './table.render';

export interface Page<T> {
  count: number;
  results: T[];
}

/** A list: the API page as is in json mode, a table otherwise (with a note when the page is partial). */
export function printPage<T>(ctx: Context, page: Page<T>, columns: readonly Column<T>[]): void {
  if (ctx.output === 'json') return ctx.io.out(`${JSON.stringify(page, null, 2)}\n`);
  ctx.io.out(renderTable(page.results, columns));
  if (page.count > page.results.length) {
    ctx.io.err(`(${page.results.length} of ${page.count} shown; use --limit and --offset for more)\n`);
  }
}

/** One object: the API object as is in json mode, `key: value` lines otherwise. */
export function printObject(ctx: Context, object: object): void {
  ctx.io.out(ctx.output === 'json' ? `${JSON.stringify(object, null, 2)}\n` : renderRecord(object));
}
