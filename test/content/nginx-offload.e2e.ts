import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { distributionsNetbootOciCreate, distributionsNetbootOciSign } from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, type NetbootArtifact } from '../support/push';
import { freePort } from '../support/registry';
import { idOf, type Stack, startStack } from '../support/stack';
import { header, raw } from './support/http';
import { Seeder } from './support/seed';

const KiB = 1024;
const MiB = 1024 * KiB;
const SHIPPED_CONF = resolve(__dirname, '../../deploy/nginx/bootdepot.conf');

/** The shipped server block with its three marked values pointed at this test's app, port and storage. */
function nginxConfig(dir: string, appPort: number, port: number, storage: string): string {
  let conf = readFileSync(SHIPPED_CONF, 'utf8');
  for (const [from, to] of [
    ['server 127.0.0.1:24816;', `server 127.0.0.1:${appPort};`],
    ['listen 80;', `listen 127.0.0.1:${port};`],
    ['alias /var/lib/bootdepot/storage/;', `alias ${storage}/;`],
  ]) {
    expect(conf).toContain(from);
    conf = conf.replace(from, to);
  }
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${dir}/tmp-${k};`);
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  ${temp.join('\n  ')}
${conf}
}
`;
}

/** CONTENT_OFFLOAD=x-accel behind a real nginx running the shipped deploy/nginx/bootdepot.conf. */
describe('content app behind nginx (CONTENT_OFFLOAD=x-accel)', () => {
  let stack: Stack;
  let nginx: ChildProcess;
  let nginxUrl: string;
  let artifact: NetbootArtifact;
  let nginxLog = '';
  let privateId: string;
  const files = { 'initrd.img': makeFile(3 * MiB + 5, 'x-accel-initrd'), 'pxelinux.0': makeFile(5 * KiB, 'x-pxe') };
  const viaNginx = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    raw(nginxUrl, path, { headers, method });
  const direct = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    raw(stack.contentUrl, path, { headers, method });

  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { CONTENT_OFFLOAD: 'x-accel' } });
    const seed = await Seeder.open(stack);
    artifact = buildNetbootArtifact({ files });
    const repoId = await seed.repository('offload');
    await seed.version(repoId, { tags: { '40-amd64': artifact } });
    await seed.distribution('offload', repoId);
    const { data: created } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'offload-private',
        base_path: 'offload-private',
        repository: `/pulp/api/v3/repositories/netboot/oci/${repoId}/`,
        private: true,
      },
    });
    privateId = idOf(created!.pulp_href);
    const dir = join(stack.dataDir, 'nginx');
    mkdirSync(dir);
    // nginx's workers run as nobody when the tests run as root: they must reach the stored files.
    for (let path = stack.prepared.config.storagePath; path !== '/'; path = resolve(path, '..')) {
      if (path.startsWith(stack.dataDir) || path === stack.dataDir) chmodSync(path, 0o755);
    }
    const port = await freePort();
    const appPort = Number(new URL(stack.contentUrl).port);
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, appPort, port, stack.prepared.config.storagePath));
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
    nginxUrl = `http://127.0.0.1:${port}`;
    await vi.waitFor(
      async () => {
        if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxLog}`);
        expect((await viaNginx('/healthz')).status).toBe(200);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((done) => nginx.once('exit', done));
      nginx.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
  });

  const initrd = '/pulp/content/offload/40-amd64/initrd.img';

  it('hands a stored file to nginx: the app answers with X-Accel-Redirect and an empty body', async () => {
    const res = await direct(initrd);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    const layer = artifact.layers.find((l) => l.annotations?.['org.opencontainers.image.title'] === 'initrd.img')!;
    const hex = layer.digest.slice('sha256:'.length);
    expect(header(res, 'x-accel-redirect')).toBe(`/_bootdepot/storage/blobs/sha256/${hex.slice(0, 2)}/${hex}`);
  });

  it('serves the same bytes and the same headers through nginx as the app does alone', async () => {
    const res = await viaNginx(initrd);
    expect(res.status, nginxLog).toBe(200);
    expect(res.body.equals(files['initrd.img'])).toBe(true);
    expect(header(res, 'content-length')).toBe(String(files['initrd.img'].length));
    expect(header(res, 'x-accel-redirect')).toBeUndefined();
    // What a client sees without nginx, from a HEAD the app answers itself.
    const alone = await direct(initrd, {}, 'HEAD');
    for (const name of ['content-type', 'etag', 'last-modified', 'cache-control', 'accept-ranges']) {
      expect(header(res, name), name).toBe(header(alone, name));
    }
    expect(header(res, 'etag')).toMatch(/^"sha256:[0-9a-f]{64}"$/);
    expect(header(res, 'x-content-type-options')).toBe('nosniff');
  });

  it('answers Range, HEAD and conditional requests through nginx as the app decides them', async () => {
    const part = await viaNginx(initrd, { Range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.body.equals(files['initrd.img'].subarray(1000, 2000))).toBe(true);
    expect(header(part, 'content-range')).toBe(`bytes 1000-1999/${files['initrd.img'].length}`);

    const tail = await viaNginx(initrd, { Range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(files['initrd.img'].subarray(-10))).toBe(true);
    expect((await viaNginx(initrd, { Range: `bytes=${files['initrd.img'].length}-` })).status).toBe(416);

    const head = await viaNginx(initrd, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(header(head, 'content-length')).toBe(String(files['initrd.img'].length));

    const full = await viaNginx(initrd);
    const etag = header(full, 'etag')!;
    expect((await viaNginx(initrd, { 'If-None-Match': etag })).status).toBe(304);
    expect((await viaNginx(initrd, { 'If-Modified-Since': header(full, 'last-modified')! })).status).toBe(304);
    // If-Range with another validator: the whole file, not the range.
    const stale = await viaNginx(initrd, { Range: 'bytes=0-9', 'If-Range': '"sha256:stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(files['initrd.img'])).toBe(true);
  });

  it('serves /v2/ blobs through nginx with the registry headers', async () => {
    const layer = artifact.layers.find((l) => l.annotations?.['org.opencontainers.image.title'] === 'initrd.img')!;
    const path = `/v2/offload/blobs/${layer.digest}`;
    expect(header(await direct(path), 'x-accel-redirect')).toBeDefined();
    const res = await viaNginx(path);
    expect(res.status).toBe(200);
    expect(res.body.equals(files['initrd.img'])).toBe(true);
    expect(header(res, 'docker-content-digest')).toBe(layer.digest);
    expect(header(res, 'docker-distribution-api-version')).toBe('registry/2.0');
    expect(header(res, 'etag')).toBe(`"${layer.digest}"`);
  });

  it('keeps small files and listings in the app', async () => {
    const small = await viaNginx('/pulp/content/offload/40-amd64/pxelinux.0');
    expect(small.status).toBe(200);
    expect(small.body.equals(files['pxelinux.0'])).toBe(true);
    expect(header(await direct('/pulp/content/offload/40-amd64/pxelinux.0'), 'x-accel-redirect')).toBeUndefined();
    const listing = await viaNginx('/pulp/content/offload/40-amd64/');
    expect(listing.status).toBe(200);
    expect(listing.body.toString()).toContain('initrd.img');
  });

  it('still refuses a private distribution without credentials', async () => {
    const path = '/pulp/content/offload-private/40-amd64/initrd.img';
    const refused = await viaNginx(path);
    expect(refused.status).toBe(401);
    expect(refused.body.equals(files['initrd.img'])).toBe(false);
    expect((await viaNginx(`${path}?expires=9999999999&signature=forged`)).status).toBe(403);
    const { data } = await distributionsNetbootOciSign({ client: stack.client, path: { id: privateId }, body: {} });
    const signed = await viaNginx(`${path}?${data!.query}`);
    expect(signed.status).toBe(200);
    expect(signed.body.equals(files['initrd.img'])).toBe(true);
  });

  it('does not serve the internal storage location to a client', async () => {
    const internal = header(await direct(initrd), 'x-accel-redirect')!;
    expect(internal).toMatch(/^\/_bootdepot\/storage\//);
    const res = await viaNginx(internal);
    expect(res.status).toBe(404);
    expect(res.body.equals(files['initrd.img'])).toBe(false);
  });
});
