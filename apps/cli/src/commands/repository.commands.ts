import {
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciDelete,
  repositoriesNetbootOciList,
  repositoriesNetbootOciPartialUpdate,
  repositoriesNetbootOciRead,
  repositoriesNetbootOciVersionsList,
} from '../../../../openapi/client/sdk.gen';
import type { CreateRepositoryRequest, RepositoryResponse } from '../../../../openapi/client/types.gen';
import { nullableInteger, nullableText } from '../args/option-values';
import { call } from '../api/api-client';
import { idOf, resolveHref } from '../api/href';
import type { GroupDef, OptionDef } from './command.types';
import { crudCommands, LIST_OPTIONS, listQuery } from './crud.commands';
import { reference, REMOTE, REPOSITORY } from './lookups';
import { printPage } from '../output/printer';
import { modifyCommand } from './modify.command';
import { syncCommand } from './sync.command';
import { summaryText } from './content-summary';

const OPTIONS: Record<string, OptionDef> = {
  remote: {
    type: 'string',
    value: 'REMOTE',
    field: 'remote',
    convert: reference(REMOTE),
    description: 'Default remote for syncs (name or href; "" = none)',
  },
  description: { type: 'string', value: 'TEXT', field: 'description', convert: nullableText, description: 'Free text' },
  'retain-repo-versions': {
    type: 'string',
    value: 'N',
    field: 'retain_repo_versions',
    convert: nullableInteger,
    description: 'Keep only the N latest versions ("" = all)',
  },
};

export const repositoryGroup: GroupDef = {
  name: 'repository',
  summary: 'Repositories: synced, versioned content',
  commands: [
    ...crudCommands<RepositoryResponse>({
      lookup: REPOSITORY,
      columns: [
        { header: 'name', value: (r) => r.name },
        { header: 'latest', value: (r) => Number(idOf(r.latest_version_href)), align: 'right' },
        { header: 'retain', value: (r) => r.retain_repo_versions, align: 'right' },
        { header: 'remote', value: (r) => r.remote },
        { header: 'href', value: (r) => r.pulp_href },
      ],
      createOptions: OPTIONS,
      updateOptions: OPTIONS,
      list: (ctx, query) => call(repositoriesNetbootOciList({ client: ctx.client, query })),
      read: (ctx, id) => call(repositoriesNetbootOciRead({ client: ctx.client, path: { id } })),
      create: (ctx, body) =>
        call(repositoriesNetbootOciCreate({ client: ctx.client, body: body as CreateRepositoryRequest })),
      update: (ctx, id, body) => call(repositoriesNetbootOciPartialUpdate({ client: ctx.client, path: { id }, body })),
      remove: (ctx, id) => call(repositoriesNetbootOciDelete({ client: ctx.client, path: { id } })),
    }),
    syncCommand,
    modifyCommand,
    {
      name: 'versions',
      summary: "List a repository's versions, newest first",
      args: ['NAME|HREF'],
      options: LIST_OPTIONS,
      async run(ctx, [target], values) {
        const id = idOf(await resolveHref(ctx, REPOSITORY, target!));
        const query = { ...listQuery(ctx, values), ordering: '-number' };
        const page = await call(repositoriesNetbootOciVersionsList({ client: ctx.client, path: { id }, query }));
        printPage(ctx, page, [
          { header: 'number', value: (v) => v.number, align: 'right' },
          { header: 'created', value: (v) => v.pulp_created },
          { header: 'present', value: (v) => summaryText(v.content_summary.present) },
          { header: 'added', value: (v) => summaryText(v.content_summary.added) },
          { header: 'removed', value: (v) => summaryText(v.content_summary.removed) },
          { header: 'href', value: (v) => v.pulp_href },
        ]);
      },
    },
  ],
};
