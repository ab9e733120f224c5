import { integer, bodyFrom } from '../args/option-values';
import { idOf, resolveHref, type Lookup } from '../api/href';
import { UsageError } from '../cli-error';
import { printObject, printPage, type Page } from '../output/printer';
import type { Column } from '../output/table.render';
import type { CommandDef, Context, OptionDef, OptionValues } from './command.types';

export interface ListQuery {
  limit: number;
  offset?: number;
  name__icontains?: string;
}

/** What `create|list|show|update|delete` need to know about one kind of named object. */
export interface ResourceSpec<T extends { pulp_href: string }> {
  lookup: Lookup;
  columns: Column<T>[];
  list(ctx: Context, query: ListQuery): Promise<Page<T>>;
  read(ctx: Context, id: string): Promise<T>;
  create(ctx: Context, body: Record<string, unknown>): Promise<T>;
  update(ctx: Context, id: string, body: Record<string, unknown>): Promise<T>;
  remove(ctx: Context, id: string): Promise<unknown>;
  createOptions: Record<string, OptionDef>;
  updateOptions: Record<string, OptionDef>;
  createDescription?: string;
  /** Adds fields that do not come straight from an option (a secret read from stdin). */
  completeBody?(
    ctx: Context,
    values: OptionValues,
    body: Record<string, unknown>,
    verb: 'create' | 'update',
  ): Promise<void>;
}

export const LIST_OPTIONS: Record<string, OptionDef> = {
  limit: { type: 'string', value: 'N', description: 'At most N results (default 100)' },
  offset: { type: 'string', value: 'N', description: 'Skip the first N results' },
};

export function listQuery(ctx: Context, values: OptionValues): { limit: number; offset?: number } {
  const limit = values.limit === undefined ? 100 : integer(String(values.limit), ctx, '--limit');
  return { limit, ...(values.offset !== undefined && { offset: integer(String(values.offset), ctx, '--offset') }) };
}

export function crudCommands<T extends { pulp_href: string }>(spec: ResourceSpec<T>): CommandDef[] {
  const noun = spec.lookup.noun;
  const ref = `NAME|HREF`;
  const updateOptions: Record<string, OptionDef> = {
    'new-name': { type: 'string', value: 'NAME', field: 'name', description: `Rename the ${noun}` },
    ...spec.updateOptions,
  };
  return [
    {
      name: 'create',
      summary: `Create a ${noun}`,
      args: ['NAME'],
      description: spec.createDescription,
      options: spec.createOptions,
      async run(ctx, [name], values) {
        const body = { name, ...(await bodyFrom(ctx, spec.createOptions, values)) };
        await spec.completeBody?.(ctx, values, body, 'create');
        printObject(ctx, await spec.create(ctx, body));
      },
    },
    {
      name: 'list',
      summary: `List ${noun}s`,
      options: {
        ...LIST_OPTIONS,
        'name-contains': { type: 'string', value: 'TEXT', description: 'Only names containing TEXT (any case)' },
      },
      async run(ctx, _args, values) {
        const contains = values['name-contains'];
        const query = { ...listQuery(ctx, values), ...(typeof contains === 'string' && { name__icontains: contains }) };
        printPage(ctx, await spec.list(ctx, query), spec.columns);
      },
    },
    {
      name: 'show',
      summary: `Show one ${noun}`,
      args: [ref],
      async run(ctx, [target]) {
        printObject(ctx, await spec.read(ctx, idOf(await resolveHref(ctx, spec.lookup, target!))));
      },
    },
    {
      name: 'update',
      summary: `Change some fields of a ${noun}`,
      args: [ref],
      description: 'Only the options given change; an empty value (--option "") clears a field that may be empty.',
      options: updateOptions,
      async run(ctx, [target], values) {
        const body = await bodyFrom(ctx, updateOptions, values);
        await spec.completeBody?.(ctx, values, body, 'update');
        if (Object.keys(body).length === 0)
          throw new UsageError('nothing to change: give at least one option', [noun, 'update']);
        const href = await resolveHref(ctx, spec.lookup, target!);
        printObject(ctx, await spec.update(ctx, idOf(href), body));
      },
    },
    {
      name: 'delete',
      summary: `Delete a ${noun}`,
      args: [ref],
      async run(ctx, [target]) {
        const href = await resolveHref(ctx, spec.lookup, target!);
        await spec.remove(ctx, idOf(href));
        ctx.io.err(`deleted ${noun} ${target}\n`);
      },
    },
  ];
}
