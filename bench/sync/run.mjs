#!/usr/bin/env node
// Sync benchmark (not a test): bootdepot immediate sync vs `skopeo copy` of the same tags, then a no-op re-sync.
// Runs the API and the worker from dist/ as separate processes (npm run build first). Needs PostgreSQL, Redis,
// docker-registry and skopeo. Usage: node bench/sync/run.mjs [--tags 4] [--files 2] [--mib 128] [--storage s3]
// Scale mode: node bench/sync/run.mjs --scale --tags 50000 [--head-concurrency N] [--latency-ms 20] pushes one small artifact under
// N tags and reports sync, no-op re-sync, worker peak RSS, tag-list page latency and the content root listing.
// `--storage s3` stores into a throwaway Ceph RGW (scripts/rgw-lab) instead of the data folder; skopeo still
// writes to the local disk, so bootdepot/skopeo is the in-run ratio to compare between the two storages.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { dropRedisPrefix } from '../redis-prefix.mjs';
import pg from 'pg';
import { request } from 'undici';

const root = resolve(import.meta.dirname, '../..');
const { values: opts } = parseArgs({
  options: {
    tags: { type: 'string', default: '4' },
    files: { type: 'string', default: '2' },
    mib: { type: 'string', default: '128' },
    scale: { type: 'boolean', default: false },
    'head-concurrency': { type: 'string' },
    'page-runs': { type: 'string', default: '5' },
    'latency-ms': { type: 'string', default: '0' },
    storage: { type: 'string', default: 'filesystem' },
  },
});
const TAGS = Number(opts.tags);
const FILES = Number(opts.files);
const FILE_BYTES = Number(opts.mib) * 1024 * 1024;
if (!['filesystem', 's3'].includes(opts.storage)) throw new Error(`--storage ${opts.storage}?`);
const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'bench-admin-password';
const UPSTREAM = 'bench/netboot';
const EMPTY = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};

const work = mkdtempSync(join(tmpdir(), 'bootdepot-bench-'));
const children = [];
const cleanups = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function start(cmd, args, env, name) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => (log = (log + d).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => code && console.error(`${name} exited ${code ?? signal}:\n${log}`));
  children.push(child);
  return child;
}

async function waitHttp(url, ok = (s) => s < 500) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (ok(res.status)) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

async function startRegistry() {
  const port = await freePort();
  const dir = join(work, 'registry');
  const config = `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}\nhttp:\n  addr: 127.0.0.1:${port}\n`;
  writeFileSync(join(work, 'registry.yml'), config);
  start('/usr/bin/docker-registry', ['serve', join(work, 'registry.yml')], {}, 'docker-registry');
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/v2/`);
  return url;
}

/** Deterministic pseudo-random bytes, streamed: AES-CTR over zeros keyed by the seed. */
async function* bytesOf(seed, size) {
  const cipher = createCipheriv(
    'aes-128-ctr',
    createHash('sha256').update(seed).digest().subarray(0, 16),
    Buffer.alloc(16),
  );
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  for (let left = size; left > 0; left -= zeros.length)
    yield cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
}

async function writeFixture(file, seed, size) {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for await (const chunk of bytesOf(seed, size)) {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return `sha256:${hash.digest('hex')}`;
}

async function pushBlob(registry, seed, size, bytes) {
  // Streamed from a file: undici stalled here with a generator body against distribution 2.8.
  const file = join(work, `${seed}.blob`);
  const digest = bytes
    ? `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    : await writeFixture(file, seed, size);
  const start = await fetch(`${registry}/v2/${UPSTREAM}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location'), registry);
  location.searchParams.set('digest', digest);
  const res = await request(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: bytes ?? createReadStream(file, { highWaterMark: 1024 * 1024 }),
  });
  if (!bytes) rmSync(file, { force: true });
  await res.body.text();
  if (res.statusCode !== 201) throw new Error(`blob PUT ${res.statusCode}`);
  return digest;
}

async function pushFixture(registry) {
  await pushBlob(registry, 'empty', 2, Buffer.from('{}'));
  const names = ['install.img', 'boot.iso', 'initrd.img', 'vmlinuz'];
  const tags = [];
  for (let t = 0; t < TAGS; t++) {
    const layers = [];
    for (let f = 0; f < FILES; f++) {
      const digest = await pushBlob(registry, `bench-${t}-${f}`, FILE_BYTES);
      layers.push({
        mediaType: 'application/x-netboot-file',
        digest,
        size: FILE_BYTES,
        annotations: { 'org.opencontainers.image.title': names[f % names.length] + (f >= names.length ? `.${f}` : '') },
      });
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.org.pulpproject.netboot.artifact.v1',
      config: EMPTY,
      layers,
    };
    const tag = `${40 + t}-amd64`;
    const res = await fetch(`${registry}/v2/${UPSTREAM}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body: JSON.stringify(manifest),
    });
    if (res.status !== 201) throw new Error(`manifest PUT ${res.status}`);
    tags.push(tag);
  }
  return tags;
}

