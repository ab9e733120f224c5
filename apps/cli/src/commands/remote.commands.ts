import { readFileSync } from 'node:fs';
import {
  remotesNetbootOciCreate,
  remotesNetbootOciDelete,
  remotesNetbootOciList,
  remotesNetbootOciPartialUpdate,
  remotesNetbootOciRead,
} from '../../../../openapi/client/sdk.gen';
import type { CreateRemoteRequest, RemoteResponse } from '../../../../openapi/client/types.gen';
import { integer, list, nullableInteger, nullableText, oneOf } from '../args/option-values';
import { call } from '../api/api-client';
import { UsageError } from '../cli-error';
import type { GroupDef, OptionDef } from './command.types';
import { crudCommands } from './crud.commands';
import { REMOTE } from './lookups';

/** A PEM option takes a file path, since nobody pastes certificates on a command line. */
function pemFile(raw: string, _ctx: unknown, flag: string): string | null {
  if (raw === '') return null;
  try {
    return readFileSync(raw, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${raw}: ${(error as Error).message}`);
  }
}

function seconds(raw: string, _ctx: unknown, flag: string): number | null {
  if (raw === '') return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a number of seconds`);
  return value;
}

const REMOTE_PASSWORD_ENV = 'BOOTDEPOT_REMOTE_PASSWORD';

const OPTIONS: Record<string, OptionDef> = {
  url: { type: 'string', value: 'URL', field: 'url', description: 'Registry base URL, e.g. https://quay.io' },
  'upstream-name': { type: 'string', value: 'REPO', field: 'upstream_name', description: 'Repository at the registry' },
  'include-tags': {
    type: 'string',
    value: 'GLOBS',
    field: 'include_tags',
    convert: list,
    description: 'Tags to sync, comma-separated globs ("" = all)',
  },
  'exclude-tags': {
    type: 'string',
    value: 'GLOBS',
    field: 'exclude_tags',
    convert: list,
    description: 'Tags to skip, comma-separated globs',
  },
  platforms: {
    type: 'string',
    value: 'LIST',
    field: 'platforms',
    convert: (raw) => list(raw) ?? [],
    description: 'os/arch[/variant] to sync from indexes, comma-separated ("" = all)',
  },
  policy: {
    type: 'string',
    value: 'POLICY',
    field: 'policy',
    convert: oneOf(['immediate', 'on_demand', 'streamed']),
    description: 'immediate, on_demand or streamed',
  },
  username: {
    type: 'string',
    value: 'USER',
    field: 'username',
    convert: nullableText,
    description: 'Registry user (to log in to the API, put --username before the command)',
  },
  password: {
    type: 'string',
    value: 'SECRET',
    field: 'password',
    convert: nullableText,
    description: `Registry password; prefer --password-stdin or $${REMOTE_PASSWORD_ENV}`,
  },
  'password-stdin': { type: 'boolean', description: 'Read the registry password from standard input' },
  'ca-cert': {
    type: 'string',
    value: 'FILE',
    field: 'ca_cert',
    convert: pemFile,
    description: 'PEM CA certificate(s) to trust',
  },
  'client-cert': {
    type: 'string',
    value: 'FILE',
    field: 'client_cert',
    convert: pemFile,
    description: 'PEM client certificate (mutual TLS)',
  },
  'client-key': {
    type: 'string',
    value: 'FILE',
    field: 'client_key',
    convert: pemFile,
    description: 'PEM key of the client certificate',
  },
  'tls-validation': {
    type: 'boolean',
    field: 'tls_validation',
    set: true,
    description: 'Verify the registry certificate (default)',
  },
  'no-tls-validation': {
    type: 'boolean',
    field: 'tls_validation',
    set: false,
    description: 'Do not verify the registry certificate',
  },
  'proxy-url': {
    type: 'string',
    value: 'URL',
    field: 'proxy_url',
    convert: nullableText,
    description: 'HTTP(S) proxy, without user:password@ (see --proxy-username)',
  },
  'proxy-username': {
    type: 'string',
    value: 'USER',
    field: 'proxy_username',
    convert: nullableText,
    description: 'Proxy user (write-only, encrypted at rest)',
  },
  'proxy-password': {
    type: 'string',
    value: 'SECRET',
    field: 'proxy_password',
    convert: nullableText,
    description: 'Proxy password (write-only, encrypted at rest)',
  },
  'download-concurrency': {
    type: 'string',
    value: 'N',
    field: 'download_concurrency',
    convert: integer,
    description: 'Parallel blob downloads',
  },
  'max-retries': {
    type: 'string',
    value: 'N',
    field: 'max_retries',
    convert: integer,
    description: 'Retries of a failed request',
  },
  'rate-limit': {
    type: 'string',
    value: 'N',
    field: 'rate_limit',
    convert: nullableInteger,
    description: 'Requests per second ("" = unlimited)',
  },
  'connect-timeout': {
    type: 'string',
    value: 'SECONDS',
    field: 'connect_timeout',
    convert: seconds,
    description: 'Connect timeout',
  },
  'sock-read-timeout': {
    type: 'string',
    value: 'SECONDS',
    field: 'sock_read_timeout',
    convert: seconds,
    description: 'Timeout between two reads',
  },
  'signature-policy': {
    type: 'string',
    value: 'POLICY',
    field: 'signature_policy',
    convert: oneOf(['none', 'record', 'require']),
    description: 'none, record (verify and record) or require (sync only validly signed content)',
  },
  'signature-keys': {
    type: 'string',
    value: 'FILES',
    field: 'signature_keys',
    convert: (raw, ctx, flag) => (list(raw) ?? []).map((file) => pemFile(file, ctx, flag)!),
    description: 'Trusted public keys, comma-separated files: PEM (cosign) or armored OpenPGP ("" = none)',
  },
  'sigstore-lookaside-url': {
    type: 'string',
    value: 'URL',
    field: 'sigstore_lookaside_url',
    convert: nullableText,
    description: 'Simple-signing lookaside store ("" = none)',
  },
  'total-timeout': {
    type: 'string',
    value: 'SECONDS',
    field: 'total_timeout',
    convert: seconds,
    description: 'Timeout of one whole request',
  },
};

export const remoteGroup: GroupDef = {
  name: 'remote',
  summary: 'Registries and repositories to sync from',
  commands: crudCommands<RemoteResponse>({
    lookup: REMOTE,
    columns: [
      { header: 'name', value: (r) => r.name },
      { header: 'url', value: (r) => r.url },
      { header: 'upstream name', value: (r) => r.upstream_name },
      { header: 'policy', value: (r) => r.policy },
      { header: 'signatures', value: (r) => r.signature_policy },
      { header: 'include tags', value: (r) => r.include_tags },
      { header: 'href', value: (r) => r.pulp_href },
    ],
    createOptions: OPTIONS,
    updateOptions: OPTIONS,
    createDescription: `Needs --url and --upstream-name. The registry password is taken, in order, from --password,
--password-stdin or $${REMOTE_PASSWORD_ENV} (the last on create only), so it need not land in shell history.`,
    async completeBody(ctx, values, body, verb) {
      if (values['password-stdin']) {
        if (values.password !== undefined) throw new UsageError('give --password or --password-stdin, not both');
        body.password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
      } else if (verb === 'create' && body.password === undefined && ctx.io.env[REMOTE_PASSWORD_ENV]) {
        body.password = ctx.io.env[REMOTE_PASSWORD_ENV];
      }
    },
    list: (ctx, query) => call(remotesNetbootOciList({ client: ctx.client, query })),
    read: (ctx, id) => call(remotesNetbootOciRead({ client: ctx.client, path: { id } })),
    create: (ctx, body) => call(remotesNetbootOciCreate({ client: ctx.client, body: body as CreateRemoteRequest })),
    update: (ctx, id, body) => call(remotesNetbootOciPartialUpdate({ client: ctx.client, path: { id }, body })),
    remove: (ctx, id) => call(remotesNetbootOciDelete({ client: ctx.client, path: { id } })),
  }),
};
