#!/usr/bin/env node
// Storage-level figures for the S3 driver beside the filesystem driver (issue 17), no HTTP server involved:
// one blob written through each driver's writer (hashing, parts, commit) and read back through openRead.
// Starts its own throwaway RGW (scripts/rgw-lab) and stops it. Needs `npm run build` first.
//   node bench/s3/run.mjs [--mib 256] [--runs 3]
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { FilesystemDriver } = require(join(root, 'dist/libs/storage/src/filesystem.driver.js'));
const { S3Driver } = require(join(root, 'dist/libs/storage/src/s3/s3.driver.js'));
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '256' }, runs: { type: 'string', default: '3' } },
});
const size = Number(values.mib) * 1024 * 1024;
const runs = Number(values.runs);
const CHUNK = 1024 * 1024;

const rgwDir = mkdtempSync(join(tmpdir(), 'bootdepot-bench-rgw-'));
const fsDir = mkdtempSync(join(tmpdir(), 'bootdepot-bench-fs-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function write(driver, bytes, digest, resumeKey) {
  const started = performance.now();
  const writer = await driver.createWriter(digest, { expectedSize: bytes.length, resumeKey });
  for (let offset = 0; offset < bytes.length; offset += CHUNK)
    await writer.write(bytes.subarray(offset, offset + CHUNK));
  await writer.commit();
  return performance.now() - started;
}

async function read(driver, digest) {
  const started = performance.now();
  const hash = createHash('sha256');
  for await (const chunk of await driver.openRead(digest)) hash.update(chunk);
  if (`sha256:${hash.digest('hex')}` !== digest) throw new Error('read back different bytes');
  return performance.now() - started;
}

try {
  const env = Object.fromEntries(
    execFileSync('bash', [join(root, 'scripts/rgw-lab/rgw-up.sh'), rgwDir], {
      env: { ...process.env, OSD_STORE: 'bluestore' },
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const client = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const drivers = {
    filesystem: await FilesystemDriver.open({ root: fsDir }),
    s3: new S3Driver({ client, bucket: 'bench' }),
  };
  const figures = {};
  const record = (name, ms) => (figures[name] ??= []).push(ms);
  for (let run = 1; run <= runs; run++) {
    const bytes = randomBytes(size);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    for (const [name, driver] of Object.entries(drivers)) {
      record(`${name} write (unkeyed)`, await write(driver, bytes, digest));
      record(`${name} read`, await read(driver, digest));
      await driver.delete(digest);
      record(`${name} write (keyed, as a sync)`, await write(driver, bytes, digest, `bench-${run}`));
      await driver.delete(digest);
    }
  }
  console.log(
    `${values.mib} MiB blob, ${runs} runs; ${execFileSync('grep', ['-m1', 'model name', '/proc/cpuinfo'], { encoding: 'utf8' }).trim()}; load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0]}`,
  );
  for (const [name, ms] of Object.entries(figures)) {
    const mbs = ms.map((m) => size / 1e6 / (m / 1000));
    console.log(
      `${name.padEnd(36)} ${mbs.map((x) => x.toFixed(0)).join(' / ')} MB/s, median ${median(mbs).toFixed(0)}`,
    );
  }
  client.destroy();
} finally {
  execFileSync('bash', [join(root, 'scripts/rgw-lab/rgw-down.sh'), rgwDir]);
  rmSync(fsDir, { recursive: true, force: true });
}
