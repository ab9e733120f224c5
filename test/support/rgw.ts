import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';

const run = promisify(execFile);
const LAB = resolve(__dirname, '../../scripts/rgw-lab');
const START_TIMEOUT_MS = 120_000;

/** The run's RGW: an S3 endpoint with one user and one bucket; tests separate themselves by key prefix. */
export interface TestRgw {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Seconds from nothing to a bucket that answers (recorded for docs/S3-RGW.md). */
  startSeconds: number;
}

let cached: Promise<TestRgw> | undefined;

/**
 * Starts the run's one RGW on first use (in whichever test worker asks first) and returns it to every caller.
 * Workers coordinate through the run folder from test/support/rgw-global-setup.ts: `mkdir lock` elects the
 * starter, the others wait for `endpoint.json`.
 */
export function useRgw(): Promise<TestRgw> {
  cached ??= acquire();
  return cached;
}

export function s3ClientFor(rgw: TestRgw): S3Client {
  return new S3Client({
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
  });
}

/** The environment a bootdepot process needs to use the run's RGW under its own prefix. */
export function rgwEnv(rgw: TestRgw, prefix: string): Record<string, string> {
  return {
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: rgw.endpoint,
    S3_REGION: rgw.region,
    S3_BUCKET: rgw.bucket,
    S3_PREFIX: prefix,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: rgw.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
  };
}

async function acquire(): Promise<TestRgw> {
  const runDir = inject('rgwRunDir');
  if (!runDir) throw new Error('useRgw() needs test/support/rgw-global-setup.ts as a root globalSetup');
  const elected = await mkdir(join(runDir, 'lock')).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    },
  );
  if (elected) return start(runDir, inject('rgwOwnerPid'));
  const deadline = Date.now() + 2 * START_TIMEOUT_MS + 30_000;
  while (Date.now() < deadline) {
    if (existsSync(join(runDir, 'failed'))) {
      throw new Error(`the run's RGW failed to start: ${await readFile(join(runDir, 'failed'), 'utf8')}`);
    }
    const ready = await readFile(join(runDir, 'endpoint.json'), 'utf8').catch(() => null);
    if (ready) return JSON.parse(ready) as TestRgw;
    await sleep(250);
  }
  throw new Error(`the run's RGW did not come up within ${(2 * START_TIMEOUT_MS) / 1000 + 30} s`);
}

async function start(runDir: string, ownerPid: number): Promise<TestRgw> {
  const dir = join(runDir, 'rgw');
  // Stops the daemons if the vitest process dies without running its teardown (SIGKILL, OOM).
  spawn('bash', ['-c', `while kill -0 ${ownerPid} 2>/dev/null; do sleep 2; done; bash ${LAB}/rgw-down.sh ${dir}`], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  const began = performance.now();
  try {
    const { stdout } = await bringUp(dir);
    const env = Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const rgw: TestRgw = {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: 'bootdepot-test',
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      startSeconds: 0,
    };
    const client = s3ClientFor(rgw);
    await client.send(new CreateBucketCommand({ Bucket: rgw.bucket }));
    client.destroy();
    rgw.startSeconds = Math.round((performance.now() - began) / 100) / 10;
    await writeFile(join(runDir, 'endpoint.json.tmp'), JSON.stringify(rgw));
    await rename(join(runDir, 'endpoint.json.tmp'), join(runDir, 'endpoint.json'));
    return rgw;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr ?? String(error);
    await writeFile(join(runDir, 'failed'), detail.slice(-4000));
    throw new Error(`the run's RGW failed to start (logs in ${dir}/log): ${detail.slice(-2000)}`, { cause: error });
  }
}

/**
 * One retry after a clean stop: under a load average of 17 on 2 cores one start here failed (the monitor refused a
 * CLI call and the OSD was not up within the script's minute); a second attempt costs ~20 s, a failed run far more.
 */
async function bringUp(dir: string): Promise<{ stdout: string }> {
  const attempt = () =>
    run('bash', [join(LAB, 'rgw-up.sh'), dir], {
      env: { ...process.env, OSD_STORE: 'bluestore' },
      timeout: START_TIMEOUT_MS,
    });
  try {
    return await attempt();
  } catch (error) {
    console.warn(`RGW start failed, retrying once: ${(error as { stderr?: string }).stderr ?? String(error)}`);
    await run('bash', [join(LAB, 'rgw-down.sh'), dir]).catch(() => undefined);
    return attempt();
  }
}

/** Stops the run's RGW by the PIDs it recorded and removes the run folder; harmless when none was started. */
export async function stopRgw(runDir: string): Promise<void> {
  const dir = join(runDir, 'rgw');
  if (existsSync(join(dir, 'pids'))) await run('bash', [join(LAB, 'rgw-down.sh'), dir]).catch(() => undefined);
  await rm(runDir, { recursive: true, force: true });
}
