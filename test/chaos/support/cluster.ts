import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { type Client, createClient } from '../../../openapi/client/client';
import { FaultProxy } from '../../support/fault-proxy';
import { freePort, startRegistry, type TestRegistry } from '../../support/registry';
import { PG_ADMIN_URL } from '../../support/stack';
import { RoleProcess } from './roles';
import { UpstreamGate } from './upstream-gate';

export const ADMIN_PASSWORD = 'chaos-admin-password';
const SECRET_KEY = 'chaos-secret-key-0123456789abcdef';

export interface ClusterOptions {
  /** Size of the tmpfs mounted as shared storage; filling it is scenario 6. */
  storageMiB: number;
  workerConcurrency: number;
  /**
   * Object storage instead of the shared directory (e.g. `rgwEnv()` of test/support/rgw.ts): every process then
   * gets a data directory of its own and no STORAGE_PATH in common, so nothing can pass through a shared disk.
   */
  objectStorageEnv?: Record<string, string>;
}

/** The suite's own Redis: no persistence, so a restart loses every key, as a crashed cache node would. */
class RedisServer {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly pidFile: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { detached: true, stdio: 'ignore' },
    );
    this.child = child;
    writeFileSync(this.pidFile, `${child.pid}\n`, { flag: 'a' });
    const redis = new Redis({ port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined); // refused while redis-server starts; the loop below retries
    for (let i = 0; ; i++) {
      try {
        await redis.connect();
        await redis.ping();
        break;
      } catch (error) {
        if (i > 100) throw error;
        await sleep(50);
      }
    }
    redis.disconnect();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }
}

export interface Cluster {
  runDir: string;
  storagePath: string;
  /** True when storage is a real size-limited tmpfs (root and mount permitted). */
  storageIsTmpfs: boolean;
  databaseName: string;
  redis: RedisServer;
  registry: TestRegistry;
  proxy: FaultProxy;
  gate: UpstreamGate;
  apis: RoleProcess[];
  contents: RoleProcess[];
  workers: RoleProcess[];
  /** One generated-API client per API replica. */
  clients: Client[];
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Terminates every backend of the suite's database (ours included; the helper reconnects). */
  terminateBackends(): Promise<number>;
  freeBytes(): number;
  stop(): Promise<void>;
}