/** A pass-through proxy that counts blob GETs, so the re-sync's "0 blob downloads" is measured, not assumed. */
async function countingProxy(upstream, latencyMs = 0) {
  const target = new URL(upstream);
  const counts = { blobGets: 0 };
  const server = createServer(async (req, res) => {
    // A distant registry: every request waits one round trip before it goes upstream.
    if (latencyMs) await sleep(latencyMs);
    if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url)) counts.blobGets++;
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return { url: `http://127.0.0.1:${server.address().port}`, counts };
}

/** Starts the run's RGW with one bucket; returns bootdepot's S3 settings. Stopped by the cleanups. */
async function startRgw() {
  const rgwDir = join(work, 'rgw');
  cleanups.push(() => promisify(execFile)('bash', [join(root, 'scripts/rgw-lab/rgw-down.sh'), rgwDir]));
  const { stdout } = await promisify(execFile)('bash', [join(root, 'scripts/rgw-lab/rgw-up.sh'), rgwDir], {
    env: { ...process.env, OSD_STORE: 'bluestore' },
  });
  const lab = Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: lab.S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: lab.AWS_ACCESS_KEY_ID, secretAccessKey: lab.AWS_SECRET_ACCESS_KEY },
  });
  await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  client.destroy();
  return {
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: lab.S3_ENDPOINT,
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'bench',
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: lab.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: lab.AWS_SECRET_ACCESS_KEY,
  };
}

