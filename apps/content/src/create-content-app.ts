import type { Prepared } from '@app/core';
import { NestPinoLogger, Readiness, SECRET_BOX, STORAGE, URL_SIGNER } from '@app/core';
import type { SecretBox, UrlSigner } from '@app/security';
import type { StorageDriver } from '@app/storage';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { ContentModule } from './content.module';
import { BlobBodies } from './files/blob-bodies';
import { CONTENT_PREFIX, ContentRouter } from './files/content.router';
import { ContentGuard } from './guard/content-guard';
import { ContentMetrics } from './http/content-metrics';
import { sendJson } from './http/json';
import { OnDemandFetcher } from './ondemand/on-demand.fetcher';
import { RemoteClients } from './ondemand/remote-clients';
import { RegistryRouter } from './registry/registry.router';
import { ContentResolver } from './resolve/content-resolver';
import { subscribeToInvalidations } from './resolve/invalidation.subscriber';

export interface ContentApp {
  server: Server;
  context: INestApplicationContext;
  resolver: ContentResolver;
  onDemand: OnDemandFetcher;
  close(): Promise<void>;
}

/** A client that stops reading for this long is dropped, so stuck transfers cannot pin descriptors forever. */
const IDLE_SOCKET_MS = 120_000;

/**
 * The content app serves files on the hot path, so it is a plain node:http server; Nest only provides
 * the shared services (database, configuration, secrets) through an application context.
 */
export async function createContentApp(prepared: Prepared): Promise<ContentApp> {
  const context = await NestFactory.createApplicationContext(ContentModule.forRoot(prepared), {
    logger: new NestPinoLogger(prepared.logger),
    abortOnError: false,
  });
  await context.init();
  const { config, logger } = prepared;
  const dataSource = context.get(DataSource);
  const storage = context.get<StorageDriver>(STORAGE);
  const resolver = new ContentResolver(dataSource);
  const remotes = new RemoteClients(dataSource, context.get<SecretBox>(SECRET_BOX), logger);
  const onDemand = new OnDemandFetcher({ dataSource, storage, storageRoot: config.storagePath, remotes, logger });
  const bodies = new BlobBodies(storage, onDemand, logger);
  const guard = new ContentGuard(
    dataSource,
    context.get<UrlSigner>(URL_SIGNER),
    config.contentTokenCacheSeconds * 1000,
  );
  const files = new ContentRouter({ resolver, bodies, contentOrigin: () => config.contentOrigin, guard });
  const registry = new RegistryRouter({ resolver, bodies, guard, contentOrigin: () => config.contentOrigin });
  const invalidations = await subscribeToInvalidations(
    { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, logger },
    () => resolver.invalidate(),
  );

  const metrics = new ContentMetrics(resolver);
  const readiness = new Readiness(dataSource, config);
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
    metrics.observe(req, res, logger);
    void route(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'content request failed');
      if (!res.headersSent) sendJson(res, 500, { detail: 'internal server error' });
      else res.destroy();
    });
  });
  server.setTimeout(IDLE_SOCKET_MS);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url === CONTENT_PREFIX || url.startsWith(`${CONTENT_PREFIX}/`) || url.startsWith(`${CONTENT_PREFIX}?`)) {
      return files.handle(req, res);
    }
    if (url === '/v2' || url.startsWith('/v2/')) return registry.handle(req, res);
    if (url === '/token' || url.startsWith('/token?')) return registry.handleToken(req, res);
    const path = url.split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/metrics') return metrics.send(res);
    if (path === '/readyz') {
      const checks = await readiness.check();
      return sendJson(res, Object.values(checks).every(Boolean) ? 200 : 503, checks);
    }
    sendJson(res, 404, { detail: 'not found' });
  }

  return {
    server,
    context,
    resolver,
    onDemand,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await invalidations.close();
      await readiness.close();
      await remotes.close();
      await context.close();
    },
  };
}
