#!/usr/bin/env node
// nginx (sendfile) vs the bootdepot content app on the same files (hard links to one inode).
// Usage: node bench/serve/run.mjs [--no-build] [--runs 3] [--storm-runs 1] [--wrk-runs 3] [--wrk-seconds 10]
//        [--clients 200] [--content-workers N] [--phases single,storm,small,treeinfo] [--hold] [--json FILE|-]
//        [--log-level info|warn|…] [--sweep 1,10,50,100,200 [--plot docs/bench-serve-concurrency.svg]]
//        [--storage filesystem|s3|s3-presigned] [--instructions]
// Each measure runs nginx, the bare node:http baseline (small requests only) and bootdepot alternately and
// reports medians. SIGINT or SIGTERM stops the run and removes everything it created.
// Needs PostgreSQL and Redis (DATABASE admin URL from TEST_PG_URL, Redis from TEST_REDIS_URL), nginx, curl, wrk.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  chmodSync,
  createWriteStream,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropRedisPrefix } from '../redis-prefix.mjs';
import { callgrindWrapper, instructionsPerRequest } from './instructions.mjs';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const optText = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const RUNS = opt('runs', 3);
const STORM_RUNS = opt('storm-runs', 1);
const WRK_SECONDS = opt('wrk-seconds', 10);
const WRK_RUNS = opt('wrk-runs', 3);
const STORM_CLIENTS = opt('clients', 200);
// `--instructions`: instead of the timed phases, the node:http baseline and bootdepot run under valgrind's callgrind
// and the small-request loads report instructions per request (bench/serve/instructions.mjs), a figure that does
// not move with the machine's speed or load. One process each.
const INSTRUCTIONS = args.includes('--instructions');
// nginx and the content app run the same number of processes: by default one per core (nginx's `auto`).
const CONTENT_WORKERS = INSTRUCTIONS ? 1 : opt('content-workers', availableParallelism());
const PG_ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MiB = 1024 * 1024;
const TICKS = 100; // USER_HZ on Linux
// The default configuration logs one access line per request (LOG_LEVEL=info): measured as users run it unless
// told otherwise (`--log-level warn` shows what the access log costs). Lines go to a file in the run's folder.
const LOG_LEVEL = optText('log-level', 'info');
// `--json -` prints the whole result as JSON on stdout after the table; `--json FILE` writes it to FILE.
// `--offload`: the layout of deploy/nginx/bootdepot.conf. bootdepot runs with CONTENT_OFFLOAD=x-accel behind
// an nginx of its own running the shipped server block, and is measured through it (CPU: app + that nginx).
const OFFLOAD = args.includes('--offload');
const JSON_OUT = args.includes('--json') ? (optText('json', '-') ?? '-') : null;
const CPU_MODEL = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';

/** Writes a run's whole result as JSON to --json's file, or prints it after the table (`--json -`). */
function writeJson(report) {
  const text = JSON.stringify(
    report,
    (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    JSON_OUT === '-' ? undefined : 2,
  );
  if (JSON_OUT === '-') console.log(text);
  else writeFileSync(resolve(JSON_OUT), `${text}\n`);
}
// `--storage s3`: bootdepot's blobs live in a throwaway Ceph RGW (scripts/rgw-lab) and are streamed from it;
// `s3-presigned` answers with 302 to presigned URLs (CONTENT_REDIRECT=presigned; curl follows them). nginx
// still serves the same files from the local disk, so its figures are the in-run yardstick. bootdepot's CPU
// then includes the RGW's three daemons (the bytes pass through them).
const STORAGE = optText('storage', 'filesystem');
if (!['filesystem', 's3', 's3-presigned'].includes(STORAGE)) throw new Error(`--storage ${STORAGE}?`);

// The peers are Debian packages (scripts/test-prerequisites.sh installs them with the test prerequisites): say
// so before anything is created, rather than failing half-way with a spawn error.
const missingTools = ['nginx', 'wrk', 'curl', ...(INSTRUCTIONS ? ['valgrind', 'callgrind_control'] : [])].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
);
if (missingTools.length) {
  console.error(
    `bench/serve needs ${missingTools.join(', ')}: run \`bash scripts/test-prerequisites.sh\` as root ` +
      '(it installs nginx-light, wrk and curl with the other test prerequisites)',
  );
  process.exit(2);
}
if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const { Client } = await import('pg');