async function admin(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new PgClient({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Mounts a tmpfs of `sizeMiB` at `dir` when this process may (root, no seccomp block); false otherwise. */
function mountTmpfs(dir: string, sizeMiB: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'chaos-storage', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts, on this machine: a Redis and a PostgreSQL database of the suite's own, a real registry behind the
 * fault proxy and the counting gate, and bootdepot as 2 API, 2 content and 2 worker processes sharing them.
 * `stop()` undoes all of it; a watchdog does the same if this process dies without running `stop()`.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const runDir = mkdtempSync(join(tmpdir(), 'bootdepot-chaos-'));
  const pidFile = join(runDir, 'pids');
  writeFileSync(pidFile, '');
  const storagePath = join(runDir, 'storage');
  mkdirSync(storagePath);
  mkdirSync(join(runDir, 'redis'));
  mkdirSync(join(runDir, 'data'));
  const storageIsTmpfs = !options.objectStorageEnv && mountTmpfs(storagePath, options.storageMiB);
  const databaseName = `bootdepot_chaos_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = new URL(`/${databaseName}`, PG_ADMIN_URL).toString();

  // If the suite is SIGKILLed or OOM-killed no exit handler runs; this shell then cleans up after it.
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
       for p in $(cat ${pidFile}); do kill -9 -$p 2>/dev/null; done
       umount ${storagePath} 2>/dev/null
       psql "${PG_ADMIN_URL}" -c 'DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)' >/dev/null 2>&1
       rm -rf ${runDir}`,
    ],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();

  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error('cleanup:', error));
    cleanups.length = 0;
  };
  try {
    await admin(`CREATE DATABASE "${databaseName}"`);
    cleanups.push(async () => void (await admin(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)));
    cleanups.push(async () => {
      if (storageIsTmpfs) execFileSync('umount', ['-l', storagePath]);
      rmSync(runDir, { recursive: true, force: true });
    });

    const redis = new RedisServer(await freePort(), join(runDir, 'redis'), pidFile);
    await redis.start();
    cleanups.push(() => redis.stop());

    const registry = await startRegistry();
    cleanups.push(() => registry.stop());
    const proxy = await FaultProxy.start(registry.url);
    cleanups.push(() => proxy.stop());
    const gate = await UpstreamGate.start(proxy.url);
    cleanups.push(() => gate.down());

    const ports = { api: [await freePort(), await freePort()], content: [await freePort(), await freePort()] };
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'chaos',
      BOOTDEPOT_DATA_DIR: join(runDir, 'data'),
      STORAGE_PATH: storagePath,
      BOOTDEPOT_SECRET_KEY: SECRET_KEY,
      BOOTDEPOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CONTENT_ORIGIN: `http://127.0.0.1:${ports.content[0]}`,
      BIND_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info',
      WORKER_HEARTBEAT_SECONDS: '2',
      WORKER_CONCURRENCY: String(options.workerConcurrency),
      // The default nightly cleanup must not run in the middle of a scenario.
      ORPHAN_CLEANUP_CRON: '',
    };
    const ownStorage = (name: string): Record<string, string> => {
      if (!options.objectStorageEnv) return {};
      const dataDir = join(runDir, `data-${name}`);
      mkdirSync(dataDir);
      return { ...options.objectStorageEnv, BOOTDEPOT_DATA_DIR: dataDir, STORAGE_PATH: join(dataDir, 'storage') };
    };
    const role = (name: string, kind: 'api' | 'content' | 'worker', port: number, extra: Record<string, string>) =>
      new RoleProcess(
        name,
        kind,
        port,
        { ...env, ...ownStorage(name), ...extra },
        join(runDir, `${name}.log`),
        pidFile,
      );
    const apis = ports.api.map((port, i) => role(`api-${i + 1}`, 'api', port, { API_PORT: String(port) }));
    const contents = ports.content.map((port, i) =>
      role(`content-${i + 1}`, 'content', port, { CONTENT_PORT: String(port), CONTENT_WORKERS: '1' }),
    );
    const workers = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      workers.push(role(`worker-${i + 1}`, 'worker', port, { WORKER_HEALTH_PORT: String(port) }));
    }
    const all = [...apis, ...contents, ...workers];
    cleanups.push(async () => void (await Promise.all(all.map((r) => r.kill('SIGKILL')))));
    // The first process migrates the new database; the rest then start together.
    await apis[0]!.start();
    await Promise.all(all.slice(1).map((r) => r.start()));

    // terminateBackends() kills this session too; an idle client then emits 'error', which must not crash the suite.
    const connect = async () => {
      const client = new PgClient({ connectionString: databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    let pg = await connect();
    cleanups.push(() => pg.end().catch(() => undefined));

    const auth = (a: { scheme?: string }) => (a.scheme === 'basic' ? `admin:${ADMIN_PASSWORD}` : undefined);
    return {
      runDir,
      storagePath,
      storageIsTmpfs,
      databaseName,
      redis,
      registry,
      proxy,
      gate,
      apis,
      contents,
      workers,
      clients: apis.map((api) => createClient({ baseUrl: api.url, auth })),
      async sql<T>(text: string, params?: unknown[]) {
        try {
          return (await pg.query(text, params)).rows as T[];
        } catch (error) {
          // After terminateBackends() our own session is gone too: reconnect once and retry.
          if (!/terminat|Connection terminated|not queryable/i.test(String(error))) throw error;
          pg = await connect();
          return (await pg.query(text, params)).rows as T[];
        }
      },
      async terminateBackends() {
        const rows = await admin(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [databaseName],
        );
        return rows.length;
      },
      freeBytes() {
        const fs = statfsSync(storagePath);
        return fs.bavail * fs.bsize;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
