import { API_ROOT as V3_ROOT } from '@app/hrefs';
import { CliError, UsageError } from '../cli-error';
import type { Context } from '../commands/command.types';
import { call } from './api-client';

/** Every href starts with it (the API root with its slash). */
export const API_ROOT = `${V3_ROOT}/`;

/** The id at the end of an href (`…/<id>/`), which the generated client wants as the `id` path parameter. */
export function idOf(href: string): string {
  return href.replace(/\/+$/, '').split('/').pop()!;
}

/** A kind of object that can be looked up by name. */
export interface Lookup {
  noun: string;
  /** Every href of this kind starts with it, e.g. `/pulp/api/v3/remotes/netboot/oci/`. */
  prefix: string;
  findByName(ctx: Context, name: string): Promise<{ results: { pulp_href: string }[] }>;
}

/** An href is used as is (after checking its kind); anything else is a name, looked up with the `name` filter. */
export async function resolveHref(ctx: Context, lookup: Lookup, ref: string): Promise<string> {
  if (ref.startsWith(API_ROOT)) {
    if (!ref.startsWith(lookup.prefix)) throw new UsageError(`${ref} is not a ${lookup.noun} href`);
    return ref.endsWith('/') ? ref : `${ref}/`;
  }
  const page = await lookup.findByName(ctx, ref);
  const found = page.results[0];
  if (!found) throw new CliError(`no ${lookup.noun} named "${ref}"`);
  return found.pulp_href;
}

/** `sdkList(...)` bound to a name filter, for a Lookup. */
export function byName<T extends { results: { pulp_href: string }[] }>(
  list: (options: { client: Context['client']; query: { name: string } }) => Promise<{ data?: T; response?: Response }>,
) {
  return (ctx: Context, name: string) => call<T>(list({ client: ctx.client, query: { name } }));
}
