import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciDelete,
  distributionsNetbootOciList,
  distributionsNetbootOciPartialUpdate,
  remotesNetbootOciCreate,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciDelete,
  repositoriesNetbootOciList,
  repositoriesNetbootOciPartialUpdate,
  repositoriesNetbootOciRead,
  repositoriesNetbootOciSync,
  repositoriesNetbootOciVersionsDelete,
  repositoriesNetbootOciVersionsList,
  repositoriesNetbootOciVersionsRead,
  tasksCancel,
  tasksDelete,
  tasksList,
  tasksRead,
} from '../../openapi/client/sdk.gen';
import { idOf, Stack, startStack } from '../support/stack';

let stack: Stack;
let remoteHref: string;
// No worker: tasks stay `waiting`, so cancellation and reservations can be observed.
beforeAll(async () => {
  stack = await startStack({ worker: false });
  const { data } = await remotesNetbootOciCreate({
    client: stack.client,
    body: { name: 'upstream', url: 'http://127.0.0.1:9', upstream_name: 'netboot/fedora' },
  });
  remoteHref = data!.pulp_href;
});
afterAll(async () => stack?.stop());

async function createRepository(name: string, body: Record<string, unknown> = {}) {
  const { data, response, error } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name, ...body },
  });
  if (response.status !== 201) throw new Error(JSON.stringify(error));
  return data!;
}

describe('repositories', () => {
  it('creates a repository with an empty version 0', async () => {
    const repo = await createRepository('fedora', { remote: remoteHref, retain_repo_versions: 3 });
    expect(repo.latest_version_href).toBe(`${repo.pulp_href}versions/0/`);
    expect(repo.versions_href).toBe(`${repo.pulp_href}versions/`);
    expect(repo.remote).toBe(remoteHref);
    const { data: versions } = await repositoriesNetbootOciVersionsList({
      client: stack.client,
      path: { id: idOf(repo.pulp_href) },
    });
    expect(versions!.count).toBe(1);
    expect(versions!.results[0]).toMatchObject({
      number: 0,
      base_version: null,
      content_summary: { added: {}, removed: {}, present: {} },
    });
  });

  it('validates hrefs in bodies field by field', async () => {
    const { response, error } = await repositoriesNetbootOciCreate({
      client: stack.client,
      body: { name: 'broken', remote: '/pulp/api/v3/remotes/netboot/oci/00000000-0000-0000-0000-000000000000/' },
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ errors: { remote: [expect.stringContaining('no remote')] } });
    const negative = await repositoriesNetbootOciCreate({
      client: stack.client,
      body: { name: 'neg', retain_repo_versions: 0 },
    });
    expect(negative.response.status).toBe(400);
  });

  it('renames, filters and deletes', async () => {
    const repo = await createRepository('to-rename');
    const { data } = await repositoriesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(repo.pulp_href) },
      body: { name: 'renamed', description: 'boot files' },
    });
    expect(data).toMatchObject({ name: 'renamed', description: 'boot files' });
    const { data: list } = await repositoriesNetbootOciList({
      client: stack.client,
      query: { name__icontains: 'RENAM' },
    });
    expect(list!.results.map((r) => r.name)).toEqual(['renamed']);
    expect(
      (await repositoriesNetbootOciDelete({ client: stack.client, path: { id: idOf(repo.pulp_href) } })).response
        .status,
    ).toBe(204);
    expect(
      (await repositoriesNetbootOciRead({ client: stack.client, path: { id: idOf(repo.pulp_href) } })).response.status,
    ).toBe(404);
  });

  it('answers 404 for a version that does not exist, whatever its spelling', async () => {
    const repo = await createRepository('versions-404');
    for (const number of ['7', 'abc', '-1', '99999999999999999999']) {
      const res = await fetch(`${stack.apiUrl}${repo.pulp_href}versions/${number}/`, {
        headers: { authorization: `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}` },
      });
      expect(res.status, number).toBe(404);
    }
  });
});

