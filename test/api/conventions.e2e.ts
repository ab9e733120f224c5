import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciPartialUpdate,
  remotesNetbootOciCreate,
  remotesNetbootOciList,
  remotesNetbootOciPartialUpdate,
  remotesNetbootOciRead,
  remotesNetbootOciUpdate,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciRead,
  repositoriesNetbootOciSync,
  repositoriesNetbootOciVersionsRead,
  syncSchedulesCreate,
  tasksList,
  tokensCreate,
} from '../../openapi/client/sdk.gen';
import { ADMIN_PASSWORD, idOf, Stack, startStack } from '../support/stack';

// Pulp's cross-cutting conventions as Katello uses them: fields/exclude_fields, prn, __in filters,
// big pages, pulp_labels and pulp_label_select. No worker: dispatched tasks stay `waiting`.
let stack: Stack;
const remote = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  url: 'http://127.0.0.1:9',
  upstream_name: 'netboot/fedora',
  ...extra,
});
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TAGS = 2100;

/** A GET with the raw query string, as a client other than ours would send it. */
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
  });
  return { status: res.status, body: await res.json() };
}

let repoHref: string;
let versionHref: string;

/** A repository whose version 1 holds one manifest and TAGS tags, written in a few statements. */
async function seedContent(): Promise<void> {
  const { data: repo } = await repositoriesNetbootOciCreate({ client: stack.client, body: { name: 'seeded' } });
  repoHref = repo!.pulp_href;
  const repositoryId = idOf(repoHref);
  const [manifest] = await stack.sql<{ id: string }>(
    `WITH c AS (INSERT INTO content (kind) VALUES ('manifest') RETURNING id)
     INSERT INTO manifests (id, digest, media_type, raw)
       SELECT id, 'sha256:' || repeat('a', 64), 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d'::bytea FROM c
     RETURNING id`,
  );
  await stack.sql(
    `WITH c AS (INSERT INTO content (kind) SELECT 'tag' FROM generate_series(1, $2::int) RETURNING id)
     INSERT INTO tags (id, name, manifest_id)
       SELECT id, 'tag-' || lpad((row_number() OVER ())::text, 5, '0'), $1 FROM c`,
    [manifest!.id, TAGS],
  );
  await stack.sql(`INSERT INTO repository_versions (repository_id, number, base_version_number) VALUES ($1, 1, 0)`, [
    repositoryId,
  ]);
  await stack.sql(`UPDATE repositories SET next_version = 2 WHERE id = $1`, [repositoryId]);
  await stack.sql(
    `INSERT INTO repository_content (repository_id, content_id, version_added) SELECT $1, id, 1 FROM content`,
    [repositoryId],
  );
  versionHref = `${repoHref}versions/1/`;
}

beforeAll(async () => {
  stack = await startStack({ worker: false });
  await seedContent();
});
afterAll(async () => stack?.stop());

const nameOf = (tag: { name: string }) => tag.name;