async function api(apiUrl, method, path, body) {
  const res = await fetch(new URL(path, apiUrl), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function syncAndWait(apiUrl, repoHref, remoteHref) {
  const { task } = await api(apiUrl, 'POST', `${repoHref}sync/`, { remote: remoteHref });
  for (;;) {
    const t = await api(apiUrl, 'GET', task);
    if (['completed', 'failed', 'canceled'].includes(t.state)) {
      if (t.state !== 'completed') throw new Error(`sync ${t.state}: ${t.error?.description}`);
      return t;
    }
    await sleep(100);
  }
}

function peakRss(pid) {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

/** One small artifact (a 4 KiB file) pushed once, then its manifest PUT under `count` tags, `lanes` at a time. */
async function pushScaleFixture(registry, count, lanes = 16) {
  await pushBlob(registry, 'empty', 2, Buffer.from('{}'));
  const file = Buffer.alloc(4096, 7);
  const digest = await pushBlob(registry, 'scale-file', file.length, file);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.org.pulpproject.netboot.artifact.v1',
    config: EMPTY,
    layers: [
      {
        mediaType: 'application/x-netboot-file',
        digest,
        size: file.length,
        annotations: { 'org.opencontainers.image.title': 'vmlinuz' },
      },
    ],
  });
  const width = String(count - 1).length;
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const tag = `t${String(next++).padStart(width, '0')}`;
      const res = await request(`${registry}/v2/${UPSTREAM}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 201) throw new Error(`manifest PUT ${tag}: ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/**
 * The environment of this run's bootdepot processes: a fresh database and Redis prefix (dropped at exit), the
 * run's data folder, the API on `apiPort`, plus `extra`.
 */
function runEnv(apiPort, extra) {
  const database = `bootdepot_bench_${process.pid}_${Date.now().toString(36)}`;
  const env = {
    DATABASE_URL: new URL(`/${database}`, PG_URL).toString(),
    REDIS_URL,
    REDIS_PREFIX: `bdbench_${process.pid}`,
    BOOTDEPOT_DATA_DIR: join(work, 'data'),
    BOOTDEPOT_ADMIN_PASSWORD: ADMIN,
    BOOTDEPOT_SECRET_KEY: 'bench-secret-key-0123456789abcdef',
    BIND_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    ...extra,
  };
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
    await dropRedisPrefix(REDIS_URL, env.REDIS_PREFIX);
  });
  return env;
}

/** Starts API, worker and content app from dist/ on a fresh database; returns their URLs and the worker. */
async function startStack() {
  const apiPort = await freePort();
  const contentPort = await freePort();
  const env = runEnv(apiPort, {
    CONTENT_PORT: String(contentPort),
    ...(opts['head-concurrency'] ? { SYNC_HEAD_CONCURRENCY: opts['head-concurrency'] } : {}),
  });
  start(process.execPath, [join(root, 'dist/apps/api/src/main.js')], env, 'api');
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitHttp(`${apiUrl}/pulp/api/v3/status/`, (s) => s === 200);
  // BENCH_WORKER_NODE_ARGS passes flags to the worker, e.g. `--trace-gc` or `--heap-prof`.
  const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const worker = start(process.execPath, [...workerArgs, join(root, 'dist/apps/worker/src/main.js')], env, 'worker');
  if (process.env.BENCH_WORKER_LOG) worker.stdout.pipe(createWriteStream(process.env.BENCH_WORKER_LOG));
  start(process.execPath, [join(root, 'dist/apps/content/src/main.js')], env, 'content');
  const contentUrl = `http://127.0.0.1:${contentPort}`;
  await waitHttp(`${contentUrl}/pulp/content/`);
  await sleep(2000);
  return { apiUrl, contentUrl, worker };
}

/** Syncs and samples the task every 250 ms: how long the progress stood still while the sync ran. */
async function timedSync(apiUrl, repoHref, remoteHref) {
  const t0 = performance.now();
  const { task } = await api(apiUrl, 'POST', `${repoHref}sync/`, { remote: remoteHref });
  let last = '';
  let lastChange = t0;
  let longestStill = 0;
  for (;;) {
    const t = await api(apiUrl, 'GET', task);
    const now = performance.now();
    const shape = JSON.stringify(t.progress_reports.map((r) => [r.code, r.done, r.total, r.state]));
    if (shape !== last) {
      longestStill = Math.max(longestStill, now - lastChange);
      last = shape;
      lastChange = now;
    }
    if (['completed', 'failed', 'canceled'].includes(t.state)) {
      if (t.state !== 'completed') throw new Error(`sync ${t.state}: ${t.error?.description}`);
      return { task: t, seconds: (now - t0) / 1000, longestStillSeconds: longestStill / 1000 };
    }
    await sleep(250);
  }
}

async function timedGet(url, headers = {}) {
  const t0 = performance.now();
  const res = await request(url, { headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`GET ${url} → ${res.statusCode}`);
  return { ms: performance.now() - t0, body };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median latency of the tag list at one limit and offset, over `runs` requests (after one warm-up). */
async function tagPage(apiUrl, version, limit, offset, runs) {
  const url = new URL('/pulp/api/v3/content/netboot/tags/', apiUrl);
  url.search = new URLSearchParams({ repository_version: version, limit: String(limit), offset: String(offset) });
  const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` };
  // The first request is reported apart: the first page an API process serves pays for its connection's caches.
  const first = await timedGet(url, auth);
  const body = JSON.parse(first.body);
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await timedGet(url, auth)).ms);
  return { ms: median(times), times, first: first.ms, count: body.count, results: body.results.length };
}

async function mainScale() {
  const registry = await startRegistry();
  const t0 = performance.now();
  await pushScaleFixture(registry, TAGS);
  console.log(
    `pushed one artifact under ${TAGS} tags to ${registry} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const { apiUrl, contentUrl, worker } = await startStack();

  // --latency-ms puts a delaying proxy in front of the registry, as a registry across a network would be.
  const latency = Number(opts['latency-ms']);
  const upstream = latency ? (await countingProxy(registry, latency)).url : registry;
  const remote = await api(apiUrl, 'POST', '/pulp/api/v3/remotes/netboot/oci/', {
    name: 'bench',
    url: upstream,
    upstream_name: UPSTREAM,
    policy: 'immediate',
  });
  const repo = await api(apiUrl, 'POST', '/pulp/api/v3/repositories/netboot/oci/', { name: 'bench' });
  const sync = await timedSync(apiUrl, repo.pulp_href, remote.pulp_href);
  const syncRss = peakRss(worker.pid);
  const resync = await timedSync(apiUrl, repo.pulp_href, remote.pulp_href);
  const rss = peakRss(worker.pid);
  const version = sync.task.created_resources.find((href) => href.includes('/versions/'));

  const runs = Number(opts['page-runs']);
  const pages = [];
  for (const limit of [1, 2000]) {
    const last = Math.max(0, Math.ceil(TAGS / limit) - 1) * limit;
    const middle = Math.floor(TAGS / limit / 2) * limit;
    for (const [where, offset] of [
      ['first', 0],
      ['middle', middle],
      ['last', last],
    ]) {
      pages.push({ limit, where, offset, ...(await tagPage(apiUrl, version, limit, offset, runs)) });
    }
  }

  await api(apiUrl, 'POST', '/pulp/api/v3/distributions/netboot/oci/', {
    name: 'bench',
    base_path: 'bench',
    repository: repo.pulp_href,
  });
  await waitHttp(`${contentUrl}/pulp/content/bench/`, (s) => s === 200);
  const listing = [];
  for (let i = 0; i < runs; i++) listing.push(await timedGet(`${contentUrl}/pulp/content/bench/`));
  // Every page, following rel="next" (a listing before pagination is one page).
  const walk = { pages: 0, bytes: 0, ms: 0 };
  for (let url = `${contentUrl}/pulp/content/bench/`; url;) {
    const { ms, body } = await timedGet(url);
    Object.assign(walk, { pages: walk.pages + 1, bytes: walk.bytes + body.length, ms: walk.ms + ms });
    const next = /<a rel="next" href="([^"]+)"/.exec(body.toString())?.[1];
    url = next ? new URL(next, url).toString() : null;
  }

  console.log(`
fixture:             1 artifact under ${TAGS} tags${opts['head-concurrency'] ? `, SYNC_HEAD_CONCURRENCY=${opts['head-concurrency']}` : ''}${latency ? `, ${latency} ms added per request` : ''}
sync:                ${sync.seconds.toFixed(2)} s, progress still for at most ${sync.longestStillSeconds.toFixed(1)} s, worker peak RSS ${mb(syncRss)} MiB
no-op re-sync:       ${resync.seconds.toFixed(2)} s, progress still for at most ${resync.longestStillSeconds.toFixed(1)} s, new version: ${resync.task.created_resources.length > 0}
worker peak RSS:     ${mb(rss)} MiB (VmHWM, both syncs)
tag list (median of ${runs}, ms):`);
  for (const p of pages)
    console.log(
      `  limit=${String(p.limit).padEnd(4)} ${p.where.padEnd(6)} offset=${String(p.offset).padEnd(6)} ${p.ms.toFixed(1).padStart(8)} ms  count=${p.count} results=${p.results}  runs: ${p.times.map((x) => x.toFixed(0)).join(', ')} (first ${p.first.toFixed(0)})`,
    );
  console.log(
    `root listing:        ${listing[0].body.length} bytes, ${median(listing.map((l) => l.ms)).toFixed(1)} ms (median of ${runs}; first ${listing[0].ms.toFixed(0)} ms)`,
  );
  console.log(`all listing pages:   ${walk.pages} pages, ${walk.bytes} bytes, ${walk.ms.toFixed(0)} ms`);
}

async function main() {
  const registry = await startRegistry();
  console.log(`pushing ${TAGS} tags x ${FILES} files x ${mb(FILE_BYTES)} MiB of unique blobs to ${registry} …`);
  const tags = await pushFixture(registry);
  const totalBytes = TAGS * FILES * FILE_BYTES;
  const proxy = await countingProxy(registry);

  const apiPort = await freePort();
  const env = runEnv(apiPort, opts.storage === 's3' ? await startRgw() : {});
  start(process.execPath, [join(root, 'dist/apps/api/src/main.js')], env, 'api');
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitHttp(`${apiUrl}/pulp/api/v3/status/`, (s) => s === 200);
  const worker = start(process.execPath, [join(root, 'dist/apps/worker/src/main.js')], env, 'worker');
  await sleep(2000);

  const remote = await api(apiUrl, 'POST', '/pulp/api/v3/remotes/netboot/oci/', {
    name: 'bench',
    url: proxy.url,
    upstream_name: UPSTREAM,
    policy: 'immediate',
    download_concurrency: 5,
  });
  const repo = await api(apiUrl, 'POST', '/pulp/api/v3/repositories/netboot/oci/', { name: 'bench' });

  let t0 = performance.now();
  await syncAndWait(apiUrl, repo.pulp_href, remote.pulp_href);
  const syncSeconds = (performance.now() - t0) / 1000;
  const syncBlobGets = proxy.counts.blobGets;

  const ociDir = join(work, 'oci');
  t0 = performance.now();
  for (const tag of tags) {
    // Async: the counting proxy lives in this process, a blocking exec would deadlock it.
    await promisify(execFile)('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      `docker://${proxy.url.replace('http://', '')}/${UPSTREAM}:${tag}`,
      `oci:${ociDir}:${tag}`,
    ]);
  }
  const skopeoSeconds = (performance.now() - t0) / 1000;

  proxy.counts.blobGets = 0;
  t0 = performance.now();
  const resync = await syncAndWait(apiUrl, repo.pulp_href, remote.pulp_href);
  const resyncSeconds = (performance.now() - t0) / 1000;
  const rss = peakRss(worker.pid);

  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1];
  console.log(`
${new Date().toISOString()} · ${cpu} · load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}
storage:             ${opts.storage === 's3' ? 'S3 (throwaway Ceph RGW, bluestore)' : 'filesystem (BOOTDEPOT_DATA_DIR)'}
fixture:             ${TAGS} tags, ${TAGS * FILES} unique blobs, ${mb(totalBytes)} MiB
bootdepot sync:      ${syncSeconds.toFixed(2)} s  (${mb(totalBytes / syncSeconds)} MiB/s, ${syncBlobGets} blob GETs)
skopeo copy:         ${skopeoSeconds.toFixed(2)} s  (${mb(totalBytes / skopeoSeconds)} MiB/s, tags one after another)
ratio bootdepot/skopeo: ${(syncSeconds / skopeoSeconds).toFixed(2)}
no-op re-sync:       ${resyncSeconds.toFixed(2)} s, ${proxy.counts.blobGets} blob GETs, new version: ${resync.created_resources.length > 0}
worker peak RSS:     ${mb(rss)} MiB (VmHWM)`);
}

try {
  await (opts.scale ? mainScale() : main());
} finally {
  children.forEach((c) => c.kill('SIGTERM'));
  await sleep(500);
  for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch((e) => console.error(e));
  rmSync(work, { recursive: true, force: true });
}