const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(' ');
const dir = mkdtempSync(join(tmpdir(), 'bootdepot-serve-bench-'));
// nginx workers run as nobody when started by root: they must be able to traverse the folder.
chmodSync(dir, 0o755);
const children = [];
const cleanup = () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
};
// Only what this run created: its own folder, its database and its Redis keys, however the run ends.
const rgwDown = () => {
  if (STORAGE !== 'filesystem') execFileSync('bash', [join(root, 'scripts/rgw-lab/rgw-down.sh'), join(dir, 'rgw')]);
};
process.on('exit', () => {
  cleanup();
  if (!teardownStarted) rgwDown();
  rmSync(dir, { recursive: true, force: true });
});
let teardownStarted = null;
/** Stops the servers and removes the run's database and Redis keys; safe to call twice. */
function teardown() {
  teardownStarted ??= (async () => {
    cleanup();
    await sleep(300);
    await pg?.end().catch(() => undefined);
    if (databaseCreated) {
      const admin = new Client({ connectionString: PG_ADMIN });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
      // The content app's queue connection leaves a metadata key under the run's prefix.
      await dropRedisPrefix(REDIS_URL, redisPrefix);
    }
    rgwDown();
    rmSync(dir, { recursive: true, force: true });
  })();
  return teardownStarted;
}
// Ctrl-C and SIGTERM (a CI timeout, `kill`, `timeout 60 node …`) end the run the same way.
let pg = null;
let databaseCreated = false;
// A second signal while tearing down (e.g. from both `timeout` and a shell) must not kill the run half way.
const stopOn = (signal, code) =>
  process.on(signal, () => {
    if (!teardownStarted) console.error(`${signal}: stopping`);
    void teardown().finally(() => process.exit(code));
  });
stopOn('SIGTERM', 143);
const stopOnInt = () => stopOn('SIGINT', 130);
stopOnInt();