describe('limit', () => {
  it("returns Katello's bulk page of 2000 in one answer when more exist", async () => {
    const { status, body } = await get(
      `/pulp/api/v3/content/netboot/tags/?repository_version=${encodeURIComponent(versionHref)}&limit=2000`,
    );
    expect(status).toBe(200);
    expect(body.count).toBe(TAGS);
    expect(body.results).toHaveLength(2000);
    expect(body.next).toContain('offset=2000');
    const rest = await get(body.next);
    expect(rest.body.results).toHaveLength(TAGS - 2000);
  });

  it('walks every page of a version in either order, through next links or out of order, as one list does', async () => {
    // The seeded version was written by SQL, without a tag outline: the first list works it out and keeps it.
    const outlines = () =>
      stack.sql<{ tag_count: number; marks: string[] }>(
        `SELECT tag_count, marks FROM repository_version_tag_outlines o
           JOIN repository_versions v ON v.id = o.version_id WHERE v.repository_id = $1 AND v.number = 1`,
        [idOf(repoHref)],
      );
    await stack.sql('DELETE FROM repository_version_tag_outlines');
    expect(await outlines()).toEqual([]);
    const list = `/pulp/api/v3/content/netboot/tags/?repository_version=${encodeURIComponent(versionHref)}`;
    for (const ordering of ['name', '-name']) {
      const whole = (await get(`${list}&ordering=${ordering}&limit=5000`)).body.results.map(nameOf);
      expect(whole).toHaveLength(TAGS);
      // Pages start from the outline's nearest mark (every 1000th name) and skip the rest: the same rows as OFFSET.
      const walked: string[] = [];
      for (let next = `${list}&ordering=${ordering}&limit=300`; next;) {
        const { body } = await get(next);
        walked.push(...body.results.map(nameOf));
        next = body.next;
      }
      expect(walked).toEqual(whole);
      expect(await outlines()).toEqual([{ tag_count: TAGS, marks: ['tag-00001', 'tag-01001', 'tag-02001'] }]);
      // Pages asked out of order, at offsets no walk served.
      expect((await get(`${list}&ordering=${ordering}&limit=300&offset=1800`)).body.results.map(nameOf)).toEqual(
        whole.slice(1800, 2100),
      );
      expect((await get(`${list}&ordering=${ordering}&limit=7&offset=1234`)).body.results.map(nameOf)).toEqual(
        whole.slice(1234, 1241),
      );
    }
  });

  it('allows up to 5000 and names limit beyond', async () => {
    expect((await get('/pulp/api/v3/content/netboot/tags/?limit=5000')).body.results).toHaveLength(TAGS);
    const { status, body } = await get('/pulp/api/v3/content/netboot/tags/?limit=5001');
    expect(status).toBe(400);
    expect(Object.keys(body.errors)).toEqual(['limit']);
  });
});

describe('fields and exclude_fields', () => {
  it('trims every result of a list to fields=pulp_href,prn and keeps the page envelope', async () => {
    const { status, body } = await get('/pulp/api/v3/content/netboot/tags/?limit=3&fields=pulp_href,prn');
    expect(status).toBe(200);
    expect(body.count).toBe(TAGS);
    expect(body.next).toContain('fields=pulp_href');
    for (const tag of body.results) {
      expect(Object.keys(tag).sort()).toEqual(['prn', 'pulp_href']);
      expect(tag.prn).toBe(`prn:netboot.tag:${idOf(tag.pulp_href)}`);
    }
  });

  it('reads one object with fields=prn, repeated fields, exclude_fields, and ignores unknown names', async () => {
    const { data: created } = await remotesNetbootOciCreate({ client: stack.client, body: remote('fields-remote') });
    const path = new URL(created!.pulp_href, 'http://x').pathname;
    expect((await get(`${path}?fields=prn`)).body).toEqual({ prn: created!.prn });
    expect((await get(`${path}?fields=name&fields=url,bogus`)).body).toEqual({
      name: 'fields-remote',
      url: 'http://127.0.0.1:9',
    });
    const excluded = (await get(`${path}?exclude_fields=hidden_fields,headers`)).body;
    expect(excluded).not.toHaveProperty('hidden_fields');
    expect(excluded).not.toHaveProperty('headers');
    expect(excluded.name).toBe('fields-remote');
    // The generated client sends array parameters the same way.
    const { data } = await remotesNetbootOciRead({
      client: stack.client,
      path: { id: idOf(created!.pulp_href) },
      query: { fields: ['pulp_href', 'pulp_labels'] },
    });
    expect(data).toEqual({ pulp_href: created!.pulp_href, pulp_labels: {} });
  });

  it('selects and excludes nested fields with dots', async () => {
    const added = await get(`${versionHref}?fields=number,content_summary.added`);
    expect(added.body).toEqual({
      number: 1,
      content_summary: {
        added: {
          'netboot.tag': { count: TAGS, href: expect.any(String) },
          'netboot.manifest': { count: 1, href: expect.any(String) },
        },
      },
    });
    const trimmed = await get(`${versionHref}?exclude_fields=content_summary.present,content_summary.removed`);
    expect(Object.keys(trimmed.body.content_summary)).toEqual(['added']);
    expect(trimmed.body.pulp_href).toBe(versionHref);
  });

  it('refuses malformed field names, naming the parameter', async () => {
    const { status, body } = await get(`${repoHref}?fields=pulp_href,a..b`);
    expect(status).toBe(400);
    expect(Object.keys(body.errors)).toEqual(['fields']);
    expect((await get('/pulp/api/v3/tasks/?exclude_fields=-x')).body.errors).toHaveProperty('exclude_fields');
  });
});

