import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildNetbootArtifact, makeFile } from '../support/push';
import { requireFreshBuild } from '../support/fresh-build';
import { freePort } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import { stackEnv } from '../support/worker-process';
import { Seeder } from './support/seed';

let log = '';

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function listening(): number {
  return (log.match(/"msg":"content app listening"/g) ?? []).length;
}

/** Retries `probe` until its assertions hold; a timeout reports the last failed one with the app's recent log. */
async function until<T>(probe: () => T | Promise<T>, timeout = 20_000): Promise<T> {
  try {
    return await vi.waitFor(probe, { timeout, interval: 100 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nlog:\n${log.slice(-3000)}`, {
      cause: error,
    });
  }
}

/** `CONTENT_WORKERS=2` as an operator runs it: the real `dist/` entry point, a primary forking two workers. */
describe('content app with CONTENT_WORKERS=2', () => {
  let stack: Stack;
  let primary: ChildProcess;
  let base: string;
  const kernel = makeFile(300 * 1024, 'cluster-kernel');

  beforeAll(async () => {
    const main = requireFreshBuild('dist/apps/content/src/main.js');
    stack = await startStack({ worker: false });
    const seed = await Seeder.open(stack);
    const repo = await seed.repository('cluster');
    await seed.version(repo, { tags: { '40-amd64': buildNetbootArtifact({ files: { vmlinuz: kernel } }) } });
    await seed.distribution('cluster', repo);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, [main], {
      env: stackEnv(stack, { CONTENT_PORT: String(port), CONTENT_WORKERS: '2', BIND_HOST: '127.0.0.1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-200_000));
    primary.stdout!.on('data', keep);
    primary.stderr!.on('data', keep);
    process.once('exit', () => primary.kill('SIGKILL'));
    await until(() => expect(listening(), 'content workers listening').toBeGreaterThanOrEqual(2));
  });

  afterAll(async () => {
    if (primary && primary.exitCode === null) {
      const exited = new Promise((done) => primary.once('exit', done));
      primary.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
  });

  // A new connection each time (the primary deals connections out), and a deadline as any boot client has.
  const kernelOnce = async () => {
    const res = await fetch(`${base}/pulp/content/cluster/40-amd64/vmlinuz`, {
      headers: { Connection: 'close' },
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(kernel)).toBe(true);
  };

  it('serves from two worker processes sharing the port', async () => {
    expect(childrenOf(primary.pid!)).toHaveLength(2);
    for (let i = 0; i < 20; i++) await kernelOnce();
    // Access lines carry the pid of the process that answered: both workers took connections. Serving processes
    // write their log in batches (at most LOG_FLUSH_MS later), so wait for the lines.
    const workers = childrenOf(primary.pid!).sort();
    const answered = () =>
      new Set(
        log
          .split('\n')
          .filter((line) => line.endsWith('"msg":"access"}') && line.includes('/cluster/40-amd64/vmlinuz'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
    await until(() => expect(answered().size, 'workers with access lines').toBeGreaterThanOrEqual(2));
    expect([...answered()].sort()).toEqual(workers);
  });

  it('replaces a worker that dies, and the other keeps serving meanwhile', async () => {
    const [victim, survivor] = childrenOf(primary.pid!);
    process.kill(victim, 'SIGKILL');
    // A connection handed to the victim as it died is cut; a client's retry lands on the survivor.
    await until(kernelOnce);
    const replaced = await until(() => {
      const now = childrenOf(primary.pid!);
      expect(now).not.toContain(victim);
      expect(now).toContain(survivor);
      expect(now).toHaveLength(2);
      return now;
    });
    expect(replaced).toHaveLength(2);
    await until(() => expect(listening(), 'content workers listening').toBeGreaterThanOrEqual(3));
    for (let i = 0; i < 10; i++) await kernelOnce();
    expect(log).toContain('content worker exited; starting another');
  });

  it('stops all its workers on SIGTERM', async () => {
    const workers = childrenOf(primary.pid!);
    const exited = new Promise<number | null>((done) => primary.once('exit', (code) => done(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => expect(workers.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]));
  });
});