async function freePort() {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

async function makeFile(path, size, seed) {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const zeros = Buffer.alloc(MiB);
  for (let left = size; left > 0; left -= MiB) {
    const chunk = cipher.update(left >= MiB ? zeros : zeros.subarray(0, left));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return `sha256:${hash.digest('hex')}`;
}

// --- files, storage layout and nginx root share inodes -------------------------------------------------
const files = [
  { title: 'boot.iso', size: 512 * MiB },
  { title: 'initrd.img', size: 64 * MiB },
  { title: 'vmlinuz', size: 16 * MiB },
  { title: 'pxelinux.0', size: 4 * 1024 },
];
const storage = join(dir, 'storage');
/** The RGW's monitor, OSD and gateway with --storage s3*: counted in bootdepot's CPU. */
const rgwPids = [];
const www = join(dir, 'www');
mkdirSync(join(dir, 'src'));
mkdirSync(www);
for (const file of files) {
  const path = join(dir, 'src', file.title);
  file.digest = await makeFile(path, file.size, `bench-${file.title}`);
  const hex = file.digest.slice(7);
  mkdirSync(join(storage, 'blobs', 'sha256', hex.slice(0, 2)), { recursive: true });
  linkSync(path, join(storage, 'blobs', 'sha256', hex.slice(0, 2), hex));
  linkSync(path, join(www, file.title));
}
mkdirSync(join(storage, 'tmp'), { recursive: true });
const s3Env = STORAGE === 'filesystem' ? {} : await uploadToRgw();

/** Starts the run's RGW and puts the files under the driver's layout; returns the content app's S3 settings. */
async function uploadToRgw() {
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createReadStream } = await import('node:fs');
  const rgwDir = join(dir, 'rgw');
  const out = execFileSync('bash', [join(root, 'scripts/rgw-lab/rgw-up.sh'), rgwDir], {
    env: { ...process.env, OSD_STORE: 'bluestore' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lab = Object.fromEntries(
    out
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const client = new S3Client({
    endpoint: lab.S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: lab.AWS_ACCESS_KEY_ID, secretAccessKey: lab.AWS_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  for (const file of files) {
    const hex = file.digest.slice(7);
    await client.send(
      new PutObjectCommand({
        Bucket: 'bench',
        Key: `blobs/sha256/${hex.slice(0, 2)}/${hex}`,
        Body: createReadStream(join(dir, 'src', file.title)),
        ContentLength: file.size,
      }),
    );
  }
  client.destroy();
  rgwPids.push(...readFileSync(join(rgwDir, 'pids'), 'utf8').trim().split('\n').map(Number));
  return {
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: lab.S3_ENDPOINT,
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'bench',
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: lab.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: lab.AWS_SECRET_ACCESS_KEY,
    CONTENT_REDIRECT: STORAGE === 's3-presigned' ? 'presigned' : 'none',
  };
}

// --- database: migrate through the app's own bootstrap, then seed one distribution ------------------------
const database = `bootdepot_servebench_${process.pid}_${Date.now().toString(36)}`;
const databaseUrl = new URL(`/${database}`, PG_ADMIN).toString();
const redisPrefix = `bdservebench_${process.pid}`;
const contentPort = await freePort();
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  REDIS_PREFIX: redisPrefix,
  BOOTDEPOT_DATA_DIR: dir,
  STORAGE_PATH: storage,
  CONTENT_PORT: String(contentPort),
  CONTENT_WORKERS: String(CONTENT_WORKERS),
  CONTENT_ORIGIN: `http://127.0.0.1:${contentPort}`,
  BIND_HOST: '127.0.0.1',
  LOG_LEVEL,
  LOG_FILE: join(dir, 'content.log'),
  CONTENT_OFFLOAD: OFFLOAD ? 'x-accel' : 'none',
  BOOTDEPOT_SECRET_KEY: 'bench-secret-key-0123456789abcdef',
  ...s3Env,
};
const { prepare } = await import(join(root, 'dist/libs/core/src/bootstrap.js'));
databaseCreated = true;
await prepare('bench', env);
pg = new Client({ connectionString: databaseUrl });
await pg.connect();
const q = async (text, params) => (await pg.query(text, params)).rows;
const content = async (kind) => (await q('INSERT INTO content (kind) VALUES ($1) RETURNING id', [kind]))[0].id;
const [repo] = await q(`INSERT INTO repositories (name) VALUES ('bench') RETURNING id`);
const ids = [];
const layers = [];
for (const file of files) {
  file.blobId = await content('blob');
  ids.push(file.blobId);
  await q(
    `INSERT INTO blobs (id, digest, size, media_type, state) VALUES ($1, $2, $3, 'application/x-netboot-file', 'stored')`,
    [file.blobId, file.digest, file.size],
  );
  layers.push({
    mediaType: 'application/x-netboot-file',
    digest: file.digest,
    size: file.size,
    annotations: { 'org.opencontainers.image.title': file.title },
  });
}
const manifestBytes = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.org.pulpproject.netboot.artifact.v1',
    config: {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
    },
    layers,
  }),
);
const manifestId = await content('manifest');
ids.push(manifestId);
await q(
  `INSERT INTO manifests (id, digest, media_type, is_index, raw) VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', false, $3)`,
  [manifestId, `sha256:${createHash('sha256').update(manifestBytes).digest('hex')}`, manifestBytes],
);
for (const [position, file] of files.entries()) {
  await q(
    `INSERT INTO manifest_layers (manifest_id, position, blob_id, digest, size, media_type, title) VALUES ($1, $2, $3, $4, $5, 'application/x-netboot-file', $6)`,
    [manifestId, position, file.blobId, file.digest, file.size, file.title],
  );
}
const tagId = await content('tag');
ids.push(tagId);
await q(`INSERT INTO tags (id, name, manifest_id) VALUES ($1, '40-amd64', $2)`, [tagId, manifestId]);
await q(`INSERT INTO repository_versions (repository_id, number) VALUES ($1, 1)`, [repo.id]);
await q(
  `INSERT INTO repository_content (repository_id, content_id, version_added) SELECT $1, c, 1 FROM unnest($2::uuid[]) c`,
  [repo.id, ids],
);
await q(`INSERT INTO distributions (name, base_path, repository_id) VALUES ('bench', 'bench', $1)`, [repo.id]);

// --- servers --------------------------------------------------------------------------------------------
// BENCH_CONTENT_NODE_ARGS passes flags to the content app, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`;
// BENCH_CONTENT_WRAPPER runs it under a tool, e.g. `valgrind --tool=callgrind --smc-check=all-non-file`
// (then `callgrind_control -z` / `-d` around a load in --hold gives instructions per request).
const nodeArgs = (process.env.BENCH_CONTENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
const wrapper = INSTRUCTIONS
  ? callgrindWrapper(dir, 'bootdepot')
  : (process.env.BENCH_CONTENT_WRAPPER ?? '').split(' ').filter(Boolean);
const appArgv = [...wrapper, process.execPath, ...nodeArgs, join(root, 'dist/apps/content/src/main.js')];
const app = spawn(appArgv[0], appArgv.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit'] });
children.push(app);
const appUrl = `http://127.0.0.1:${contentPort}/pulp/content/bench/40-amd64`;
for (let i = 0; ; i++) {
  if ((await fetch(`http://127.0.0.1:${contentPort}/healthz`).catch(() => null))?.ok) break;
  if (i > (wrapper.length ? 3000 : 100)) throw new Error('content app did not start');
  await sleep(100);
}
const treeinfo = await (await fetch(`${appUrl}/.treeinfo`)).text();
writeFileSync(join(www, '.treeinfo'), treeinfo);

// The bare node:http baseline answers the same bytes with the very headers bootdepot sent (Date, Connection
// and Keep-Alive are added by node:http itself on both sides).
const baselineSpec = {};
for (const [path, from] of [
  ['/pxelinux.0', `${appUrl}/pxelinux.0`],
  ['/.treeinfo', `${appUrl}/.treeinfo`],
]) {
  const res = await fetch(from);
  const headers = [];
  for (const [name, value] of res.headers)
    if (!['date', 'connection', 'keep-alive'].includes(name)) headers.push(name, value);
  baselineSpec[path] = { headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
}
writeFileSync(join(dir, 'baseline.json'), JSON.stringify(baselineSpec));
const baselinePort = await freePort();
const baselineArgv = [
  ...(INSTRUCTIONS ? callgrindWrapper(dir, 'baseline') : []),
  process.execPath,
  join(import.meta.dirname, 'baseline.mjs'),
  join(dir, 'baseline.json'),
  String(baselinePort),
  String(CONTENT_WORKERS),
];
const baseline = spawn(baselineArgv[0], baselineArgv.slice(1), { stdio: 'inherit' });
children.push(baseline);
const baselineUrl = `http://127.0.0.1:${baselinePort}`;
for (let i = 0; ; i++) {
  if ((await fetch(`${baselineUrl}/pxelinux.0`).catch(() => null))?.ok) break;
  if (i > (INSTRUCTIONS ? 3000 : 100)) throw new Error('the node:http baseline did not start');
  await sleep(100);
}

const nginxPort = await freePort();
const nginxConf = join(dir, 'nginx.conf');
writeFileSync(
  nginxConf,
  `daemon off;
worker_processes ${CONTENT_WORKERS};
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/nginx-tmp; proxy_temp_path ${dir}/nginx-tmp; fastcgi_temp_path ${dir}/nginx-tmp;
  uwsgi_temp_path ${dir}/nginx-tmp; scgi_temp_path ${dir}/nginx-tmp;
  server { listen 127.0.0.1:${nginxPort}; root ${www}; location / { } }
}
`,
);
const nginx = spawn('nginx', ['-c', nginxConf, '-p', dir, '-e', `${dir}/nginx-error.log`], { stdio: 'inherit' });
children.push(nginx);
const nginxUrl = `http://127.0.0.1:${nginxPort}`;
for (let i = 0; ; i++) {
  if ((await fetch(`${nginxUrl}/pxelinux.0`).catch(() => null))?.ok) break;
  if (i > 100) throw new Error('nginx did not start');
  await sleep(100);
}

// --offload: the shipped server block in front of the content app, in an nginx process of its own.
let served = { url: appUrl, pids: [app.pid, ...rgwPids] };
if (OFFLOAD) {
  const frontPort = await freePort();
  let block = readFileSync(join(root, 'deploy/nginx/bootdepot.conf'), 'utf8');
  for (const [from, to] of [
    ['server 127.0.0.1:24816;', `server 127.0.0.1:${contentPort};`],
    ['listen 80;', `listen 127.0.0.1:${frontPort};`],
    ['alias /var/lib/bootdepot/storage/;', `alias ${storage}/;`],
  ]) {
    if (!block.includes(from)) throw new Error(`deploy/nginx/bootdepot.conf no longer has ${from}`);
    block = block.replace(from, to);
  }
  const frontConf = join(dir, 'front.conf');
  writeFileSync(
    frontConf,
    `daemon off;
worker_processes ${CONTENT_WORKERS};
pid ${dir}/front.pid;
error_log ${dir}/front-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/front-tmp; proxy_temp_path ${dir}/front-tmp; fastcgi_temp_path ${dir}/front-tmp;
  uwsgi_temp_path ${dir}/front-tmp; scgi_temp_path ${dir}/front-tmp;
${block}
}
`,
  );
  const front = spawn('nginx', ['-c', frontConf, '-p', dir, '-e', `${dir}/front-error.log`], { stdio: 'inherit' });
  children.push(front);
  served = { url: `http://127.0.0.1:${frontPort}/pulp/content/bench/40-amd64`, pids: [app.pid, front.pid] };
  for (let i = 0; ; i++) {
    if ((await fetch(`${served.url}/pxelinux.0`).catch(() => null))?.ok) break;
    if (i > 100) throw new Error('the nginx in front of bootdepot did not start');
    await sleep(100);
  }
  // The storage folders must be readable by nginx's workers (nobody when started by root).
  for (const sub of ['', 'blobs', 'blobs/sha256']) chmodSync(join(storage, sub), 0o755);
}

// --- measurement helpers --------------------------------------------------------------------------------
/** CPU seconds of a process and its children (or of several processes, summed). */
function cpuSeconds(pid) {
  if (Array.isArray(pid)) return pid.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry));
    } catch {}
  }
  let ticks = 0;
  for (const p of pids) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8')
        .slice(readFileSync(`/proc/${p}/stat`, 'utf8').lastIndexOf(')') + 2)
        .split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks / TICKS;
}

function run(cmd, argv) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${cmd} exited ${code}: ${err.slice(0, 500)}`)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One measurement: a rate (MB/s or req/s), the bytes moved and the server CPU seconds they took. */
async function singleOnce(url, pid) {
  const cpu0 = cpuSeconds(pid);
  const [size, time, code] = (
    await run('curl', ['-s', '-L', '-o', '/dev/null', '-w', '%{size_download} %{time_total} %{http_code}', url])
  )
    .trim()
    .split(' ')
    .map(Number);
  if (code !== 200 || size !== 512 * MiB) throw new Error(`single download: HTTP ${code}, ${size} bytes`);
  return { rate: size / time / 1e6, bytes: size, cpu: cpuSeconds(pid) - cpu0, errors: 0 };
}

async function stormOnce(base, pid, clients = STORM_CLIENTS) {
  const procs = Math.min(4, clients);
  const perProc = Math.ceil(clients / procs);
  const cpu0 = cpuSeconds(pid);
  const start = process.hrtime.bigint();
  const outputs = await Promise.all(
    Array.from({ length: procs }, (_, p) => {
      const config = join(dir, `storm-${p}.curl`);
      const lines = [];
      const mine = Math.min(perProc, clients - p * perProc);
      for (let c = 0; c < mine; c++) {
        for (const name of ['initrd.img', 'vmlinuz']) lines.push(`url = "${base}/${name}"`, 'output = "/dev/null"');
      }
      writeFileSync(config, `${lines.join('\n')}\n`);
      return run('curl', [
        '-s',
        '-L',
        '-Z',
        '--parallel-max',
        String(perProc),
        '--parallel-immediate',
        '-K',
        config,
        '-w',
        '%{http_code} %{size_download}\n',
      ]);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let bytes = 0;
  let errors = 0;
  for (const line of outputs.join('').trim().split('\n')) {
    const [code, size] = line.split(' ').map(Number);
    if (code !== 200) errors++;
    bytes += size;
  }
  if (bytes !== clients * 80 * MiB) errors++;
  return { rate: bytes / seconds / 1e6, bytes, cpu: cpuSeconds(pid) - cpu0, errors };
}

async function wrkOnce(url, pid, seconds = WRK_SECONDS) {
  const cpu0 = pid ? cpuSeconds(pid) : 0;
  const out = await run('wrk', ['-t2', '-c50', `-d${seconds}s`, url]);
  const cpu = pid ? cpuSeconds(pid) - cpu0 : NaN;
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  const [, avg, , max] = /Latency\s+(\S+)\s+(\S+)\s+(\S+)/.exec(out) ?? [];
  return { rate, bytes: 0, cpu, requests, errors, latency: { avg, max } };
}

/** Median rate, CPU seconds per GB over all runs, all errors. */
function summarize(samples) {
  const bytes = samples.reduce((n, s) => n + s.bytes, 0);
  const requests = samples.reduce((n, s) => n + (s.requests ?? 0), 0);
  return {
    rate: median(samples.map((s) => s.rate)),
    runs: samples.map((s) => Math.round(s.rate)),
    cpuPerGB: bytes ? samples.reduce((n, s) => n + s.cpu, 0) / (bytes / 1e9) : NaN,
    cpuPerRequestUs: requests ? (samples.reduce((n, s) => n + s.cpu, 0) / requests) * 1e6 : NaN,
    latency: samples.map((s) => s.latency).filter(Boolean),
    errors: samples.reduce((n, s) => n + s.errors, 0),
  };
}

/** Memory of the content app's busiest process (the primary and, in cluster mode, each worker). */
function rss(pid) {
  const read = (p) => {
    const status = readFileSync(`/proc/${p}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)[1]);
    return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
  };
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  const all = [pid, ...children.map(Number)].map(read);
  return {
    rssMB: Math.max(...all.map((m) => m.rssMB)),
    peakMB: Math.max(...all.map((m) => m.peakMB)),
    totalMB: all.reduce((sum, m) => sum + m.rssMB, 0),
    processes: all.length,
  };
}