describe('unknown query parameters', () => {
  it.each([
    '/pulp/api/v3/remotes/netboot/oci/?bogus=1',
    '/pulp/api/v3/content/netboot/tags/?limit=1&bogus=1',
    '/pulp/api/v3/tasks/?bogus=1',
  ])('are a 400 naming them on lists: %s', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(Object.keys(body.errors)).toEqual(['bogus']);
  });

  it('are a 400 naming them on reads too', async () => {
    const { status, body } = await get(`${repoHref}?fields=prn&bogus=1`);
    expect(status).toBe(400);
    expect(Object.keys(body.errors)).toEqual(['bogus']);
  });
});

describe('filters on named objects', () => {
  const names = ['fedora-40', 'fedora-41', 'Fedora-rawhide', 'centos-9'];
  const hrefOf: Record<string, string> = {};
  const prnOf: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of names) {
      const { data } = await remotesNetbootOciCreate({ client: stack.client, body: remote(name) });
      hrefOf[name] = data!.pulp_href;
      prnOf[name] = data!.prn;
    }
  });
  const namesFor = async (query: string) => {
    const { status, body } = await get(`/pulp/api/v3/remotes/netboot/oci/?ordering=name&${query}`);
    expect(status).toBe(200);
    // Sorted here: the database's collation decides where 'Fedora-rawhide' goes.
    return body.results.map((r: { name: string }) => r.name).sort();
  };

  it('name__in, comma-separated or repeated', async () => {
    expect(await namesFor('name__in=fedora-40,centos-9,nope')).toEqual(['centos-9', 'fedora-40']);
    expect(await namesFor('name__in=fedora-40&name__in=fedora-41')).toEqual(['fedora-40', 'fedora-41']);
  });

  it('name__startswith and name__contains are case-sensitive, name__icontains is not', async () => {
    expect(await namesFor('name__startswith=fedora')).toEqual(['fedora-40', 'fedora-41']);
    expect(await namesFor('name__contains=edora-4')).toEqual(['fedora-40', 'fedora-41']);
    expect(await namesFor('name__icontains=FEDORA')).toEqual(['Fedora-rawhide', 'fedora-40', 'fedora-41'].sort());
    expect(await namesFor('name__startswith=%25')).toEqual([]);
  });

  it('pulp_href__in takes hrefs and prns; prn__in takes prns', async () => {
    const hrefs = [hrefOf['fedora-40'], prnOf['centos-9']].map(encodeURIComponent).join(',');
    expect(await namesFor(`pulp_href__in=${hrefs}`)).toEqual(['centos-9', 'fedora-40']);
    expect(await namesFor(`prn__in=${encodeURIComponent(prnOf['fedora-41']!)}`)).toEqual(['fedora-41']);
    // The generated client (array, repeated parameter) works the same.
    const { data } = await remotesNetbootOciList({
      client: stack.client,
      query: { pulp_href__in: [hrefOf['Fedora-rawhide']!, hrefOf['centos-9']!], fields: ['name'], ordering: 'name' },
    });
    expect(data!.results.map((r) => r.name).sort()).toEqual(['Fedora-rawhide', 'centos-9']);
    expect(Object.keys(data!.results[0]!)).toEqual(['name']);
  });

  it('names the parameter when a value is no reference of that kind', async () => {
    for (const query of [
      `pulp_href__in=${encodeURIComponent(repoHref)}`,
      `prn__in=${encodeURIComponent(hrefOf['fedora-40']!)}`,
      'pulp_href__in=nonsense',
    ]) {
      const { status, body } = await get(`/pulp/api/v3/remotes/netboot/oci/?${query}`);
      expect(status).toBe(400);
      expect(Object.keys(body.errors)).toEqual([query.split('=')[0]]);
    }
  });

  it('pulp_href__in and prn__in work on tasks, versions and content', async () => {
    const { data: started } = await repositoriesNetbootOciSync({
      client: stack.client,
      path: { id: idOf(repoHref) },
      body: { remote: prnOf['fedora-40'] },
    });
    const tasks = await get(`/pulp/api/v3/tasks/?pulp_href__in=${encodeURIComponent(started!.task)}`);
    expect(tasks.body.results.map((t: { pulp_href: string }) => t.pulp_href)).toEqual([started!.task]);
    const taskPrn = tasks.body.results[0].prn;
    expect(taskPrn).toBe(`prn:core.task:${idOf(started!.task)}`);
    expect((await get(`/pulp/api/v3/tasks/?prn__in=${encodeURIComponent(taskPrn)}`)).body.count).toBe(1);
    // Pulp's task filters take prns too.
    const { data: repo } = await repositoriesNetbootOciRead({ client: stack.client, path: { id: idOf(repoHref) } });
    const reserving = await get(`/pulp/api/v3/tasks/?reserved_resources=${encodeURIComponent(repo!.prn)}`);
    expect(reserving.body.results.map((t: { pulp_href: string }) => t.pulp_href)).toEqual([started!.task]);
    const sharing = await get(`/pulp/api/v3/tasks/?reserved_resources=${encodeURIComponent(prnOf['fedora-40']!)}`);
    expect(sharing.body.count).toBe(1);

    const { data: v1 } = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: idOf(repoHref), number: 1 },
    });
    const versions = async (query: string) =>
      (await get(`${repoHref}versions/?${query}`)).body.results.map((v: { number: number }) => v.number);
    expect(await versions(`pulp_href__in=${encodeURIComponent(`${repoHref}versions/0/`)}`)).toEqual([0]);
    expect(await versions(`prn__in=${encodeURIComponent(v1!.prn)}`)).toEqual([1]);
    expect(
      await versions(`pulp_href__in=${encodeURIComponent(v1!.prn)},${encodeURIComponent(`${repoHref}versions/0/`)}`),
    ).toEqual([1, 0]);

    const two = (await get('/pulp/api/v3/content/netboot/tags/?limit=2&ordering=name')).body.results;
    const picked = await get(
      `/pulp/api/v3/content/netboot/tags/?prn__in=${two.map((t: { prn: string }) => encodeURIComponent(t.prn)).join(',')}`,
    );
    expect(picked.body.results.map((t: { name: string }) => t.name).sort()).toEqual(['tag-00001', 'tag-00002']);
  });
});

