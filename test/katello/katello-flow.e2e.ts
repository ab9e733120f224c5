/**
 * A Katello-style integration, written the way a new integrator would: against a client made by a second,
 * independent generator (openapi-typescript's path types in openapi/typescript/schema.d.ts + openapi-fetch),
 * not the hey-api client the other tests use. `npm run openapi:check` fails when the committed types are
 * stale and `npm run typecheck` compiles this file against them, so a document that drifts from what
 * Katello-style code relies on (optional PATCH fields, integer numbers, typed errors, the query parameters)
 * fails the build before any test runs.
 *
 * The flow follows Katello's `app/services/katello/pulp3/`: label objects, sync, read back with `fields`,
 * look objects up in bulk with `pulp_href__in`/`name__in`, build a content view version in another
 * repository with `modify` + `base_version`, repoint a distribution by PATCH, load content in pages of 2000.
 */
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components, paths } from '../../openapi/typescript/schema';
import { buildNetbootArtifact, makeFile, pushArtifact, pushManifest } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { ADMIN_PASSWORD, idOf, type Stack, startStack } from '../support/stack';
import { pushFedora } from '../sync/sync-helpers';

type Task = components['schemas']['TaskResponse'];
type ErrorBody = components['schemas']['ErrorResponse'];

/** Katello's default bulk load size: it asks for this many objects per page. */
const BULK_LOAD_SIZE = 2000;
/** More tags than one bulk page holds, so paging is exercised. */
const MANY_TAGS = BULK_LOAD_SIZE + 37;

let stack: Stack;
let registry: TestRegistry;
let api: Client<paths>;
let anonymous: Client<paths>;

