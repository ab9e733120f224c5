import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciPartialUpdate,
  distributionsNetbootOciSign,
  tokensCreate,
  tokensDelete,
} from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile } from '../support/push';
import { idOf, type Stack, startStack } from '../support/stack';
import { header, raw } from './support/http';
import { Seeder } from './support/seed';

/** Short, so the revocation test waits a second rather than the default ten. */
const TOKEN_CACHE_SECONDS = 1;

describe('content guard: private distributions', () => {
  let stack: Stack;
  let distributionId: string;
  let token: string;
  let tokenHref: string;
  let seed: Seeder;
  const kernel = makeFile(64 * 1024, 'private-kernel');
  const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });

  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { CONTENT_TOKEN_CACHE_SECONDS: String(TOKEN_CACHE_SECONDS) } });
    seed = await Seeder.open(stack);
    const repoId = await seed.repository('rhel');
    await seed.version(repoId, {
      tags: { '9-amd64': buildNetbootArtifact({ files: { vmlinuz: kernel, 'initrd.img': makeFile(4096, 'i') } }) },
    });
    const { data } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'rhel',
        base_path: 'rhel',
        repository: `/pulp/api/v3/repositories/netboot/oci/${repoId}/`,
        private: true,
      },
    });
    distributionId = idOf(data!.pulp_href);
    expect(data!.private).toBe(true);
    const created = await tokensCreate({ client: stack.client, body: { name: 'capsule' } });
    token = created.data!.token;
    tokenHref = created.data!.pulp_href;
  });
  afterAll(async () => stack?.stop());

  it('refuses a host without credentials and keeps the distribution out of listings', async () => {
    const res = await get('/pulp/content/rhel/9-amd64/vmlinuz');
    expect(res.status).toBe(401);
    expect(header(res, 'www-authenticate')).toMatch(/^Bearer/);
    const listing = await get('/pulp/content/', { Accept: 'application/json' });
    expect(listing.body.toString()).not.toContain('rhel');
  });

  it('serves a holder of an API token', async () => {
    const res = await get('/pulp/content/rhel/9-amd64/vmlinuz', { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body.equals(kernel)).toBe(true);
    expect(
      (await get('/pulp/content/rhel/9-amd64/vmlinuz', { Authorization: 'Bearer bd_notarealtokenatall12345' })).status,
    ).toBe(401);
  });

  it('serves a signed URL until it expires, and boot scripts carry the grant to the kernel and initrd', async () => {
    const { data: signed } = await distributionsNetbootOciSign({
      client: stack.client,
      path: { id: distributionId },
      body: { expires_in: 3 },
    });
    expect(signed!.url).toBe(`${stack.contentUrl}/pulp/content/rhel/?${signed!.query}`);
    expect((await get(`/pulp/content/rhel/9-amd64/vmlinuz?${signed!.query}`)).status).toBe(200);
    const script = (await get(`/pulp/content/rhel/9-amd64/boot.ipxe?${signed!.query}`)).body.toString();
    const kernelUrl = /kernel (\S+)/.exec(script)![1]!;
    expect(kernelUrl).toContain('?grant=');
    expect((await get(new URL(kernelUrl).pathname + new URL(kernelUrl).search)).status).toBe(200);
    // Change the signature's first character to a different one (a fixed replacement is a no-op 1 time in 64).
    const tampered = signed!.query.replace(
      /signature=(.)/,
      (_, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`,
    );
    expect((await get(`/pulp/content/rhel/9-amd64/vmlinuz?${tampered}`)).status).toBe(403);
    await expect
      .poll(async () => (await get(`/pulp/content/rhel/9-amd64/vmlinuz?${signed!.query}`)).status, { timeout: 10_000 })
      .toBe(403);
  });

  it('asks registry clients for a token the way registries do, and takes an API token as the password', async () => {
    const refused = await get('/v2/rhel/tags/list');
    expect(refused.status).toBe(401);
    const challenge = header(refused, 'www-authenticate')!;
    expect(challenge).toBe(`Bearer realm="${stack.contentUrl}/token",service="bootdepot",scope="repository:rhel:pull"`);
    const issued = await get('/token?service=bootdepot&scope=repository:rhel:pull', {
      Authorization: `Basic ${Buffer.from(`robot:${token}`).toString('base64')}`,
    });
    expect(issued.status).toBe(200);
    const bearer = (JSON.parse(issued.body.toString()) as { token: string }).token;
    const tags = await get('/v2/rhel/tags/list', { Authorization: `Bearer ${bearer}` });
    expect(JSON.parse(tags.body.toString())).toEqual({ name: 'rhel', tags: ['9-amd64'] });
    const catalog = await get('/v2/_catalog');
    expect(JSON.parse(catalog.body.toString()).repositories).not.toContain('rhel');
  });

  it('refuses a file it served publicly from memory as soon as its distribution turns private', async () => {
    const repoId = await seed.repository('turning');
    const small = makeFile(4096, 'turning-kernel');
    await seed.version(repoId, { tags: { '1-amd64': buildNetbootArtifact({ files: { vmlinuz: small } }) } });
    const { data } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'turning', base_path: 'turning', repository: `/pulp/api/v3/repositories/netboot/oci/${repoId}/` },
    });
    // Asked repeatedly, the answer is kept whole in memory (ReadyAnswers) and sent without walking the route.
    for (let i = 0; i < 3; i++) {
      const res = await get('/pulp/content/turning/1-amd64/vmlinuz');
      expect(res.status).toBe(200);
      expect(res.body.equals(small)).toBe(true);
    }
    await distributionsNetbootOciPartialUpdate({
      client: stack.client,
      path: { id: idOf(data!.pulp_href) },
      body: { private: true },
      throwOnError: true,
    });
    // The API's invalidation reaches the content app over pub/sub (well before the snapshot's one-minute age).
    await expect
      .poll(async () => (await get('/pulp/content/turning/1-amd64/vmlinuz')).status, { timeout: 5_000, interval: 50 })
      .toBe(401);
    // Not only the request that reloaded the snapshot: none finds the public answer kept in memory.
    for (let i = 0; i < 3; i++) expect((await get('/pulp/content/turning/1-amd64/vmlinuz')).status).toBe(401);
    expect((await get('/pulp/content/turning/1-amd64/vmlinuz', { Authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('stops serving a revoked token', async () => {
    const served = () => get('/pulp/content/rhel/9-amd64/vmlinuz', { Authorization: `Bearer ${token}` });
    // Checked just now, so trusted from the cache for up to CONTENT_TOKEN_CACHE_SECONDS.
    expect((await served()).status).toBe(200);
    const revokedAt = Date.now();
    await tokensDelete({ client: stack.client, path: { id: idOf(tokenHref) } });
    await expect.poll(async () => (await served()).status, { timeout: 10_000, interval: 100 }).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(TOKEN_CACHE_SECONDS * 1000 + 1000);
  });
});

describe('content app health and metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(async () => stack?.stop());

  it('answers /healthz, /readyz and /metrics with requests, bytes and path-map cache lookups', async () => {
    expect((await raw(stack.contentUrl, '/healthz')).status).toBe(200);
    const ready = await raw(stack.contentUrl, '/readyz');
    expect(JSON.parse(ready.body.toString())).toEqual({ database: true, redis: true, storage: true });
    await raw(stack.contentUrl, '/pulp/content/');
    await raw(stack.contentUrl, '/pulp/content/');
    const text = (await raw(stack.contentUrl, '/metrics')).body.toString();
    expect(text).toMatch(/bootdepot_content_requests_total\{area="files",method="GET",status="200"[^}]*\} 2/);
    expect(text).toMatch(/bootdepot_content_bytes_served_total\{area="files"[^}]*\} [1-9]/);
    expect(text).toMatch(/bootdepot_content_cache_lookups_total\{result="hit"[^}]*\} [1-9]/);
  });
});