describe('prn', () => {
  it('is on every object, in pulpcore get_prn form', async () => {
    const { data: r } = await remotesNetbootOciCreate({ client: stack.client, body: remote('prn-remote') });
    expect(r!.prn).toMatch(new RegExp(`^prn:netboot\\.ociremote:${UUID}$`));
    expect(r!.prn).toBe(`prn:netboot.ociremote:${idOf(r!.pulp_href)}`);
    const { data: repo } = await repositoriesNetbootOciRead({ client: stack.client, path: { id: idOf(repoHref) } });
    expect(repo!.prn).toBe(`prn:netboot.ocirepository:${idOf(repoHref)}`);
    const [version] = await stack.sql<{ id: string }>(
      `SELECT id FROM repository_versions WHERE repository_id = $1 AND number = 1`,
      [idOf(repoHref)],
    );
    expect((await get(`${versionHref}?fields=prn`)).body.prn).toBe(`prn:core.repositoryversion:${version!.id}`);
    const manifests = (await get('/pulp/api/v3/content/netboot/manifests/')).body.results;
    expect(manifests[0].prn).toBe(`prn:netboot.manifest:${idOf(manifests[0].pulp_href)}`);
    const { data: token } = await tokensCreate({ client: stack.client, body: { name: 'prn-token' } });
    expect(token!.prn).toMatch(new RegExp(`^prn:core\\.apitoken:${UUID}$`));
  });

  it('is accepted wherever an href is: repository remote, sync, distribution, schedule, content filters', async () => {
    const { data: r } = await remotesNetbootOciCreate({ client: stack.client, body: remote('by-prn') });
    const { data: repo, response } = await repositoriesNetbootOciCreate({
      client: stack.client,
      body: { name: 'by-prn', remote: r!.prn },
    });
    expect(response.status).toBe(201);
    expect(repo!.remote).toBe(r!.pulp_href);

    const { data: v1 } = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: idOf(repoHref), number: 1 },
    });
    const { data: pinned } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'by-prn', base_path: 'by-prn', repository_version: v1!.prn },
    });
    expect(pinned!.repository_version).toBe(versionHref);
    expect(pinned!.prn).toBe(`prn:netboot.ocidistribution:${idOf(pinned!.pulp_href)}`);
    const { data: latest } = await distributionsNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(pinned!.pulp_href) },
      body: { repository: repo!.prn, repository_version: null },
    });
    expect(latest!.repository).toBe(repo!.pulp_href);

    const { data: schedule, response: scheduled } = await syncSchedulesCreate({
      client: stack.client,
      body: { name: 'by-prn', repository: repo!.prn, remote: r!.prn, cron: '0 3 * * *' },
    });
    expect(scheduled.status).toBe(201);
    expect(schedule).toMatchObject({ repository: repo!.pulp_href, remote: r!.pulp_href });
    expect(schedule!.prn).toBe(`prn:core.syncschedule:${idOf(schedule!.pulp_href)}`);

    const tags = await get(
      `/pulp/api/v3/content/netboot/tags/?limit=1&repository_version=${encodeURIComponent(v1!.prn)}`,
    );
    expect(tags.body.count).toBe(TAGS);

    const { data: started } = await repositoriesNetbootOciSync({
      client: stack.client,
      path: { id: idOf(repo!.pulp_href) },
      body: { remote: r!.prn },
    });
    expect(started!.task).toMatch(/\/tasks\//);
  });

  it('names the field when a prn is of another kind or names nothing', async () => {
    const { data: r } = await remotesNetbootOciCreate({ client: stack.client, body: remote('wrong-kind') });
    const wrongKind = await repositoriesNetbootOciCreate({
      client: stack.client,
      body: { name: 'wk', remote: `prn:netboot.ocirepository:${idOf(r!.pulp_href)}` },
    });
    expect(wrongKind.response.status).toBe(400);
    expect(Object.keys((wrongKind.error as { errors: object }).errors)).toEqual(['remote']);
    const missing = await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'missing',
        base_path: 'missing',
        repository_version: 'prn:core.repositoryversion:00000000-0000-4000-8000-000000000000',
      },
    });
    expect(missing.response.status).toBe(400);
    expect(Object.keys((missing.error as { errors: object }).errors)).toEqual(['repository_version']);
  });
});

