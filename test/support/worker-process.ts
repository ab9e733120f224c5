import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireFreshBuild } from './fresh-build';
import type { Stack } from './stack';

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Peak resident set size so far (VmHWM), in bytes; 0 once the process is gone. */
  peakRss(): number;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** The environment that points a separate process at the stack's database, Redis prefix and storage. */
export function stackEnv(stack: Stack, extra: Record<string, string> = {}): Record<string, string> {
  const config = stack.prepared.config;
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    BOOTDEPOT_DATA_DIR: config.dataDir,
    STORAGE_PATH: config.storagePath,
    BOOTDEPOT_SECRET_KEY: stack.prepared.secretKey,
    CONTENT_ORIGIN: config.contentOrigin,
    WORKER_HEARTBEAT_SECONDS: '2',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/**
 * Starts a real worker process from `dist/` (run `npm run build` first) against a stack started with
 * `{ worker: false }`; resolves once it logged `worker started`.
 */
export async function spawnWorker(stack: Stack, extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [requireFreshBuild('dist/apps/worker/src/main.js')], {
    env: stackEnv(stack, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let log = '';
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const started = new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker ${pid} did not start within 30 s:\n${log}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
      if (log.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`worker ${pid} exited with ${code} before starting:\n${log}`));
    });
  });
  // Never leave a worker behind when the test process ends.
  process.once('exit', () => child.kill('SIGKILL'));
  await started;
  return {
    pid,
    child,
    exited,
    peakRss() {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) * 1024 : 0;
      } catch {
        return 0;
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
