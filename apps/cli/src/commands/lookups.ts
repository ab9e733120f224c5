import {
  distributionsNetbootOciList,
  remotesNetbootOciList,
  repositoriesNetbootOciList,
  syncSchedulesList,
  tokensList,
} from '../../../../openapi/client/sdk.gen';
import { byName, resolveHref, type Lookup } from '../api/href';
import type { Context } from './command.types';

const V3 = '/pulp/api/v3';

export const REMOTE: Lookup = {
  noun: 'remote',
  prefix: `${V3}/remotes/netboot/oci/`,
  findByName: byName(remotesNetbootOciList),
};
export const REPOSITORY: Lookup = {
  noun: 'repository',
  prefix: `${V3}/repositories/netboot/oci/`,
  findByName: byName(repositoriesNetbootOciList),
};
export const DISTRIBUTION: Lookup = {
  noun: 'distribution',
  prefix: `${V3}/distributions/netboot/oci/`,
  findByName: byName(distributionsNetbootOciList),
};
export const SCHEDULE: Lookup = {
  noun: 'schedule',
  prefix: `${V3}/sync-schedules/`,
  findByName: byName(syncSchedulesList),
};
export const TOKEN: Lookup = { noun: 'token', prefix: `${V3}/tokens/`, findByName: byName(tokensList) };

/** An option converter resolving a name (or href) of `lookup`'s kind; an empty value clears the reference. */
export function reference(lookup: Lookup) {
  return (raw: string, ctx: Context): Promise<string | null> | null =>
    raw === '' ? null : resolveHref(ctx, lookup, raw);
}