beforeAll(async () => {
  registry = await startRegistry();
  stack = await startStack();
  const basic = Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');
  api = createClient<paths>({ baseUrl: stack.apiUrl, headers: { Authorization: `Basic ${basic}` } });
  anonymous = createClient<paths>({ baseUrl: stack.apiUrl });
  await pushFedora(registry.url, 'katello/fedora');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

/** Polls a task by its href until it ends, as Katello's task polling does. */
async function waitForTask(href: string, timeoutMs = 90_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error } = await api.GET('/pulp/api/v3/tasks/{id}/', { params: { path: { id: idOf(href) } } });
    if (error) throw new Error(`task ${href}: ${error.detail}`);
    if (['completed', 'failed', 'canceled'].includes(data.state)) return data;
    if (Date.now() > deadline) throw new Error(`task ${href} still ${data.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function completed(started: { task: string } | undefined): Promise<Task> {
  expect(started?.task).toMatch(/^\/pulp\/api\/v3\/tasks\/[0-9a-f-]+\/$/);
  const task = await waitForTask(started!.task);
  expect(task.error ?? null, JSON.stringify(task.error)).toBeNull();
  expect(task.state).toBe('completed');
  return task;
}

async function createRepository(name: string, labels: Record<string, string>) {
  const { data, error, response } = await api.POST('/pulp/api/v3/repositories/netboot/oci/', {
    body: { name, pulp_labels: labels },
  });
  expect(response.status, error?.detail).toBe(201);
  return data!;
}

async function syncFrom(repositoryHref: string, remoteHref: string): Promise<string> {
  const { data } = await api.POST('/pulp/api/v3/repositories/netboot/oci/{id}/sync/', {
    params: { path: { id: idOf(repositoryHref) } },
    body: { remote: remoteHref, mirror: true },
  });
  const task = await completed(data);
  const version = task.created_resources.find((href) => href.includes('/versions/'));
  expect(version).toBeDefined();
  return version!;
}

async function readVersion(href: string) {
  const [, id, number] = /\/repositories\/netboot\/oci\/([^/]+)\/versions\/(\d+)\/$/.exec(href)!;
  const { data, error } = await api.GET('/pulp/api/v3/repositories/netboot/oci/{id}/versions/{number}/', {
    params: { path: { id, number: Number(number) } },
  });
  if (error) throw new Error(error.detail);
  return data;
}

describe('a Katello-style integration through an openapi-typescript client', () => {
  let remote: components['schemas']['RemoteResponse'];
  let library: components['schemas']['RepositoryResponse'];
  let contentView: components['schemas']['RepositoryResponse'];
  let libraryVersion: string;
  let contentViewVersion: string;

  it('creates a labelled remote and repositories, as Katello marks what it owns', async () => {
    const created = await api.POST('/pulp/api/v3/remotes/netboot/oci/', {
      body: {
        name: 'katello-fedora',
        url: registry.url,
        upstream_name: 'katello/fedora',
        policy: 'immediate',
        sock_connect_timeout: 30,
        pulp_labels: { katello: 'true', owner: 'acme' },
      },
    });
    expect(created.response.status, created.error?.detail).toBe(201);
    remote = created.data!;
    expect(remote.pulp_labels).toEqual({ katello: 'true', owner: 'acme' });
    expect(remote.prn).toBe(`prn:netboot.ociremote:${idOf(remote.pulp_href)}`);
    expect(remote.download_concurrency).toSatisfy(Number.isInteger);

    library = await createRepository('acme-library', { katello: 'true', environment: 'library' });
    contentView = await createRepository('acme-cv-dev', { katello: 'true', environment: 'dev' });
    expect(library.prn).toBe(`prn:netboot.ocirepository:${idOf(library.pulp_href)}`);
  });

  it('syncs, then reads back only the fields it stores (fields=pulp_href,prn)', async () => {
    libraryVersion = await syncFrom(library.pulp_href, remote.pulp_href);
    expect(libraryVersion).toBe(`${library.pulp_href}versions/1/`);

    const { data } = await api.GET('/pulp/api/v3/repositories/netboot/oci/{id}/', {
      params: { path: { id: idOf(library.pulp_href) }, query: { fields: ['pulp_href', 'prn'] } },
    });
    expect(data).toEqual({ pulp_href: library.pulp_href, prn: library.prn });

    const version = await api.GET('/pulp/api/v3/repositories/netboot/oci/{id}/versions/{number}/', {
      params: { path: { id: idOf(library.pulp_href), number: 1 }, query: { fields: ['prn'] } },
    });
    expect(Object.keys(version.data!)).toEqual(['prn']);
    expect(version.data!.prn).toMatch(/^prn:core\.repositoryversion:[0-9a-f-]{36}$/);
  });

  it('looks objects up in bulk by href, prn, name and label', async () => {
    const byHref = await api.GET('/pulp/api/v3/repositories/netboot/oci/', {
      params: { query: { pulp_href__in: [library.pulp_href, contentView.prn], limit: BULK_LOAD_SIZE } },
    });
    expect(byHref.data!.results.map((r) => r.name).sort()).toEqual(['acme-cv-dev', 'acme-library']);

    const byName = await api.GET('/pulp/api/v3/repositories/netboot/oci/', {
      params: { query: { name__in: ['acme-library', 'no-such-repository'] } },
    });
    expect(byName.data!.count).toBe(1);

    const byLabel = await api.GET('/pulp/api/v3/repositories/netboot/oci/', {
      params: { query: { pulp_label_select: 'katello,environment=dev', exclude_fields: ['versions_href'] } },
    });
    expect(byLabel.data!.results).toHaveLength(1);
    expect(byLabel.data!.results[0]).toMatchObject({ pulp_href: contentView.pulp_href });
    expect(byLabel.data!.results[0]).not.toHaveProperty('versions_href');
  });

  it('promotes the library version into the content view repository with modify + base_version', async () => {
    const { data, response } = await api.POST('/pulp/api/v3/repositories/netboot/oci/{id}/modify/', {
      params: { path: { id: idOf(contentView.pulp_href) } },
      body: { base_version: libraryVersion },
    });
    expect(response.status).toBe(202);
    const task = await completed(data);
    contentViewVersion = `${contentView.pulp_href}versions/1/`;
    expect(task.created_resources).toContain(contentViewVersion);

    const [source, promoted] = await Promise.all([readVersion(libraryVersion), readVersion(contentViewVersion)]);
    const counts = (present: typeof source.content_summary.present) =>
      Object.fromEntries(Object.entries(present).map(([type, entry]) => [type, entry.count]));
    expect(counts(promoted.content_summary.present)).toEqual(counts(source.content_summary.present));
    expect(promoted.base_version).toBe(libraryVersion);
    // The same tags, pointing at the same manifests.
    const tagsOf = async (version: string) => {
      const { data } = await api.GET('/pulp/api/v3/content/netboot/tags/', {
        params: { query: { repository_version: version, fields: ['name', 'digest'] } },
      });
      return data!.results.sort((a, b) => a.name.localeCompare(b.name));
    };
    const [sourceTags, promotedTags] = await Promise.all([tagsOf(libraryVersion), tagsOf(contentViewVersion)]);
    expect(promotedTags).toEqual(sourceTags);
    expect(promotedTags.map((tag) => tag.name)).toEqual(['40', '40-amd64', '40-arm64']);
  });

  it('repoints a private, hidden distribution by PATCHing only repository_version', async () => {
    const created = await api.POST('/pulp/api/v3/distributions/netboot/oci/', {
      body: {
        name: 'acme-dev',
        base_path: 'acme/dev',
        repository_version: contentViewVersion,
        private: true,
        hidden: true,
        pulp_labels: { katello: 'true' },
      },
    });
    expect(created.response.status, created.error?.detail).toBe(201);
    const distribution = created.data!;

    // A new content view version: drop one tag from the promoted content.
    const tags = await api.GET('/pulp/api/v3/content/netboot/tags/', {
      params: { query: { repository_version: contentViewVersion, name: '40-arm64' } },
    });
    expect(tags.data!.results).toHaveLength(1);
    const removal = await api.POST('/pulp/api/v3/repositories/netboot/oci/{id}/modify/', {
      params: { path: { id: idOf(contentView.pulp_href) } },
      body: { remove_content_units: [tags.data!.results[0].prn] },
    });
    await completed(removal.data);
    const nextVersion = `${contentView.pulp_href}versions/2/`;

    // The whole body: generated PATCH models must not fill in `private: false` or `hidden: false`.
    const patched = await api.PATCH('/pulp/api/v3/distributions/netboot/oci/{id}/', {
      params: { path: { id: idOf(distribution.pulp_href) } },
      body: { repository_version: nextVersion },
    });
    expect(patched.response.status, patched.error?.detail).toBe(200);
    expect(patched.data).toMatchObject({ repository_version: nextVersion, private: true, hidden: true });

    const reread = await api.GET('/pulp/api/v3/distributions/netboot/oci/{id}/', {
      params: { path: { id: idOf(distribution.pulp_href) } },
    });
    expect(reread.data).toMatchObject({ private: true, hidden: true, pulp_labels: { katello: 'true' } });
    // Still private where it matters: the content app refuses anonymous reads.
    const file = await fetch(`${stack.contentUrl}/pulp/content/acme/dev/40-amd64/vmlinuz`);
    await file.arrayBuffer();
    expect(file.status).toBe(401);
  });

  it(`pages through ${MANY_TAGS} tags ${BULK_LOAD_SIZE} at a time`, async () => {
    const artifact = buildNetbootArtifact({ files: { vmlinuz: makeFile(4096, 'many-vmlinuz') } });
    const first = await pushArtifact(registry.url, 'katello/many', 'tag-00000', artifact);
    const names = Array.from({ length: MANY_TAGS }, (_, i) => `tag-${String(i).padStart(5, '0')}`);
    for (let i = 1; i < names.length; i += 16) {
      await Promise.all(
        names
          .slice(i, i + 16)
          .map((name) => pushManifest(registry.url, 'katello/many', name, artifact.bytes, first.mediaType)),
      );
    }
    const many = await api.POST('/pulp/api/v3/remotes/netboot/oci/', {
      body: { name: 'katello-many', url: registry.url, upstream_name: 'katello/many' },
    });
    const repository = await createRepository('acme-many', { katello: 'true' });
    const version = await syncFrom(repository.pulp_href, many.data!.pulp_href);

    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = await api.GET('/pulp/api/v3/content/netboot/tags/', {
        params: { query: { repository_version: version, limit: BULK_LOAD_SIZE, offset, fields: ['name'] } },
      });
      expect(page.response.status, page.error?.detail).toBe(200);
      expect(page.data!.count).toBe(MANY_TAGS);
      seen.push(...page.data!.results.map((tag) => tag.name));
      if (!page.data!.next) break;
      expect(page.data!.results).toHaveLength(BULK_LOAD_SIZE);
      offset += BULK_LOAD_SIZE;
    }
    expect(seen.sort()).toEqual(names);
  }, 180_000);

  it('gets every error as the one typed error body', async () => {
    const expectError = (error: ErrorBody | undefined, correlation: string | null) => {
      expect(error?.detail).toEqual(expect.any(String));
      expect(error?.correlation_id).toBe(correlation);
    };

    const invalid = await api.POST('/pulp/api/v3/remotes/netboot/oci/', {
      body: { name: 'with-password', url: 'http://user:secret@127.0.0.1:9', upstream_name: 'x' },
    });
    expect(invalid.response.status).toBe(400);
    expectError(invalid.error, invalid.response.headers.get('correlation-id'));
    expect(Object.keys(invalid.error!.errors ?? {})).toContain('url');

    const unknownParameter = await api.GET('/pulp/api/v3/remotes/netboot/oci/', {
      // A parameter the document does not declare cannot be written without a cast: that is the point.
      params: { query: { name__in: ['x'], colour: 'blue' } as { name__in: string[] } },
    });
    expect(unknownParameter.response.status).toBe(400);
    expect(unknownParameter.error!.detail).toContain('colour');

    const duplicate = await api.POST('/pulp/api/v3/repositories/netboot/oci/', { body: { name: 'acme-library' } });
    expect(duplicate.response.status).toBe(409);
    expectError(duplicate.error, duplicate.response.headers.get('correlation-id'));

    const missing = await api.GET('/pulp/api/v3/repositories/netboot/oci/{id}/', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expectError(missing.error, missing.response.headers.get('correlation-id'));

    const clash = await api.POST('/pulp/api/v3/repositories/netboot/oci/{id}/modify/', {
      params: { path: { id: idOf(contentView.pulp_href) } },
      body: { add_content_units: ['prn:netboot.tag:00000000-0000-4000-8000-000000000000'] },
    });
    expect(clash.response.status).toBe(400);
    expectError(clash.error, clash.response.headers.get('correlation-id'));

    const unauthenticated = await anonymous.GET('/pulp/api/v3/tasks/', {});
    expect(unauthenticated.response.status).toBe(401);
    expectError(unauthenticated.error, unauthenticated.response.headers.get('correlation-id'));
  });

  it('purges finished tasks in bulk, as Katello does', async () => {
    const { data, response } = await api.POST('/pulp/api/v3/tasks/purge/', {
      body: { finished_before: new Date(Date.now() + 60_000).toISOString(), states: ['completed'] },
    });
    expect(response.status).toBe(202);
    await waitForTask(data!.task);
    const left = await api.GET('/pulp/api/v3/tasks/', { params: { query: { limit: BULK_LOAD_SIZE } } });
    // Only the purge task itself remains: it finished after the cut-off was taken.
    expect(left.data!.results.map((task) => task.name)).toEqual([expect.stringContaining('purge')]);
  });
});
