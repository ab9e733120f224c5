import { hrefs } from '@app/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentNetbootTagsList, distributionsNetbootOciCreate } from '../../openapi/client/sdk.gen';
import type { ContentNetbootTagsListData } from '../../openapi/client/types.gen';
import { raw } from '../content/support/http';
import { buildNetbootArtifact, makeFile, pushArtifact, pushManifest } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import { createRemote, createRepository, sync } from './sync-helpers';

type TagListQuery = NonNullable<ContentNetbootTagsListData['query']>;

// Enough tags for many pages of the tag list and two of the content app's HTML listing; small enough for CI.
const TAGS = 1005;
const MOVED = 30;
const names = Array.from({ length: TAGS }, (_, i) => `t${String(i).padStart(4, '0')}`);

let stack: Stack;
let registry: TestRegistry;
let repo: string;
let narrow: string;
const one = buildNetbootArtifact({ files: { vmlinuz: makeFile(512, 'many-1') } });
const two = buildNetbootArtifact({ files: { vmlinuz: makeFile(512, 'many-2') } });
let firstSync: Awaited<ReturnType<typeof sync>>;

beforeAll(async () => {
  registry = await startRegistry();
  stack = await startStack();
  // One artifact under every tag (as a registry of many builds of few files looks), then sync; then move the
  // first MOVED tags to another artifact and sync again, so version 2 removes and adds tags of the same names.
  await pushArtifact(registry.url, 'many/tags', names[0]!, one);
  await Promise.all(names.map((tag) => pushManifest(registry.url, 'many/tags', tag, one.bytes, one.mediaType)));
  repo = await createRepository(stack);
  const remote = await createRemote(stack, { url: registry.url, upstream_name: 'many/tags' });
  firstSync = await sync(stack, repo, remote);
  await pushArtifact(registry.url, 'many/tags', names[0]!, two);
  for (const tag of names.slice(1, MOVED)) await pushManifest(registry.url, 'many/tags', tag, two.bytes, two.mediaType);
  expect((await sync(stack, repo, remote)).state).toBe('completed');
  // Another repository holding a few of the same tags: its memberships must not show in the first one's lists.
  narrow = await createRepository(stack);
  const narrowRemote = await createRemote(stack, {
    url: registry.url,
    upstream_name: 'many/tags',
    include_tags: ['t00*'],
  });
  expect((await sync(stack, narrow, narrowRemote)).state).toBe('completed');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

async function page(query: TagListQuery) {
  const { data } = await contentNetbootTagsList({ client: stack.client, query, throwOnError: true });
  return data;
}

/** Follows `next` from the first page, as Pulp clients do; every page must give the same exact count. */
async function walk(query: TagListQuery) {
  const seen: { name: string; digest: string }[] = [];
  const counts = new Set<number>();
  let offset = 0;
  for (;;) {
    const data = await page({ ...query, offset });
    counts.add(data.count);
    seen.push(...data.results.map((tag) => ({ name: tag.name, digest: tag.digest })));
    if (!data.next) break;
    offset = Number(new URL(data.next, 'http://x').searchParams.get('offset'));
  }
  return { seen, counts: [...counts] };
}

describe('a repository of many tags', () => {
  it('reports every tag checked in the sync task', () => {
    expect(firstSync.state).toBe('completed');
    const checked = firstSync.progress_reports.find((r) => r.code === 'sync.checking.tags');
    expect(checked).toMatchObject({ total: TAGS, done: TAGS, state: 'completed' });
  });

  it('pages through each version in name order, every tag exactly once, with an exact count', async () => {
    for (const number of [1, 2]) {
      const { seen, counts } = await walk({ repository_version: hrefs.version(repo, number), limit: 37 });
      expect(counts).toEqual([TAGS]);
      expect(seen.map((tag) => tag.name)).toEqual(names);
      const moved = seen.filter((tag) => tag.digest === two.digest).length;
      expect(moved).toBe(number === 1 ? 0 : MOVED);
    }
  });

  it('reverses with ordering=-name and agrees with the general query (ordering by pulp_created)', async () => {
    const version = hrefs.version(repo, 2);
    const reversed = await walk({ repository_version: version, limit: 50, ordering: '-name' });
    expect(reversed.seen.map((tag) => tag.name)).toEqual([...names].reverse());
    const general = await walk({ repository_version: version, limit: 50, ordering: 'pulp_created' });
    expect(general.counts).toEqual([TAGS]);
    expect(general.seen.map((tag) => `${tag.name} ${tag.digest}`).sort()).toEqual(
      reversed.seen.map((tag) => `${tag.name} ${tag.digest}`).sort(),
    );
  });

  it('answers the last page, a page past the end and a name filter exactly', async () => {
    const version = hrefs.version(repo, 2);
    const last = await page({ repository_version: version, limit: 2000, offset: TAGS - 1 });
    expect(last).toMatchObject({ count: TAGS, next: null });
    expect(last.results.map((tag) => tag.name)).toEqual([names[TAGS - 1]]);
    const past = await page({ repository_version: version, limit: 10, offset: TAGS + 5 });
    expect(past).toMatchObject({ count: TAGS, next: null, results: [] });
    const named = await page({ repository_version: version, name: 't0007' });
    expect(named.count).toBe(1);
    expect(named.results[0]).toMatchObject({ name: 't0007', digest: two.digest });
  });

  it('counts only the repository asked for, though tags are shared content', async () => {
    const { seen, counts } = await walk({ repository_version: hrefs.version(narrow, 1), limit: 7 });
    expect(counts).toEqual([100]);
    expect(seen.map((tag) => tag.name)).toEqual(names.slice(0, 100));
  });

  it('pages the HTML listing of the distribution root, every tag on exactly one page', async () => {
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'many', base_path: 'many', repository: hrefs.repository(repo) },
      throwOnError: true,
    });
    const listed: string[] = [];
    let path: string | null = '/pulp/content/many/';
    let pages = 0;
    await expect.poll(async () => (await raw(stack.contentUrl, path!)).status).toBe(200);
    while (path) {
      const res = await raw(stack.contentUrl, path);
      expect(res.status).toBe(200);
      const html = res.body.toString();
      listed.push(...[...html.matchAll(/href="\/pulp\/content\/many\/(t\d+)\/"/g)].map((m) => m[1]!));
      pages++;
      const next = /<a rel="next" href="\?page=(\d+)"/.exec(html)?.[1];
      path = next ? `/pulp/content/many/?page=${next}` : null;
    }
    expect(pages).toBe(2);
    expect(listed).toEqual(names);
    for (const page of ['3', '0', 'x'])
      expect((await raw(stack.contentUrl, `/pulp/content/many/?page=${page}`)).status).toBe(404);
    const json = await raw(stack.contentUrl, '/pulp/content/many/', { headers: { accept: 'application/json' } });
    expect((JSON.parse(json.body.toString()) as { entries: unknown[] }).entries).toHaveLength(TAGS);
  });
});
