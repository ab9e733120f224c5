import { prepare, Prepared } from '@app/core';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { ContentApp, type ContentAppOptions, createContentApp } from '../../apps/content/src/create-content-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import { createClient, type Client } from '../../openapi/client/client';
import { tasksRead } from '../../openapi/client/sdk.gen';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_PASSWORD = 'test-admin-password';

export interface Stack {
  apiUrl: string;
  contentUrl: string;
  /** `https://127.0.0.1:<port>` when the env gives CONTENT_TLS_CERT/KEY (the content app's HTTPS listener). */
  contentTlsUrl: string | null;
  /** The in-process content app: its servers, its TLS reload, its state (e.g. on-demand downloads in flight). */
  content: ContentApp;
  databaseUrl: string;
  redisPrefix: string;
  dataDir: string;
  prepared: Prepared;
  /** The generated OpenAPI client, authenticated as admin. */
  client: Client;
  /** The same client without credentials. */
  anonymous: Client;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  worker?: boolean;
  /** Write logs to `<dataDir>/bootdepot.log` (see `stack.prepared.config.logFile`) instead of stdout. */
  logToFile?: boolean;
  /** Passed to the content app (e.g. a short TLS handshake timeout). */
  content?: ContentAppOptions;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

async function admin(sql: string): Promise<void> {
  const client = new PgClient({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Starts the real API, content app and worker in this process against a database and a Redis key
 * prefix of their own, created for this stack and removed by `stop()`.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = uniqueName('bootdepot_test');
  const redisPrefix = uniqueName('bdtest');
  const dataDir = mkdtempSync(join(tmpdir(), 'bootdepot-test-'));
  const databaseUrl = new URL(`/${database}`, PG_ADMIN_URL).toString();
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    BOOTDEPOT_DATA_DIR: dataDir,
    BOOTDEPOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BOOTDEPOT_SECRET_KEY: 'test-secret-key-0123456789abcdef',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    BIND_HOST: '127.0.0.1',
    WORKER_HEARTBEAT_SECONDS: '2',
    CONTENT_ORIGIN: 'http://127.0.0.1:1',
    ...(options.logToFile ? { LOG_FILE: join(dataDir, 'bootdepot.log') } : {}),
    ...options.env,
  };
  const prepared = await prepare('test', env);
  const content: ContentApp = await createContentApp(prepared, options.content);
  await new Promise<void>((resolve) => content.server.listen(0, '127.0.0.1', resolve));
  const contentUrl = `http://127.0.0.1:${(content.server.address() as AddressInfo).port}`;
  let contentTlsUrl: string | null = null;
  if (content.tlsServer) {
    const tls = content.tlsServer;
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    contentTlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  }
  if (!options.env?.CONTENT_ORIGIN) prepared.config.contentOrigin = contentUrl;
  const api: INestApplication = await createApiApp(prepared);
  await api.listen(0, '127.0.0.1');
  const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  let worker: INestApplicationContext | null = options.worker === false ? null : await createWorkerApp(prepared);

  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();

  return {
    apiUrl,
    contentUrl,
    contentTlsUrl,
    content,
    databaseUrl,
    redisPrefix,
    dataDir,
    prepared,
    // The document offers Basic or Bearer; answer only the Basic one (the client would otherwise send both).
    client: createClient({
      baseUrl: apiUrl,
      auth: (a) => (a.scheme === 'basic' ? `admin:${ADMIN_PASSWORD}` : undefined),
    }),
    anonymous: createClient({ baseUrl: apiUrl }),
    async sql<T>(text: string, params?: unknown[]) {
      return (await pg.query(text, params)).rows as T[];
    },
    async stopWorker() {
      await worker?.close();
      worker = null;
    },
    async startWorker() {
      worker ??= await createWorkerApp(prepared);
    },
    async stop() {
      await Promise.allSettled([api.close(), content.close(), worker?.close()]);
      await pg.end();
      await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The id at the end of an href (`…/<id>/`). */
export function idOf(href: string): string {
  return href.replace(/\/$/, '').split('/').pop()!;
}

/** Polls a task until it ends; returns its final record. */
export async function waitForTask(stack: Stack, taskHref: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await tasksRead({ client: stack.client, path: { id: idOf(taskHref) }, throwOnError: true });
    if (['completed', 'failed', 'canceled'].includes(data.state)) return data;
    if (Date.now() > deadline) throw new Error(`task ${taskHref} still ${data.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
