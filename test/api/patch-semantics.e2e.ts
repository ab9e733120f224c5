import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciPartialUpdate,
  distributionsNetbootOciRead,
  remotesNetbootOciCreate,
  remotesNetbootOciPartialUpdate,
  repositoriesNetbootOciCreate,
  syncSchedulesCreate,
  syncSchedulesPartialUpdate,
} from '../../openapi/client/sdk.gen';
import type { ErrorResponse } from '../../openapi/client/types.gen';
import { ADMIN_PASSWORD, idOf, Stack, startStack } from '../support/stack';

// A PATCH changes the fields it names and nothing else: no create-time default (`private: false`,
// `hidden: false`, `policy: immediate`, `enabled: true`, `timezone: UTC`) is applied to the fields it leaves
// out. Katello repoints a distribution at a new version with a PATCH naming only `repository_version`; had
// the server (or a client filling in the document's defaults) reset `private`, a private distribution would
// silently become public.

let stack: Stack;
let repositoryHref: string;
let versionZero: string;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  const { data } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name: 'patched' },
    throwOnError: true,
  });
  repositoryHref = data.pulp_href;
  versionZero = data.latest_version_href;
});
afterAll(async () => stack?.stop());

/** A PATCH exactly as a curl user or a hand-written client sends it: only the given JSON. */
async function rawPatch(href: string, body: unknown): Promise<Response> {
  return fetch(`${stack.apiUrl}${href}`, {
    method: 'PATCH',
    headers: {
      authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
}

describe('PATCH', () => {
  it('repoints a private, hidden distribution at a version and leaves it private and hidden', async () => {
    const { data: created } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'private-one',
        base_path: 'private-one',
        repository: repositoryHref,
        private: true,
        hidden: true,
        kernel_args: 'console=ttyS0',
      },
      throwOnError: true,
    });
    const { data: patched, response } = await distributionsNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(created.pulp_href) },
      body: { repository_version: versionZero },
      throwOnError: true,
    });
    expect(response.status).toBe(200);
    expect(patched).toMatchObject({
      repository: null,
      repository_version: versionZero,
      private: true,
      hidden: true,
      kernel_args: 'console=ttyS0',
    });

    const raw = await rawPatch(created.pulp_href, { repository: repositoryHref });
    expect(raw.status).toBe(200);
    const { data: read } = await distributionsNetbootOciRead({
      client: stack.client,
      path: { id: idOf(created.pulp_href) },
      throwOnError: true,
    });
    expect(read).toMatchObject({ repository: repositoryHref, repository_version: null, private: true, hidden: true });
  });

  it('leaves the download settings of a remote alone when only its URL changes', async () => {
    const { data: created } = await remotesNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'settings',
        url: 'https://registry.example.com',
        upstream_name: 'pulp/fedora',
        policy: 'on_demand',
        tls_validation: false,
        download_concurrency: 2,
        max_retries: 1,
      },
      throwOnError: true,
    });
    const { data: patched } = await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(created.pulp_href) },
      body: { url: 'https://mirror.example.com' },
      throwOnError: true,
    });
    expect(patched).toMatchObject({
      url: 'https://mirror.example.com',
      policy: 'on_demand',
      tls_validation: false,
      download_concurrency: 2,
      max_retries: 1,
    });
  });

  it('leaves a disabled schedule disabled, in its time zone, when only its cron changes', async () => {
    const { data: created } = await syncSchedulesCreate({
      client: stack.client,
      body: {
        name: 'weekly',
        repository: repositoryHref,
        cron: '0 3 * * 0',
        timezone: 'Europe/Prague',
        enabled: false,
        mirror: true,
      },
      throwOnError: true,
    });
    const { data: patched } = await syncSchedulesPartialUpdate({
      client: stack.client,
      path: { id: idOf(created.pulp_href) },
      body: { cron: '0 4 * * 0' },
      throwOnError: true,
    });
    expect(patched).toMatchObject({
      cron: '0 4 * * 0',
      enabled: false,
      timezone: 'Europe/Prague',
      mirror: true,
      next_run_at: null,
    });
  });

  it('refuses null for a field that cannot be null instead of resetting it, in the documented error shape', async () => {
    const { data: created } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'null-private', base_path: 'null-private', repository: repositoryHref, private: true },
      throwOnError: true,
    });
    const res = await rawPatch(created.pulp_href, { private: null });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorResponse;
    expect(Object.keys(body).sort()).toEqual(['correlation_id', 'detail', 'errors']);
    expect(body.errors).toEqual({ private: [expect.stringContaining('null')] });
    expect(body.correlation_id).toBe(res.headers.get('correlation-id'));
    const { data: read } = await distributionsNetbootOciRead({
      client: stack.client,
      path: { id: idOf(created.pulp_href) },
      throwOnError: true,
    });
    expect(read.private).toBe(true);
  });
});