/**
 * The content app's largest RSS while each phase ran, sampled every 50 ms: VmHWM alone cannot tell which
 * load set the peak.
 */
const phasePeaks = {};
const phaseTotals = {};
let phase = 'idle';
const sampler = setInterval(() => {
  let now;
  try {
    now = rss(app.pid);
  } catch {
    return; // the app is gone (the run is being stopped)
  }
  phasePeaks[phase] = Math.max(phasePeaks[phase] ?? 0, now.rssMB);
  phaseTotals[phase] = Math.max(phaseTotals[phase] ?? 0, now.totalMB);
}, 50);
async function during(name, work) {
  phase = name;
  try {
    return await work();
  } finally {
    phase = 'idle';
  }
}

// --hold keeps the servers up for manual measurement (wrk, perf, curl) until Ctrl-C, then runs as usual;
// SIGTERM ends the run there.
if (args.includes('--hold')) {
  console.error(
    `holding: nginx ${nginxUrl}/  baseline ${baselineUrl}/  bootdepot ${served.url}/  content pid ${app.pid}, baseline pid ${baseline.pid}; Ctrl-C to go on, SIGTERM to stop`,
  );
  process.removeAllListeners('SIGINT');
  await new Promise((done) => process.once('SIGINT', done));
  stopOnInt();
}

