import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaType, sha256Digest } from '@app/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetbootArtifact, EMPTY_CONFIG, makeFile, type NetbootArtifact } from '../support/push';
import { type Stack, startStack } from '../support/stack';
import { header, raw } from './support/http';
import { buildIndex, Seeder } from './support/seed';

describe('content app: read-only OCI registry at /v2/', () => {
  let stack: Stack;
  let artifact: NetbootArtifact;
  let index: ReturnType<typeof buildIndex>;
  const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });
  const errorCode = (body: Buffer) => (JSON.parse(body.toString()) as { errors: { code: string }[] }).errors[0].code;

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const seed = await Seeder.open(stack);
    artifact = buildNetbootArtifact({
      files: { vmlinuz: makeFile(200 * 1024, 'k'), 'initrd.img': makeFile(1024 * 1024, 'i') },
    });
    index = buildIndex([{ artifact, architecture: 'amd64', osVersion: 'fedora-40' }]);
    const repo = await seed.repository('netboot');
    const tags: Record<string, NetbootArtifact | typeof index> = { '40-amd64': artifact, '40': index };
    for (let i = 0; i < 5; i++) tags[`t${i}`] = artifact;
    await seed.version(repo, { tags });
    await seed.distribution('netboot/fedora', repo);
    await seed.distribution('zz/hidden', repo, { hidden: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers the ping and the catalog (paged, hidden excluded)', async () => {
    const ping = await get('/v2/');
    expect(ping.status).toBe(200);
    expect(header(ping, 'docker-distribution-api-version')).toBe('registry/2.0');
    const catalog = JSON.parse((await get('/v2/_catalog')).body.toString());
    expect(catalog).toEqual({ repositories: ['netboot/fedora'] });
  });

  it('lists tags with n/last and a Link to the next page', async () => {
    const all = JSON.parse((await get('/v2/netboot/fedora/tags/list')).body.toString());
    expect(all).toEqual({ name: 'netboot/fedora', tags: ['40', '40-amd64', 't0', 't1', 't2', 't3', 't4'] });
    const page = await get('/v2/netboot/fedora/tags/list?n=3');
    expect(JSON.parse(page.body.toString()).tags).toEqual(['40', '40-amd64', 't0']);
    expect(header(page, 'link')).toBe('</v2/netboot/fedora/tags/list?n=3&last=t0>; rel="next"');
    const next = await get('/v2/netboot/fedora/tags/list?n=3&last=t0');
    expect(JSON.parse(next.body.toString()).tags).toEqual(['t1', 't2', 't3']);
    expect(header(next, 'link')).toContain('last=t3');
    const last = await get('/v2/netboot/fedora/tags/list?n=3&last=t3');
    expect(JSON.parse(last.body.toString()).tags).toEqual(['t4']);
    expect(header(last, 'link')).toBeUndefined();
  });

  it('serves manifests and indexes byte-exact by tag and digest, GET and HEAD', async () => {
    for (const ref of ['40-amd64', artifact.digest]) {
      const res = await get(`/v2/netboot/fedora/manifests/${ref}`, { accept: MediaType.OciManifest });
      expect(res.status).toBe(200);
      expect(res.body.equals(artifact.bytes)).toBe(true);
      expect(header(res, 'docker-content-digest')).toBe(artifact.digest);
      expect(header(res, 'content-type')).toBe(MediaType.OciManifest);
      const head = await raw(stack.contentUrl, `/v2/netboot/fedora/manifests/${ref}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(header(head, 'content-length')).toBe(String(artifact.bytes.length));
      expect(header(head, 'docker-content-digest')).toBe(artifact.digest);
    }
    const idx = await get('/v2/netboot/fedora/manifests/40');
    expect(idx.body.equals(index.bytes)).toBe(true);
    expect(header(idx, 'content-type')).toBe(MediaType.OciIndex);
    expect(header(idx, 'docker-content-digest')).toBe(sha256Digest(index.bytes));
  });

  it('serves blobs, the empty config included, with HEAD and Range', async () => {
    const layer = artifact.layers[1];
    const bytes = artifact.blobs.get(layer.digest)!;
    const res = await get(`/v2/netboot/fedora/blobs/${layer.digest}`);
    expect(res.status).toBe(200);
    expect(res.body.equals(bytes)).toBe(true);
    expect(header(res, 'docker-content-digest')).toBe(layer.digest);
    const range = await get(`/v2/netboot/fedora/blobs/${layer.digest}`, { range: 'bytes=100-199' });
    expect(range.status).toBe(206);
    expect(range.body.equals(bytes.subarray(100, 200))).toBe(true);
    const head = await raw(stack.contentUrl, `/v2/netboot/fedora/blobs/${layer.digest}`, { method: 'HEAD' });
    expect(header(head, 'content-length')).toBe(String(bytes.length));
    const config = await get(`/v2/netboot/fedora/blobs/${EMPTY_CONFIG.digest}`);
    expect(config.status).toBe(200);
    expect(config.body.toString()).toBe('{}');
  });

  it('answers unknown names, manifests and blobs, and writes, with OCI error bodies', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v2/nope/tags/list', 404, 'NAME_UNKNOWN'],
      ['/v2/netboot/fedora/manifests/41', 404, 'MANIFEST_UNKNOWN'],
      [`/v2/netboot/fedora/manifests/sha256:${'1'.repeat(64)}`, 404, 'MANIFEST_UNKNOWN'],
      [`/v2/netboot/fedora/blobs/sha256:${'2'.repeat(64)}`, 404, 'BLOB_UNKNOWN'],
      ['/v2/netboot/fedora/blobs/sha256:xyz', 400, 'DIGEST_INVALID'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(errorCode(res.body), path).toBe(code);
    }
    const put = await raw(stack.contentUrl, '/v2/netboot/fedora/manifests/x', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(errorCode(put.body)).toBe('UNSUPPORTED');
  });

  // Async on purpose: the content app runs in this process, a sync child call would starve it.
  it('lets skopeo copy an artifact out with digests unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootdepot-skopeo-'));
    try {
      const host = new URL(stack.contentUrl).host;
      await promisify(execFile)(
        'skopeo',
        ['copy', '--src-tls-verify=false', `docker://${host}/netboot/fedora:40-amd64`, `oci:${dir}:40-amd64`],
        { timeout: 60_000 },
      );
      const layoutIndex = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      expect(layoutIndex.manifests[0].digest).toBe(artifact.digest);
      const blob = (digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
      expect(blob(artifact.digest).equals(artifact.bytes)).toBe(true);
      for (const layer of artifact.layers) expect(sha256Digest(blob(layer.digest))).toBe(layer.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