describe('pulp_labels', () => {
  it('are stored on create, replaced by update and patch, and returned on read', async () => {
    const { data: created, response } = await remotesNetbootOciCreate({
      client: stack.client,
      body: remote('labelled', { pulp_labels: { 'katello.capsule': 'protected', env: 'prod' } }),
    });
    expect(response.status).toBe(201);
    expect(created!.pulp_labels).toEqual({ 'katello.capsule': 'protected', env: 'prod' });
    const id = idOf(created!.pulp_href);
    const { data: patched } = await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id },
      body: { pulp_labels: { env: 'staging' } },
    });
    expect(patched!.pulp_labels).toEqual({ env: 'staging' });
    const { data: untouched } = await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id },
      body: { max_retries: 1 },
    });
    expect(untouched!.pulp_labels).toEqual({ env: 'staging' });
    const { data: replaced } = await remotesNetbootOciUpdate({
      client: stack.client,
      path: { id },
      body: remote('labelled', { pulp_labels: {} }),
    });
    expect(replaced!.pulp_labels).toEqual({});
    expect((await remotesNetbootOciRead({ client: stack.client, path: { id } })).data!.pulp_labels).toEqual({});
  });

  it.each([[{ 'bad/key': 'x' }], [{ key: 1 }], [{ key: 'f(x)' }], [['env']], ['env=prod']])(
    'refuses %j naming pulp_labels',
    async (labels) => {
      const { response, error } = await repositoriesNetbootOciCreate({
        client: stack.client,
        body: { name: `bad-labels-${Math.random()}`, pulp_labels: labels as never },
      });
      expect(response.status).toBe(400);
      expect(Object.keys((error as { errors: object }).errors)).toEqual(['pulp_labels']);
    },
  );

  describe('pulp_label_select', () => {
    const labelled: Record<string, Record<string, string>> = {
      'lab-a': { env: 'prod', tier: 'web', note: 'Hello, World' },
      'lab-b': { env: 'staging', tier: 'db' },
      'lab-c': { env: 'prod', tier: 'db', 'katello.capsule': 'yes' },
      'lab-d': {},
    };
    beforeAll(async () => {
      for (const [name, pulp_labels] of Object.entries(labelled)) {
        await repositoriesNetbootOciCreate({ client: stack.client, body: { name, pulp_labels } });
        await distributionsNetbootOciCreate({
          client: stack.client,
          body: { name, base_path: name, repository: repoHref, pulp_labels },
        });
      }
    });
    const select = async (kind: string, expression: string) => {
      const { status, body } = await get(
        `/pulp/api/v3/${kind}/netboot/oci/?name__startswith=lab-&ordering=name&pulp_label_select=${encodeURIComponent(expression)}`,
      );
      return { status, body, names: status === 200 ? body.results.map((r: { name: string }) => r.name) : null };
    };

    it.each([
      ['env=prod', ['lab-a', 'lab-c']],
      ['env!=prod', ['lab-b']],
      ['tier', ['lab-a', 'lab-b', 'lab-c']],
      ['!tier', ['lab-d']],
      ['env~PRO', ['lab-a', 'lab-c']],
      ['env=prod,tier=db', ['lab-c']],
      ['katello.capsule=yes', ['lab-c']],
      ['note=Hello\\, World', ['lab-a']],
      ['env=', []],
    ])('%s selects %j on repositories and distributions', async (expression, names) => {
      expect((await select('repositories', expression)).names).toEqual(names);
      expect((await select('distributions', expression)).names).toEqual(names);
    });

    it('works on remotes', async () => {
      await remotesNetbootOciCreate({
        client: stack.client,
        body: remote('lab-remote', { pulp_labels: { env: 'prod' } }),
      });
      expect((await select('remotes', 'env=prod')).names).toEqual(['lab-remote']);
    });

    it.each(['', 'env=prod,', '!env=prod', 'bad/key', '=x'])(
      'refuses %j naming pulp_label_select',
      async (expression) => {
        const { status, body } = await select('repositories', expression);
        expect(status).toBe(400);
        expect(Object.keys(body.errors)).toEqual(['pulp_label_select']);
      },
    );
  });
});