// --phases single,storm,small,treeinfo runs only some of them (e.g. to profile one load).
const phaseAt = args.indexOf('--phases');
const phases = new Set(phaseAt === -1 ? ['single', 'storm', 'small', 'treeinfo'] : args[phaseAt + 1].split(','));

// --- instructions per request (--instructions) ---------------------------------------------------------
if (INSTRUCTIONS) {
  const loads = [
    ['small', '4 KiB file', '/pxelinux.0'],
    ['treeinfo', '.treeinfo', '/.treeinfo'],
  ].filter(([key]) => phases.has(key));
  const counts = {};
  for (const [key, label, path] of loads) {
    console.error(`${label}: instructions per request under callgrind…`);
    counts[key] = {
      baseline: await instructionsPerRequest({
        dir,
        prefix: 'baseline',
        pid: baseline.pid,
        url: `${baselineUrl}${path}`,
      }),
      bootdepot: await instructionsPerRequest({ dir, prefix: 'bootdepot', pid: app.pid, url: `${appUrl}${path}` }),
    };
  }
  console.log(
    `\n${new Date().toISOString()} · ${CPU_MODEL} × ${availableParallelism()} · instructions per request (callgrind; ` +
      `lowest of the runs, every run listed) · LOG_LEVEL=${LOG_LEVEL}\n`,
  );
  console.log('| measure | node:http baseline | bootdepot | ÷ baseline |');
  console.log('|---|---|---|---|');
  for (const [key, label] of loads) {
    const { baseline: base, bootdepot } = counts[key];
    console.log(
      `| ${label} | ${base.min} (${base.runs.join(', ')}) | ${bootdepot.min} (${bootdepot.runs.join(', ')}) | ${(bootdepot.min / base.min).toFixed(2)} |`,
    );
  }
  if (JSON_OUT) {
    writeJson({
      date: new Date().toISOString(),
      cpuModel: CPU_MODEL,
      command: process.argv.slice(1).join(' '),
      logLevel: LOG_LEVEL,
      counts,
    });
  }
  await teardown();
  process.exit(0);
}