describe('sync requests and tasks', () => {
  it('starts a sync task that reserves the repository and shares the remote', async () => {
    const repo = await createRepository('to-sync', { remote: remoteHref });
    const { data, response } = await repositoriesNetbootOciSync({
      client: stack.client,
      path: { id: idOf(repo.pulp_href) },
      body: { mirror: true },
    });
    expect(response.status).toBe(202);
    const { data: task } = await tasksRead({ client: stack.client, path: { id: idOf(data!.task) } });
    expect(task).toMatchObject({
      state: 'waiting',
      name: 'bootdepot.app.tasks.sync',
      // Content shared too: orphan cleanup (which reserves it exclusively) waits for the sync.
      reserved_resources: [repo.pulp_href, `shared:${remoteHref}`, 'shared:/pulp/api/v3/orphans/cleanup/'],
      progress_reports: [],
      error: null,
    });
    const { data: filtered } = await tasksList({ client: stack.client, query: { reserved_resources: remoteHref } });
    expect(filtered!.results.map((t) => t.pulp_href)).toContain(data!.task);

    // An unfinished task cannot be deleted, and its repository cannot be deleted under it.
    expect((await tasksDelete({ client: stack.client, path: { id: idOf(data!.task) } })).response.status).toBe(409);
    expect(
      (await repositoriesNetbootOciDelete({ client: stack.client, path: { id: idOf(repo.pulp_href) } })).response
        .status,
    ).toBe(409);

    const { data: canceled } = await tasksCancel({
      client: stack.client,
      path: { id: idOf(data!.task) },
      body: { state: 'canceled' },
    });
    expect(canceled!.state).toBe('canceled');
    expect(canceled!.finished_at).not.toBeNull();
    const again = await tasksCancel({
      client: stack.client,
      path: { id: idOf(data!.task) },
      body: { state: 'canceled' },
    });
    expect(again.response.status).toBe(409);
    expect((await tasksDelete({ client: stack.client, path: { id: idOf(data!.task) } })).response.status).toBe(204);
  });

  it('needs a remote, from the body or the repository', async () => {
    const repo = await createRepository('no-remote');
    const { response, error } = await repositoriesNetbootOciSync({
      client: stack.client,
      path: { id: idOf(repo.pulp_href) },
      body: {},
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ errors: { remote: [expect.any(String)] } });
    const bad = await tasksCancel({
      client: stack.client,
      path: { id: '00000000-0000-0000-0000-000000000000' },
      body: { state: 'canceled' },
    });
    expect(bad.response.status).toBe(404);
    const wrongState = await fetch(`${stack.apiUrl}/pulp/api/v3/tasks/00000000-0000-0000-0000-000000000000/`, {
      method: 'PATCH',
      headers: {
        authorization: `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ state: 'completed' }),
    });
    expect(wrongState.status).toBe(400);
  });

  it('filters tasks by state', async () => {
    const { data } = await tasksList({ client: stack.client, query: { state__in: 'waiting,running' } });
    expect(data!.results.every((t) => ['waiting', 'running'].includes(t.state))).toBe(true);
    const bad = await tasksList({ client: stack.client, query: { state: 'sleeping' as never } });
    expect(bad.response.status).toBe(400);
  });
});

describe('distributions', () => {
  it('publishes a repository at a base path with its content URL', async () => {
    const repo = await createRepository('served');
    const { data, response } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'fedora', base_path: 'fedora', repository: repo.pulp_href },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      base_path: 'fedora',
      base_url: `${stack.contentUrl}/pulp/content/fedora/`,
      repository: repo.pulp_href,
      repository_version: null,
      hidden: false,
    });
    // The latest version of a served repository cannot be deleted; neither can the only version.
    const del = await repositoriesNetbootOciVersionsDelete({
      client: stack.client,
      path: { id: idOf(repo.pulp_href), number: 0 },
    });
    expect(del.response.status).toBe(409);
  });

  it('refuses nested, duplicate and unsafe base paths', async () => {
    const repo = await createRepository('paths');
    const make = (name: string, base_path: string) =>
      distributionsNetbootOciCreate({ client: stack.client, body: { name, base_path, repository: repo.pulp_href } });
    expect((await make('nested', 'fedora/40')).response.status).toBe(400);
    expect((await make('same', 'fedora')).response.status).toBe(409);
    const parent = await make('parent', 'centos/stream/9');
    expect(parent.response.status).toBe(201);
    const over = await make('over', 'centos');
    expect(over.response.status).toBe(400);
    expect(over.error).toMatchObject({ errors: { base_path: [expect.stringContaining('overlaps')] } });
    for (const unsafe of ['../etc', 'a/../b', '/abs', 'a//b', 'with space', '%2e%2e', 'trailing/', '.hidden']) {
      const res = await make(`unsafe-${unsafe}`, unsafe);
      expect(res.response.status, unsafe).toBe(400);
    }
    expect((await make('fedora-40', 'fedora-40')).response.status).toBe(201);
  });

  it('serves exactly one of a repository or a pinned version', async () => {
    const repo = await createRepository('pinned');
    const versionHref = repo.latest_version_href;
    const both = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'both', base_path: 'both', repository: repo.pulp_href, repository_version: versionHref },
    });
    expect(both.response.status).toBe(400);
    const neither = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'neither', base_path: 'neither' },
    });
    expect(neither.response.status).toBe(400);
    const { data } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'pin', base_path: 'pin', repository_version: versionHref },
    });
    expect(data!.repository_version).toBe(versionHref);
    expect(data!.repository).toBeNull();
    const switched = await distributionsNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(data!.pulp_href) },
      body: { repository: repo.pulp_href, hidden: true, kernel_args: 'console=ttyS0' },
    });
    expect(switched.data).toMatchObject({ repository: repo.pulp_href, repository_version: null, hidden: true });
    const badArgs = await distributionsNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(data!.pulp_href) },
      body: { kernel_args: 'a\nboot' },
    });
    expect(badArgs.response.status).toBe(400);
    const { data: list } = await distributionsNetbootOciList({ client: stack.client, query: { base_path: 'pin' } });
    expect(list!.count).toBe(1);
    expect(
      (await distributionsNetbootOciDelete({ client: stack.client, path: { id: idOf(data!.pulp_href) } })).response
        .status,
    ).toBe(204);
  });

  it('keeps a repository whose version a distribution pins', async () => {
    const repo = await createRepository('kept');
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'kept', base_path: 'kept', repository_version: repo.latest_version_href },
    });
    const res = await repositoriesNetbootOciDelete({ client: stack.client, path: { id: idOf(repo.pulp_href) } });
    expect(res.response.status).toBe(409);
    const version = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: idOf(repo.pulp_href), number: 0 },
    });
    expect(version.response.status).toBe(200);
  });
});
