import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciDelete,
  distributionsNetbootOciList,
  distributionsNetbootOciPartialUpdate,
  distributionsNetbootOciRead,
} from '../../../../openapi/client/sdk.gen';
import type { CreateDistributionRequest, DistributionResponse } from '../../../../openapi/client/types.gen';
import { nullableText } from '../args/option-values';
import { call } from '../api/api-client';
import { API_ROOT, resolveHref } from '../api/href';
import { UsageError } from '../cli-error';
import type { Context, GroupDef, OptionDef } from './command.types';
import { crudCommands } from './crud.commands';
import { DISTRIBUTION, reference, REPOSITORY } from './lookups';

/** `fedora:3` (repository name or href, colon, number) or a version href; "" unpins. */
export async function repositoryVersion(raw: string, ctx: Context, flag: string): Promise<string | null> {
  if (raw === '') return null;
  if (raw.startsWith(API_ROOT) && raw.includes('/versions/')) return raw;
  const match = /^(.+):(\d+)$/.exec(raw);
  if (!match) throw new UsageError(`${flag} takes REPOSITORY:NUMBER (e.g. fedora:3) or a version href`);
  return `${await resolveHref(ctx, REPOSITORY, match[1]!)}versions/${match[2]}/`;
}

const OPTIONS: Record<string, OptionDef> = {
  'base-path': { type: 'string', value: 'PATH', field: 'base_path', description: 'Serve at /pulp/content/PATH/' },
  repository: {
    type: 'string',
    value: 'REPO',
    field: 'repository',
    convert: reference(REPOSITORY),
    description: "Serve this repository's latest version (name or href)",
  },
  version: {
    type: 'string',
    value: 'REPO:N',
    field: 'repository_version',
    convert: repositoryVersion,
    description: 'Serve exactly this version (REPO:N or href)',
  },
  'kernel-args': {
    type: 'string',
    value: 'ARGS',
    field: 'kernel_args',
    convert: nullableText,
    description: 'Kernel arguments for generated boot scripts',
  },
  private: {
    type: 'boolean',
    field: 'private',
    set: true,
    description: 'Require an API token or a signed URL for the files',
  },
  public: { type: 'boolean', field: 'private', set: false, description: 'Serve the files to anyone' },
  hidden: { type: 'boolean', field: 'hidden', set: true, description: 'Leave out of listings' },
  listed: { type: 'boolean', field: 'hidden', set: false, description: 'Show in listings' },
  'https-only': {
    type: 'boolean',
    field: 'https_only',
    set: true,
    description: 'Serve over HTTPS only; plain HTTP gets 403 naming the https URL',
  },
  'allow-http': { type: 'boolean', field: 'https_only', set: false, description: 'Serve over plain HTTP too' },
};

export const distributionGroup: GroupDef = {
  name: 'distribution',
  summary: 'Published content at stable URLs',
  commands: crudCommands<DistributionResponse>({
    lookup: DISTRIBUTION,
    columns: [
      { header: 'name', value: (d) => d.name },
      { header: 'base url', value: (d) => d.base_url },
      { header: 'serves', value: (d) => d.repository_version ?? d.repository },
      { header: 'private', value: (d) => (d.private ? 'yes' : 'no') },
      { header: 'href', value: (d) => d.pulp_href },
    ],
    createOptions: OPTIONS,
    updateOptions: OPTIONS,
    createDescription: 'Needs --base-path and one of --repository or --version.',
    list: (ctx, query) => call(distributionsNetbootOciList({ client: ctx.client, query })),
    read: (ctx, id) => call(distributionsNetbootOciRead({ client: ctx.client, path: { id } })),
    create: (ctx, body) =>
      call(distributionsNetbootOciCreate({ client: ctx.client, body: body as CreateDistributionRequest })),
    update: (ctx, id, body) => call(distributionsNetbootOciPartialUpdate({ client: ctx.client, path: { id }, body })),
    remove: (ctx, id) => call(distributionsNetbootOciDelete({ client: ctx.client, path: { id } })),
  }),
};