// --- the run --------------------------------------------------------------------------------------------
// Warm the page cache and both servers once.
await run('curl', ['-s', '-o', '/dev/null', `${nginxUrl}/boot.iso`]);
await run('curl', ['-s', '-o', '/dev/null', `${served.url}/images/boot.iso`]);

const skipped = { rate: NaN, runs: [], cpuPerGB: NaN, errors: 0 };
const result = { nginx: {}, baseline: {}, bootdepot: {} };
/**
 * Runs nginx, the node:http baseline (when given) and bootdepot alternately, `runs` times each, so that
 * whatever else the shared machine does at the time weighs on all alike; reports medians.
 */
async function measure(key, label, runs, nginxOnce, bootdepotOnce, baselineOnce) {
  if (!phases.has(key)) {
    result.nginx[key] = result.baseline[key] = result.bootdepot[key] = skipped;
    return;
  }
  console.error(`${label}…`);
  // Small-request phases: a short unmeasured load first, so no server is measured while V8 still compiles it.
  if (baselineOnce) {
    for (const once of [nginxOnce, baselineOnce, bootdepotOnce]) await once(2);
  }
  const n = [];
  const base = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    n.push(await nginxOnce());
    if (baselineOnce) base.push(await baselineOnce());
    b.push(await during(key, bootdepotOnce));
  }
  result.nginx[key] = summarize(n);
  result.baseline[key] = baselineOnce ? summarize(base) : skipped;
  result.bootdepot[key] = summarize(b);
}
await measure(
  'single',
  'single 512 MiB download',
  RUNS,
  () => singleOnce(`${nginxUrl}/boot.iso`, nginx.pid),
  () => singleOnce(`${served.url}/images/boot.iso`, served.pids),
);
await measure(
  'storm',
  `boot storm ${STORM_CLIENTS} × (64 + 16 MiB)`,
  STORM_RUNS,
  () => stormOnce(nginxUrl, nginx.pid),
  () => stormOnce(`${served.url}/images/pxeboot`, served.pids),
);
await measure(
  'small',
  '4 KiB file with wrk, 50 connections',
  WRK_RUNS,
  (seconds) => wrkOnce(`${nginxUrl}/pxelinux.0`, nginx.pid, seconds),
  (seconds) => wrkOnce(`${served.url}/pxelinux.0`, served.pids, seconds),
  (seconds) => wrkOnce(`${baselineUrl}/pxelinux.0`, baseline.pid, seconds),
);
await measure(
  'treeinfo',
  '.treeinfo with wrk, 50 connections',
  WRK_RUNS,
  (seconds) => wrkOnce(`${nginxUrl}/.treeinfo`, nginx.pid, seconds),
  (seconds) => wrkOnce(`${served.url}/.treeinfo`, served.pids, seconds),
  (seconds) => wrkOnce(`${baselineUrl}/.treeinfo`, baseline.pid, seconds),
);
clearInterval(sampler);
result.bootdepot.memory = { ...rss(app.pid), phasePeaksMB: phasePeaks, phaseTotalsMB: phaseTotals };

