import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  exportersNetbootPulpCreate,
  importersNetbootPulpCreate,
  remotesNetbootOciCreate,
  repositoriesNetbootOciSync,
  statusRead,
  syncSchedulesCreate,
  tokensCreate,
} from '../../openapi/client/sdk.gen';
import { startRegistry, type TestRegistry } from '../support/registry';
import { ADMIN_PASSWORD, type Stack, startStack } from '../support/stack';
import { createRemote, createRepository, pushFedora, sync } from '../sync/sync-helpers';
import { invariantViolations } from './db-invariants';
import { describeRequest, runRequests } from './fuzz-runner';
import { loadOperations } from './openapi-operations';
import { type FuzzRequest, type KnownObjects, requestArb, strayRequestArb } from './request-arbitraries';

// Reproducible by default; FUZZ_SEED=<n> FUZZ_RUNS=<n> explore further.
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 16;

let stack: Stack;
let registry: TestRegistry;
// Exporters need a directory under ALLOWED_EXPORT_PATHS, or every create is a 400 and their routes go untested.
const transferRoot = mkdtempSync(join(tmpdir(), 'bootdepot-fuzz-transfer-'));

beforeAll(async () => {
  mkdirSync(join(transferRoot, 'exports'));
  registry = await startRegistry();
  stack = await startStack({
    env: { ALLOWED_EXPORT_PATHS: join(transferRoot, 'exports'), ALLOWED_IMPORT_PATHS: transferRoot },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
  rmSync(transferRoot, { recursive: true, force: true });
});

/** Real objects of every kind, content included, so valid ids and hrefs reach rows rather than 404s. */
async function seed(): Promise<void> {
  await pushFedora(registry.url, 'fuzz/fedora');
  const remote = await createRemote(stack, { url: registry.url, upstream_name: 'fuzz/fedora' });
  const synced = await createRepository(stack);
  const task = await sync(stack, synced, remote);
  expect(task.state).toBe('completed');
  // From here tasks stay queued: fuzzed remotes point anywhere, and the worker must not go there.
  await stack.stopWorker();
  const client = stack.client;
  const other = await createRepository(stack);
  await createRepository(stack, { retain: 2 });
  await remotesNetbootOciCreate({
    client,
    body: { name: 'fz-remote-2', url: 'http://127.0.0.1:9/', upstream_name: 'a/b' },
    throwOnError: true,
  });
  await distributionsNetbootOciCreate({
    client,
    body: { name: 'fz-d1', base_path: 'fz/one', repository: `/pulp/api/v3/repositories/netboot/oci/${synced}/` },
    throwOnError: true,
  });
  await distributionsNetbootOciCreate({
    client,
    body: {
      name: 'fz-d2',
      base_path: 'fz-two',
      repository_version: `/pulp/api/v3/repositories/netboot/oci/${synced}/versions/1/`,
    },
    throwOnError: true,
  });
  await distributionsNetbootOciCreate({
    client,
    body: { name: 'fz-d3', base_path: 'fz-three', repository: `/pulp/api/v3/repositories/netboot/oci/${other}/` },
    throwOnError: true,
  });
  await syncSchedulesCreate({
    client,
    body: { name: 'fz-s1', repository: `/pulp/api/v3/repositories/netboot/oci/${other}/`, cron: '0 3 * * *' },
    throwOnError: true,
  });
  await tokensCreate({ client, body: { name: 'fz-t1' }, throwOnError: true });
  await exportersNetbootPulpCreate({
    client,
    body: {
      name: 'fz-e1',
      path: join(transferRoot, 'exports', 'fz-e1'),
      repositories: [`/pulp/api/v3/repositories/netboot/oci/${synced}/`],
    },
    throwOnError: true,
  });
  await importersNetbootPulpCreate({ client, body: { name: 'fz-i1' }, throwOnError: true });
  await repositoriesNetbootOciSync({ client, path: { id: other }, body: { remote }, throwOnError: true });
}

async function knownObjects(): Promise<KnownObjects> {
  const ids = async (table: string) => (await stack.sql<{ id: string }>(`SELECT id FROM ${table}`)).map((r) => r.id);
  return {
    remote: await ids('remotes'),
    repository: await ids('repositories'),
    distribution: await ids('distributions'),
    task: await ids('tasks'),
    schedule: await ids('sync_schedules'),
    token: await ids('api_tokens'),
    blob: await ids('blobs'),
    manifest: await ids('manifests'),
    tag: await ids('tags'),
    exporter: await ids('exporters'),
    importer: await ids('importers'),
    exportDir: join(transferRoot, 'exports'),
    versions: await stack.sql<{ repositoryId: string; number: number }>(
      'SELECT repository_id AS "repositoryId", number FROM repository_versions',
    ),
  };
}

/** DELETEs go last, so the objects the other requests aim at still exist while they run. */
function generate(known: KnownObjects): FuzzRequest[] {
  const operations = loadOperations();
  const arbitrary = fc.oneof(...operations.map((op) => ({ weight: 4, arbitrary: requestArb(op, known) })), {
    weight: 1,
    arbitrary: strayRequestArb(),
  });
  const requests = fc.sample(arbitrary, { seed: SEED, numRuns: RUNS });
  const rank = (r: FuzzRequest) => (r.method === 'DELETE' ? 1 : 0);
  return requests
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

describe('API under generated requests', () => {
  it(`answers ${RUNS} requests from the OpenAPI document without a 5xx, in the one error shape`, async () => {
    await seed();
    const known = await knownObjects();
    const requests = generate(known);
    const operations = new Set(requests.map((r) => r.operation));
    expect(operations.size).toBe(loadOperations().length + 1);

    const { outcomes, histogram, elapsedMs } = await runRequests(stack.apiUrl, ADMIN_PASSWORD, requests, CONCURRENCY);
    const perOperation: Record<string, Record<string, number>> = {};
    for (const o of outcomes) {
      const row = (perOperation[o.request.operation] ??= {});
      row[o.status] = (row[o.status] ?? 0) + 1;
    }
    console.log(
      `api fuzz: seed=${SEED} requests=${outcomes.length} in ${elapsedMs} ms ` +
        `(${Math.round((outcomes.length / elapsedMs) * 1000)} req/s)\nstatus histogram: ${JSON.stringify(histogram)}`,
    );
    console.table(perOperation);

    const bad = outcomes.filter((o) => o.problem);
    for (const o of bad.slice(0, 15)) console.error(`${o.status} ${o.problem}\n  ${describeRequest(o.request)}`);
    expect(bad.map((o) => `${o.status} ${o.request.operation}: ${o.problem}`).slice(0, 15)).toEqual([]);
    // The document cannot lie about errors either: every status answered is one it declares for the operation.
    const declared = new Map(loadOperations().map((op) => [op.id, new Set(op.responses)]));
    const undeclared = outcomes
      .filter((o) => o.status > 0 && declared.has(o.request.operation))
      .filter((o) => !declared.get(o.request.operation)!.has(o.status));
    for (const o of undeclared.slice(0, 15)) console.error(`undeclared ${o.status}\n  ${describeRequest(o.request)}`);
    expect([...new Set(undeclared.map((o) => `${o.status} ${o.request.operation}`))]).toEqual([]);
    // The generator must reach past validation: plenty of 2xx answers, not a wall of 400s, and on most operations,
    // not only on the easy reads (the share falls as operations are added, so both are checked).
    const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300);
    const reached = new Set(ok.map((o) => o.request.operation));
    const unreached = loadOperations()
      .map((op) => op.id)
      .filter((id) => !reached.has(id));
    console.log(`operations never answered 2xx: ${unreached.join(', ') || 'none'}`);
    expect(ok.length).toBeGreaterThan(RUNS * 0.08);
    expect(reached.size).toBeGreaterThan(loadOperations().length * 0.8);
  }, 150_000);

  it('still answers status/ afterwards', async () => {
    const { data, response } = await statusRead({ client: stack.anonymous });
    expect(response.status).toBe(200);
    expect(data?.database_connection?.connected).toBe(true);
  });

  it('leaves the database consistent', async () => {
    expect(await invariantViolations(stack)).toEqual({});
  });

  it('keeps serving the synced repository through its distribution', async () => {
    const [row] = await stack.sql<{ base_path: string }>(
      `SELECT base_path FROM distributions WHERE repository_id IS NOT NULL OR repository_version_id IS NOT NULL LIMIT 1`,
    );
    if (!row) return; // the fuzzer may legitimately have deleted every distribution
    const res = await fetch(`${stack.contentUrl}/pulp/content/${row.base_path}/`);
    await res.arrayBuffer();
    expect(res.status).toBeLessThan(500);
  });
});
