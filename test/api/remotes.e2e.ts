import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  remotesNetbootOciCreate,
  remotesNetbootOciDelete,
  remotesNetbootOciList,
  remotesNetbootOciPartialUpdate,
  remotesNetbootOciRead,
  remotesNetbootOciUpdate,
  statusRead,
} from '../../openapi/client/sdk.gen';
import { idOf, Stack, startStack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const base = { url: 'https://registry.example.com', upstream_name: 'pulp/fedora-kickstart-artifacts' };

describe('status', () => {
  it('answers without credentials and lists the running processes', async () => {
    const { data, response } = await statusRead({ client: stack.anonymous });
    expect(response.status).toBe(200);
    expect(data!.database_connection.connected).toBe(true);
    expect(data!.redis_connection.connected).toBe(true);
    expect(data!.online_workers.length).toBe(1);
    expect(data!.online_api_apps.length).toBe(1);
    expect(data!.online_content_apps.length).toBe(1);
    expect(data!.storage.free).toBeGreaterThan(0);
    // Pulp's shape, and the old top-level field for clients written against it.
    expect(data!.content_settings).toEqual({ content_origin: stack.contentUrl, content_path_prefix: '/pulp/content/' });
    expect(data!.content_origin).toBe(stack.contentUrl);
  });
});

describe('authentication', () => {
  it('refuses requests without credentials with 401 and a Basic challenge', async () => {
    const { response, error } = await remotesNetbootOciList({ client: stack.anonymous });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(error).toMatchObject({ detail: expect.stringContaining('credentials') });
  });

  it('refuses a wrong password', async () => {
    const res = await fetch(`${stack.apiUrl}/pulp/api/v3/remotes/netboot/oci/`, {
      headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('correlation-id')).toBeTruthy();
  });
});

describe('remotes', () => {
  it('creates a remote with defaults and keeps credentials write-only and encrypted', async () => {
    const { data, response } = await remotesNetbootOciCreate({
      client: stack.client,
      body: { ...base, name: 'fedora', username: 'robot', password: 's3cret-Passw0rd', include_tags: ['40-*'] },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      name: 'fedora',
      url: 'https://registry.example.com',
      policy: 'immediate',
      tls_validation: true,
      download_concurrency: 5,
      include_tags: ['40-*'],
      platforms: [],
    });
    expect(data!.pulp_href).toMatch(/^\/pulp\/api\/v3\/remotes\/netboot\/oci\/[0-9a-f-]{36}\/$/);
    expect(JSON.stringify(data)).not.toContain('s3cret');
    expect(data!.hidden_fields).toEqual(
      expect.arrayContaining([
        { name: 'password', is_set: true },
        { name: 'username', is_set: true },
        { name: 'client_key', is_set: false },
      ]),
    );
    const rows = await stack.sql<{ row: string }>(`SELECT row_to_json(r)::text AS row FROM remotes r`);
    expect(rows[0]!.row).not.toContain('s3cret-Passw0rd');
    expect(rows[0]!.row).not.toContain('robot');
  });

  it('rejects a duplicate name with 409', async () => {
    const { response, error } = await remotesNetbootOciCreate({
      client: stack.client,
      body: { ...base, name: 'fedora' },
    });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ detail: 'a remote named "fedora" already exists' });
  });

  it('answers 400 with a message per invalid field, unknown fields included', async () => {
    const res = await fetch(`${stack.apiUrl}/pulp/api/v3/remotes/netboot/oci/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        name: '',
        url: 'ftp://x',
        upstream_name: 'UPPER/case',
        policy: 'sometimes',
        download_concurrency: 0,
        platforms: ['amd64'],
        headers: { Authorization: 'x' },
        bogus: 1,
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Record<string, string[]>; correlation_id: string };
    expect(Object.keys(body.errors).sort()).toEqual(
      ['bogus', 'download_concurrency', 'headers', 'name', 'platforms', 'policy', 'upstream_name', 'url'].sort(),
    );
    expect(body.errors.url[0]).toContain('http');
    expect(body.correlation_id).toBe(res.headers.get('correlation-id'));
  });

  it('answers 400 for malformed JSON and 413 for an oversized body, never 500', async () => {
    const auth = `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}`;
    const url = `${stack.apiUrl}/pulp/api/v3/remotes/netboot/oci/`;
    const bad = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(bad.status).toBe(400);
    const huge = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
  });

  it('updates partially and fully, and clears a credential with null', async () => {
    const { data: created } = await remotesNetbootOciCreate({
      client: stack.client,
      body: { ...base, name: 'centos', password: 'pw' },
    });
    const id = idOf(created!.pulp_href);
    const { data: patched } = await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id },
      body: { policy: 'on_demand', password: null, rate_limit: 10 },
    });
    expect(patched).toMatchObject({ name: 'centos', policy: 'on_demand', rate_limit: 10 });
    expect(patched!.hidden_fields).toContainEqual({ name: 'password', is_set: false });
    const { data: replaced } = await remotesNetbootOciUpdate({
      client: stack.client,
      path: { id },
      body: { name: 'centos-stream', url: 'http://localhost:5000', upstream_name: 'centos/stream' },
    });
    expect(replaced).toMatchObject({
      name: 'centos-stream',
      url: 'http://localhost:5000',
      upstream_name: 'centos/stream',
    });
    const { data: read } = await remotesNetbootOciRead({ client: stack.client, path: { id } });
    expect(read!.pulp_last_updated >= read!.pulp_created).toBe(true);
  });

  it('lists with filters, ordering and pagination links', async () => {
    for (const name of ['a-one', 'a-two', 'a-three']) {
      await remotesNetbootOciCreate({ client: stack.client, body: { ...base, name } });
    }
    const { data: page } = await remotesNetbootOciList({
      client: stack.client,
      query: { name__icontains: 'A-', ordering: '-name', limit: 2 },
    });
    expect(page!.count).toBe(3);
    expect(page!.results.map((r) => r.name)).toEqual(['a-two', 'a-three']);
    expect(page!.next).toContain('offset=2');
    expect(page!.previous).toBeNull();
    const { data: exact } = await remotesNetbootOciList({ client: stack.client, query: { name: 'a-one' } });
    expect(exact!.results.map((r) => r.name)).toEqual(['a-one']);
    const { response } = await remotesNetbootOciList({ client: stack.client, query: { ordering: 'password' } });
    expect(response.status).toBe(400);
  });

  it('answers 404 for unknown and malformed ids, and deletes', async () => {
    const missing = await remotesNetbootOciRead({
      client: stack.client,
      path: { id: '00000000-0000-0000-0000-000000000000' },
    });
    expect(missing.response.status).toBe(404);
    const malformed = await remotesNetbootOciRead({ client: stack.client, path: { id: 'not-a-uuid' } });
    expect(malformed.response.status).toBe(404);
    const { data } = await remotesNetbootOciCreate({ client: stack.client, body: { ...base, name: 'doomed' } });
    const deleted = await remotesNetbootOciDelete({ client: stack.client, path: { id: idOf(data!.pulp_href) } });
    expect(deleted.response.status).toBe(204);
    const again = await remotesNetbootOciRead({ client: stack.client, path: { id: idOf(data!.pulp_href) } });
    expect(again.response.status).toBe(404);
  });
});

describe('hostile bodies', () => {
  it('refuses deeply nested JSON with 400', async () => {
    let body = '1';
    for (let i = 0; i < 5000; i++) body = `[${body}]`;
    const res = await fetch(`${stack.apiUrl}/pulp/api/v3/remotes/netboot/oci/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: `{"name": ${body}}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Record<string, string[]> }).errors.body[0]).toContain('deeper');
  });
});