const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '–');
const runsOf = (m) => (m.runs.length ? `${m.rate.toFixed(0)} (${m.runs.join(', ')})` : '–');
const rows = [
  ['single 512 MiB (MB/s)', 'single', 1.0],
  [`storm ${STORM_CLIENTS}×80 MiB (MB/s)`, 'storm', 1.0],
  ['4 KiB file (req/s)', 'small', 0.75, 0.8],
  ['.treeinfo (req/s)', 'treeinfo', 0.75, 0.8],
];
console.log(
  `\n${new Date().toISOString()} · ${CPU_MODEL} × ${availableParallelism()} · load average before the run ${loadBefore} · ` +
    `content processes ${CONTENT_WORKERS} (nginx worker_processes ${CONTENT_WORKERS}) · LOG_LEVEL=${LOG_LEVEL}` +
    (OFFLOAD ? ' · bootdepot behind nginx with CONTENT_OFFLOAD=x-accel (CPU: app + its nginx)' : '') +
    (STORAGE === 'filesystem'
      ? ''
      : ` · bootdepot storage: Ceph RGW, ${STORAGE === 's3' ? 'streamed' : '302 to presigned URLs'} (CPU: app + RGW daemons); nginx: local disk`),
);
console.log(
  '\n| measure | nginx median (runs) | node:http baseline median (runs) | bootdepot median (runs) | ÷ nginx | ÷ baseline | target |',
);
console.log('|---|---|---|---|---|---|---|');
const verdicts = [];
for (const [name, key, target, baselineTarget] of rows) {
  if (!phases.has(key)) continue;
  const n = result.nginx[key];
  const base = result.baseline[key];
  const b = result.bootdepot[key];
  const ok = b.rate / n.rate >= target && (!baselineTarget || b.rate / base.rate >= baselineTarget);
  verdicts.push({ key, ok });
  const goal = `≥ ${target}×${baselineTarget ? `, ≥ ${baselineTarget}× baseline` : ''} ${ok ? 'ok' : 'MISSED'}`;
  console.log(
    `| ${name} | ${runsOf(n)} | ${runsOf(base)} | ${runsOf(b)} | ${ratio(b.rate, n.rate)} | ${ratio(b.rate, base.rate)} | ${goal} |`,
  );
}
for (const key of ['single', 'storm'].filter((k) => phases.has(k))) {
  console.log(
    `| server CPU s/GB ${key} | ${result.nginx[key].cpuPerGB.toFixed(2)} | | ${result.bootdepot[key].cpuPerGB.toFixed(2)} | | | ${key === 'storm' ? '≤ 3× nginx' : ''} |`,
  );
}
// CPU per request (user + system, from /proc) next to the rate: less sensitive than req/s to other load,
// since a busy neighbour lowers the rate but not the work each request takes.
for (const key of ['small', 'treeinfo'].filter((k) => phases.has(k))) {
  const us = (m) => (Number.isFinite(m.cpuPerRequestUs) ? m.cpuPerRequestUs.toFixed(1) : '–');
  console.log(
    `| server CPU µs/request ${key} | ${us(result.nginx[key])} | ${us(result.baseline[key])} | ${us(result.bootdepot[key])} | | ${ratio(result.bootdepot[key].cpuPerRequestUs, result.baseline[key].cpuPerRequestUs)} | |`,
  );
}
const errorsOf = (side) => Object.values(result[side]).reduce((n, m) => n + (m.errors ?? 0), 0);
const errors = errorsOf('bootdepot');
const nginxErrors = errorsOf('nginx');
console.log(`errors: bootdepot ${errors}, nginx ${nginxErrors}, baseline ${errorsOf('baseline')}`);
const { memory } = result.bootdepot;
const byPhase = (peaks) =>
  Object.entries(peaks)
    .map(([name, mb]) => `${name} ${mb.toFixed(0)}`)
    .join(', ');