describe('remote timeouts', () => {
  it("takes Pulp's sock_connect_timeout and sock_read_timeout and keeps connect_timeout", async () => {
    const { data, response } = await remotesNetbootOciCreate({
      client: stack.client,
      body: remote('timeouts', { sock_connect_timeout: 2.5, sock_read_timeout: 30, connect_timeout: 10 }),
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ sock_connect_timeout: 2.5, sock_read_timeout: 30, connect_timeout: 10 });
    const { data: patched } = await remotesNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(data!.pulp_href) },
      body: { sock_connect_timeout: null },
    });
    expect(patched).toMatchObject({ sock_connect_timeout: null, connect_timeout: 10 });
    const bad = await remotesNetbootOciCreate({
      client: stack.client,
      body: remote('bad-timeout', { sock_connect_timeout: 0 }),
    });
    expect(bad.response.status).toBe(400);
    expect(Object.keys((bad.error as { errors: object }).errors)).toEqual(['sock_connect_timeout']);
  });
});

describe('tasks list', () => {
  it('answers fields on the generated client too', async () => {
    const { data } = await tasksList({ client: stack.client, query: { fields: ['prn', 'state'], limit: 2000 } });
    for (const task of data!.results) expect(Object.keys(task).sort()).toEqual(['prn', 'state']);
  });
});
