import { hrefs, prnOf } from '@app/core';
import { MediaType, sha256Digest, TITLE_ANNOTATION } from '@app/oci';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentNetbootTagsList,
  distributionsNetbootOciCreate,
  repositoriesNetbootOciModify,
  repositoriesNetbootOciVersionsRead,
} from '../../openapi/client/sdk.gen';
import type { ModifyRequest } from '../../openapi/client/types.gen';
import { header, raw } from '../content/support/http';
import type { NetbootArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack, waitForTask } from '../support/stack';
import {
  createRemote,
  createRepository,
  type FedoraFixture,
  latestVersion,
  presentTags,
  pushFedora,
  readTask,
  summaryOf,
  sync,
} from './sync-helpers';

let stack: Stack;
let registry: TestRegistry;
let fedora: FedoraFixture;
let next: FedoraFixture;
/** Synced from fedora/netboot: tags 40 (index), 40-amd64, 40-arm64 in version 1. */
let source: string;
/** Synced from fedora/next: a different manifest under each of the same tag names. */
let other: string;

beforeAll(async () => {
  registry = await startRegistry();
  stack = await startStack();
  fedora = await pushFedora(registry.url, 'fedora/netboot');
  next = await pushFedora(registry.url, 'fedora/next');
  source = await createRepository(stack);
  other = await createRepository(stack);
  const remote = await createRemote(stack, { url: registry.url, upstream_name: 'fedora/netboot' });
  const nextRemote = await createRemote(stack, { url: registry.url, upstream_name: 'fedora/next' });
  expect((await sync(stack, source, remote)).state).toBe('completed');
  expect((await sync(stack, other, nextRemote)).state).toBe('completed');
});
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

async function startModify(repositoryId: string, body: ModifyRequest) {
  return repositoriesNetbootOciModify({ client: stack.client, path: { id: repositoryId }, body });
}

async function modify(repositoryId: string, body: ModifyRequest) {
  const { data, response, error } = await startModify(repositoryId, body);
  expect(response.status, JSON.stringify(error)).toBe(202);
  return waitForTask(stack, data!.task);
}

/** Tag name → href in one version. */
async function tagsOf(repositoryId: string, number: number): Promise<Record<string, string>> {
  const { data } = await contentNetbootTagsList({
    client: stack.client,
    query: { repository_version: hrefs.version(repositoryId, number), limit: 1000 },
    throwOnError: true,
  });
  return Object.fromEntries(data.results.map((tag) => [tag.name, tag.pulp_href]));
}

function fileOf(artifact: NetbootArtifact, title: string): Buffer {
  const layer = artifact.layers.find((l) => l.annotations?.[TITLE_ANNOTATION] === title)!;
  return artifact.blobs.get(layer.digest)!;
}