console.log(
  `content app: ${memory.processes} process(es) (${CONTENT_WORKERS > 1 ? `a primary and ${CONTENT_WORKERS} workers` : 'one'}; nginx: worker_processes ${CONTENT_WORKERS}); largest process ${memory.peakMB.toFixed(0)} MB peak RSS (target < 256)`,
);
console.log(`content RSS by phase, largest process (MB): ${byPhase(phasePeaks)}`);
console.log(`content RSS by phase, all processes together (MB): ${byPhase(phaseTotals)}`);
if (JSON_OUT) {
  writeJson({
    date: new Date().toISOString(),
    cpuModel: CPU_MODEL,
    cores: availableParallelism(),
    loadAverageBefore: loadBefore,
    command: process.argv.slice(1).join(' '),
    contentWorkers: CONTENT_WORKERS,
    logLevel: LOG_LEVEL,
    offload: OFFLOAD ? 'x-accel' : 'none',
    wrk: { connections: 50, threads: 2, seconds: WRK_SECONDS },
    ...result,
    ratios: Object.fromEntries(
      rows
        .filter(([, key]) => phases.has(key))
        .map(([, key]) => [
          key,
          {
            nginx: result.bootdepot[key].rate / result.nginx[key].rate,
            baseline: result.bootdepot[key].rate / result.baseline[key].rate || null,
          },
        ]),
    ),
    verdicts,
  });
}

// --- throughput against concurrency (--sweep 1,10,50,100,200): a table and an SVG plot -------------------
const sweepAt = args.indexOf('--sweep');
if (sweepAt !== -1) {
  const levels = (args[sweepAt + 1] ?? '1,10,50,100,200').split(',').map(Number);
  const points = [];
  for (const clients of levels) {
    console.error(`sweep: ${clients} clients…`);
    const n = await stormOnce(nginxUrl, nginx.pid, clients);
    const b = await stormOnce(`${served.url}/images/pxeboot`, served.pids, clients);
    points.push({ clients, nginx: n.rate, bootdepot: b.rate });
  }
  console.log('\n| clients × (64 + 16 MiB) | nginx MB/s | bootdepot MB/s | ratio |');
  console.log('|---|---|---|---|');
  for (const p of points)
    console.log(
      `| ${p.clients} | ${p.nginx.toFixed(0)} | ${p.bootdepot.toFixed(0)} | ${ratio(p.bootdepot, p.nginx)} |`,
    );
  const plotAt = args.indexOf('--plot');
  const plot = plotAt === -1 ? join(root, 'docs', 'bench-serve-concurrency.svg') : resolve(args[plotAt + 1]);
  writeFileSync(
    plot,
    throughputSvg(points, `${CONTENT_WORKERS} content process(es) vs nginx worker_processes ${CONTENT_WORKERS}`),
  );
  console.log(`plot: ${plot}`);
}

/** A small line chart: MB/s against clients, one line per server, log-scaled client axis. */
function throughputSvg(points, subtitle) {
  const W = 640,
    H = 360,
    L = 70,
    R = 20,
    T = 50,
    B = 50;
  const xs = points.map((p) => Math.log10(p.clients));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) || 1];
  const yMax = Math.ceil(Math.max(...points.flatMap((p) => [p.nginx, p.bootdepot])) / 500) * 500 || 500;
  const x = (c) => L + ((Math.log10(c) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const y = (v) => H - B - (v / yMax) * (H - T - B);
  const line = (key, color) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${points.map((p) => `${x(p.clients).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>` +
    points
      .map((p) => `<circle cx="${x(p.clients).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3.5" fill="${color}"/>`)
      .join('');
  const yTicks = Array.from({ length: 6 }, (_, i) => (yMax / 5) * i);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="bold">Boot storm throughput against concurrency</text>`,
    `<text x="${L}" y="40" fill="#555">${subtitle}; each client fetches a 64 MiB initrd and a 16 MiB kernel</text>`,
    ...yTicks.map(
      (v) =>
        `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`,
    ),
    ...points.map((p) => `<text x="${x(p.clients)}" y="${H - B + 18}" text-anchor="middle">${p.clients}</text>`),
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">concurrent clients (log scale)</text>`,
    `<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">MB/s</text>`,
    line('nginx', '#1f77b4'),
    line('bootdepot', '#d62728'),
    `<rect x="${W - R - 150}" y="${T}" width="140" height="44" fill="white" stroke="#ccc"/>`,
    `<line x1="${W - R - 140}" x2="${W - R - 115}" y1="${T + 15}" y2="${T + 15}" stroke="#1f77b4" stroke-width="2.5"/><text x="${W - R - 108}" y="${T + 19}">nginx (sendfile)</text>`,
    `<line x1="${W - R - 140}" x2="${W - R - 115}" y1="${T + 33}" y2="${T + 33}" stroke="#d62728" stroke-width="2.5"/><text x="${W - R - 108}" y="${T + 37}">bootdepot</text>`,
    '</svg>',
    '',
  ].join('\n');
}

// --- teardown -------------------------------------------------------------------------------------------
await teardown();
