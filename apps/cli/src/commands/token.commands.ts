import { tokensCreate, tokensDelete, tokensList } from '../../../../openapi/client/sdk.gen';
import type { TokenResponse } from '../../../../openapi/client/types.gen';
import { call } from '../api/api-client';
import { idOf, resolveHref } from '../api/href';
import { UsageError } from '../cli-error';
import { printPage } from '../output/printer';
import type { GroupDef } from './command.types';
import { LIST_OPTIONS, listQuery } from './crud.commands';
import { TOKEN } from './lookups';

export const tokenGroup: GroupDef = {
  name: 'token',
  summary: 'API tokens for scripts and integrations (Bearer)',
  commands: [
    {
      name: 'create',
      summary: 'Create a token and print it (shown this once)',
      args: ['NAME'],
      description: 'Prints only the token on stdout, so TOKEN=$(bootdepot token create ci) works.',
      options: {
        'expires-at': { type: 'string', value: 'TIME', description: 'ISO 8601 time it stops working (default never)' },
      },
      async run(ctx, [name], values) {
        const expires = values['expires-at'];
        if (typeof expires === 'string' && Number.isNaN(Date.parse(expires))) {
          throw new UsageError(`--expires-at must be an ISO 8601 time, not "${expires}"`, ['token', 'create']);
        }
        const body = {
          name: name!,
          ...(typeof expires === 'string' && { expires_at: new Date(expires).toISOString() }),
        };
        const created = await call(tokensCreate({ client: ctx.client, body }));
        if (ctx.output === 'json') return ctx.io.out(`${JSON.stringify(created, null, 2)}\n`);
        ctx.io.out(`${created.token}\n`);
        ctx.io.err(`token "${created.name}" created; it is shown only this once\n`);
      },
    },
    {
      name: 'list',
      summary: 'List tokens (never the secrets)',
      options: LIST_OPTIONS,
      async run(ctx, _args, values) {
        const page = await call(tokensList({ client: ctx.client, query: listQuery(ctx, values) }));
        printPage<TokenResponse>(ctx, page, [
          { header: 'name', value: (t) => t.name },
          { header: 'prefix', value: (t) => t.prefix },
          { header: 'created', value: (t) => t.pulp_created },
          { header: 'expires', value: (t) => t.expires_at },
          { header: 'last used', value: (t) => t.last_used_at },
        ]);
      },
    },
    {
      name: 'revoke',
      summary: 'Revoke a token; it stops working at once',
      args: ['NAME|HREF'],
      async run(ctx, [target]) {
        const href = await resolveHref(ctx, TOKEN, target!);
        await call(tokensDelete({ client: ctx.client, path: { id: idOf(href) } }));
        ctx.io.err(`revoked token ${target}\n`);
      },
    },
  ],
};