/** Content apps switch versions on an invalidation message; poll until the expected answer. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function distribute(repositoryId: string, basePath: string) {
  await distributionsNetbootOciCreate({
    client: stack.client,
    body: { name: basePath, base_path: basePath, repository: hrefs.repository(repositoryId) },
    throwOnError: true,
  });
}

const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });

describe('modify', () => {
  let promoted: string;

  it('promotes version 1 of one repository into an empty one with base_version, served byte for byte', async () => {
    promoted = await createRepository(stack);
    const task = await modify(promoted, { base_version: hrefs.version(source, 1) });
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    expect(task.name).toBe('bootdepot.app.tasks.add_and_remove');
    expect(task.created_resources).toEqual([hrefs.version(promoted, 1)]);
    // Exclusive on the target, shared on the repository the base version belongs to, and content shared.
    expect(task.reserved_resources).toEqual([
      hrefs.repository(promoted),
      `shared:${hrefs.repository(source)}`,
      'shared:/pulp/api/v3/orphans/cleanup/',
    ]);
    const expected = { tag: 3, manifest: 3, blob: fedora.blobCount.all };
    expect(await summaryOf(stack, promoted, 1)).toEqual({ added: expected, removed: {}, present: expected });
    expect(await summaryOf(stack, source, 1)).toMatchObject({ present: expected });
    expect(await tagsOf(promoted, 1)).toEqual(await tagsOf(source, 1));
    const { data: version } = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: promoted, number: 1 },
      throwOnError: true,
    });
    expect(version.base_version).toBe(hrefs.version(source, 1));

    await distribute(promoted, 'promoted');
    for (const title of ['vmlinuz', 'initrd.img', 'boot.iso', 'shimx64.efi']) {
      const res = await get(`/pulp/content/promoted/40-amd64/${title}`);
      expect(res.status, title).toBe(200);
      expect(res.body.equals(fileOf(fedora.amd64, title)), title).toBe(true);
    }
    const arm = await get('/pulp/content/promoted/40/arm64/vmlinuz');
    expect(arm.status).toBe(200);
    expect(arm.body.equals(fileOf(fedora.arm64, 'vmlinuz'))).toBe(true);
    const treeinfo = await get('/pulp/content/promoted/40-amd64/.treeinfo');
    expect(treeinfo.status).toBe(200);
    const text = treeinfo.body.toString();
    expect(text).toContain('kernel = images/pxeboot/vmlinuz');
    expect(text).toContain(`images/pxeboot/vmlinuz = ${sha256Digest(fileOf(fedora.amd64, 'vmlinuz'))}`);
    const kernel = await get('/pulp/content/promoted/40-amd64/images/pxeboot/vmlinuz');
    expect(kernel.body.equals(fileOf(fedora.amd64, 'vmlinuz'))).toBe(true);
    const manifest = await get('/v2/promoted/manifests/40-amd64', { accept: MediaType.OciManifest });
    expect(manifest.status).toBe(200);
    expect(manifest.body.equals(fedora.amd64.bytes)).toBe(true);
    expect(header(manifest, 'docker-content-digest')).toBe(fedora.amd64.digest);
    const index = await get('/v2/promoted/manifests/40', { accept: MediaType.OciIndex });
    expect(header(index, 'docker-content-digest')).toBe(fedora.index.digest);
  });

  it('adds a single tag (by PRN) with its manifest and blobs, then an index tag with its children', async () => {
    const target = await createRepository(stack);
    const tagId = (await tagsOf(source, 1))['40-amd64']!.split('/').at(-2)!;
    const first = await modify(target, { add_content_units: [prnOf('tag', tagId)] });
    expect(first.created_resources).toEqual([hrefs.version(target, 1)]);
    const amd64Only = { tag: 1, manifest: 1, blob: fedora.blobCount.amd64 };
    expect(await summaryOf(stack, target, 1)).toEqual({ added: amd64Only, removed: {}, present: amd64Only });

    const second = await modify(target, { add_content_units: [(await tagsOf(source, 1))['40']!] });
    expect(second.created_resources).toEqual([hrefs.version(target, 2)]);
    expect(await summaryOf(stack, target, 2)).toEqual({
      added: { tag: 1, manifest: 2, blob: fedora.blobCount.all - fedora.blobCount.amd64 },
      removed: {},
      present: { tag: 2, manifest: 3, blob: fedora.blobCount.all },
    });
    const { data: version } = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: target, number: 2 },
      throwOnError: true,
    });
    expect(version.base_version).toBe(hrefs.version(target, 1));
  });

  it('removes a tag alone while an index lists its manifest, then the index with what nothing else keeps', async () => {
    const tags = await tagsOf(promoted, 1);
    const first = await modify(promoted, { remove_content_units: [tags['40-arm64']!] });
    expect(first.created_resources).toEqual([hrefs.version(promoted, 2)]);
    expect(await summaryOf(stack, promoted, 2)).toMatchObject({
      added: {},
      removed: { tag: 1 },
      present: { tag: 2, manifest: 3, blob: fedora.blobCount.all },
    });
    // The arm64 files are still reachable through the index, as in the version Pulp would make.
    await until(
      () => get('/pulp/content/promoted/40-arm64/vmlinuz'),
      (res) => res.status === 404,
      'the removed tag to disappear',
    );
    expect((await get('/pulp/content/promoted/40/arm64/vmlinuz')).status).toBe(200);

    const second = await modify(promoted, { remove_content_units: [tags['40']!] });
    expect(second.created_resources).toEqual([hrefs.version(promoted, 3)]);
    expect(await summaryOf(stack, promoted, 3)).toEqual({
      added: {},
      removed: { tag: 1, manifest: 2, blob: fedora.blobCount.all - fedora.blobCount.amd64 },
      present: { tag: 1, manifest: 1, blob: fedora.blobCount.amd64 },
    });
    await until(
      () => get('/pulp/content/promoted/40/arm64/vmlinuz'),
      (res) => res.status === 404,
      'the removed index to disappear',
    );
    const kept = await get('/pulp/content/promoted/40-amd64/vmlinuz');
    expect(kept.body.equals(fileOf(fedora.amd64, 'vmlinuz'))).toBe(true);
  });

  it('makes no version when nothing changes, as Pulp', async () => {
    const before = await latestVersion(stack, promoted);
    const tags = await tagsOf(source, 1);
    const again = await modify(promoted, { add_content_units: [tags['40-amd64']!] });
    expect(again.state).toBe('completed');
    expect(again.created_resources).toEqual([]);
    // Removing what is not there changes nothing either.
    const absent = await modify(promoted, { remove_content_units: [tags['40-arm64']!] });
    expect(absent.created_resources).toEqual([]);
    const empty = await modify(promoted, {});
    expect(empty.created_resources).toEqual([]);
    expect(await latestVersion(stack, promoted)).toBe(before);
  });

  it('"*" removes everything; base_version by PRN; "*" with other units is refused', async () => {
    const target = await createRepository(stack);
    const [{ id: versionId }] = await stack.sql<{ id: string }>(
      'SELECT id FROM repository_versions WHERE repository_id = $1 AND number = 1',
      [source],
    );
    await modify(target, { base_version: prnOf('version', versionId!) });
    expect(await presentTags(stack, target)).toEqual(['40', '40-amd64', '40-arm64']);
    const wipe = await modify(target, { remove_content_units: ['*'] });
    expect(wipe.created_resources).toEqual([hrefs.version(target, 2)]);
    expect(await summaryOf(stack, target, 2)).toEqual({
      added: {},
      removed: { tag: 3, manifest: 3, blob: fedora.blobCount.all },
      present: {},
    });
    // Rolling back is a base_version of the repository's own.
    const rollback = await modify(target, { base_version: hrefs.version(target, 1) });
    expect(rollback.created_resources).toEqual([hrefs.version(target, 3)]);
    expect(await presentTags(stack, target)).toEqual(['40', '40-amd64', '40-arm64']);
    const { data: rolled } = await repositoriesNetbootOciVersionsRead({
      client: stack.client,
      path: { id: target, number: 3 },
      throwOnError: true,
    });
    expect(rolled.base_version).toBe(hrefs.version(target, 1));
    const mixed = await startModify(target, {
      remove_content_units: ['*', (await tagsOf(source, 1))['40']!],
    });
    expect(mixed.response.status).toBe(400);
    expect(mixed.error).toMatchObject({ errors: { remove_content_units: [expect.stringContaining('"*" alone')] } });
  });

  it('replaces a tag of the same name by default, refuses it with overwrite false, and refuses two in one call', async () => {
    const target = await createRepository(stack);
    const mine = await tagsOf(source, 1);
    const theirs = await tagsOf(other, 1);
    await modify(target, { add_content_units: [mine['40-amd64']!] });

    const twice = await startModify(target, { add_content_units: [mine['40-arm64']!, theirs['40-arm64']!] });
    expect(twice.response.status).toBe(400);
    expect(twice.error).toMatchObject({
      errors: { add_content_units: [expect.stringContaining('two tags named "40-arm64"')] },
    });

    const refused = await startModify(target, { add_content_units: [theirs['40-amd64']!], overwrite: false });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({
      errors: { add_content_units: [expect.stringMatching(/tag "40-amd64" is already in the version.*overwrite/)] },
    });
    // Naming the old tag for removal in the same call is no clash.
    const swapped = await modify(target, {
      add_content_units: [theirs['40-amd64']!],
      remove_content_units: [mine['40-amd64']!],
      overwrite: false,
    });
    expect(swapped.created_resources).toEqual([hrefs.version(target, 2)]);

    const back = await modify(target, { add_content_units: [mine['40-amd64']!] });
    expect(back.created_resources).toEqual([hrefs.version(target, 3)]);
    expect(await tagsOf(target, 3)).toEqual({ '40-amd64': mine['40-amd64'] });
    expect(await summaryOf(stack, target, 3)).toMatchObject({ removed: { tag: 1 }, added: { tag: 1 } });
    await distribute(target, 'moved');
    const res = await get('/pulp/content/moved/40-amd64/vmlinuz');
    expect(res.body.equals(fileOf(fedora.amd64, 'vmlinuz'))).toBe(true);
    expect(next.amd64.digest).not.toBe(fedora.amd64.digest);
  });

  it("waits while its repository is locked (a sync), shares the base version's repository with readers", async () => {
    const lock = (id: string, mode: '' | '_shared', verb: 'lock' | 'unlock') =>
      stack.sql(`SELECT pg_advisory_${verb}${mode}(hashtextextended($1, 0))`, [`bootdepot.sync:${id}`]);
    const target = await createRepository(stack);
    const promote = async () => (await startModify(target, { base_version: hrefs.version(source, 1) })).data!.task;

    // Another reader of the source (shared) does not hold the modify up.
    await lock(source, '_shared', 'lock');
    try {
      expect((await waitForTask(stack, await promote())).created_resources).toEqual([hrefs.version(target, 1)]);
    } finally {
      await lock(source, '_shared', 'unlock');
    }
    for (const held of [source, target]) {
      // A sync (exclusive) of the source or of the target does.
      await lock(held, '', 'lock');
      let href: string;
      try {
        href = (await startModify(target, { remove_content_units: ['*'], base_version: hrefs.version(source, 1) }))
          .data!.task;
        await sleep(1500);
        expect((await readTask(stack, href)).state, held === source ? 'source locked' : 'target locked').toBe(
          'waiting',
        );
      } finally {
        await lock(held, '', 'unlock');
      }
      expect((await waitForTask(stack, href)).state).toBe('completed');
    }
  });

  it('refuses unknown and foreign references with a 400 naming each, and dispatches nothing', async () => {
    const target = await createRepository(stack);
    const [{ n: tasksBefore }] = await stack.sql<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
    const tagHref = (await tagsOf(source, 1))['40']!;
    const tagId = tagHref.split('/').at(-2)!;
    const missing = hrefs.manifest('00000000-0000-4000-8000-000000000000');
    const bad = [hrefs.repository(source), missing, 'not-an-href', hrefs.blob(tagId), `prn:container.tag:${tagId}`];
    const res = await startModify(target, { add_content_units: [tagHref, ...bad] });
    expect(res.response.status).toBe(400);
    const messages = (res.error as { errors: Record<string, string[]> }).errors.add_content_units!.join('\n');
    for (const ref of bad) expect(messages).toContain(JSON.stringify(ref));
    expect(messages).not.toContain(JSON.stringify(tagHref));

    const remove = await startModify(target, { remove_content_units: [hrefs.remote(tagId)] });
    expect(remove.response.status).toBe(400);
    expect(Object.keys((remove.error as { errors: object }).errors)).toEqual(['remove_content_units']);

    for (const base of [`${hrefs.versions(source)}99/`, hrefs.version(tagId, 1), prnOf('version', tagId)]) {
      const res = await startModify(target, { base_version: base });
      expect(res.response.status, base).toBe(400);
      expect(res.error).toMatchObject({ errors: { base_version: [expect.stringContaining(JSON.stringify(base))] } });
    }
    const unknownRepo = await startModify(tagId, {});
    expect(unknownRepo.response.status).toBe(404);
    const [{ n: tasksAfter }] = await stack.sql<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
    expect(tasksAfter).toBe(tasksBefore);
    expect(await latestVersion(stack, target)).toBe(0);
  });
});
