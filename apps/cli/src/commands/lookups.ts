import {
  distributionsNetbootOciList,
  remotesNetbootOciList,
  repositoriesNetbootOciList,
  syncSchedulesList,
  tokensList,
} from '../../../../openapi/client/sdk.gen';
import { hrefPrefixes } from '@app/hrefs';
import { byName, resolveHref, type Lookup } from '../api/href';
import type { Context } from './command.types';

export const REMOTE: Lookup = {
  noun: 'remote',
  prefix: hrefPrefixes.remote,
  findByName: byName(remotesNetbootOciList),
};
export const REPOSITORY: Lookup = {
  noun: 'repository',
  prefix: hrefPrefixes.repository,
  findByName: byName(repositoriesNetbootOciList),
};
export const DISTRIBUTION: Lookup = {
  noun: 'distribution',
  prefix: hrefPrefixes.distribution,
  findByName: byName(distributionsNetbootOciList),
};
export const SCHEDULE: Lookup = {
  noun: 'schedule',
  prefix: hrefPrefixes.schedule,
  findByName: byName(syncSchedulesList),
};
export const TOKEN: Lookup = { noun: 'token', prefix: hrefPrefixes.token, findByName: byName(tokensList) };

/** An option converter resolving a name (or href) of `lookup`'s kind; an empty value clears the reference. */
export function reference(lookup: Lookup) {
  return (raw: string, ctx: Context): Promise<string | null> | null =>
    raw === '' ? null : resolveHref(ctx, lookup, raw);
}
