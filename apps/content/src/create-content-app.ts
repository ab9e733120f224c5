import { httpsContentOrigin } from '@app/config';
import type { Prepared } from '@app/core';
import { ClientAddressResolver, NestPinoLogger, Readiness, SECRET_BOX, STORAGE, URL_SIGNER } from '@app/core';
import type { SecretBox, UrlSigner } from '@app/security';
import type { StorageDriver } from '@app/storage';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { DataSource } from 'typeorm';
import { ApiTokensRepository, BlobsRepository, RemoteArtifactsRepository } from '@app/domain';
import { ContentModule } from './content.module';
import { BlobBodies } from './files/blob-bodies';
import { PresignedRedirect } from './files/presigned-redirect';
import { XAccelOffload } from './files/x-accel.offload';
import { useSendfile } from './http/sendfile';
import { CONTENT_PREFIX, ContentRouter } from './files/content.router';
import { ContentGuard } from './guard/content-guard';
import { AccessLog } from './http/access-log';
import { ContentMetrics } from './http/content-metrics';
import { ContentResponse, settleOnClose } from './http/content-response';
import { sendJson } from './http/json';
import { StalledConnections } from './http/stalled-connections';
import { readTlsCredentials, TlsCredentialsWatcher, tlsServerOptions } from './http/tls-credentials';
import { OnDemandFetcher } from './ondemand/on-demand.fetcher';
import { RemoteClients } from './ondemand/remote-clients';
import { LOOKASIDE_PREFIX, LookasideSignatures } from './registry/lookaside-signatures';
import { RegistryRouter } from './registry/registry.router';
import { ContentResolver } from './resolve/content-resolver';
import { subscribeToInvalidations } from './resolve/invalidation.subscriber';
import { VerifiedContent } from './guard/verified-content';

export interface ContentApp {
  /** Plain HTTP; the caller listens on it (not at all with CONTENT_PORT=0). */
  server: Server;
  /** HTTPS with the same routes, when CONTENT_TLS_CERT/KEY are set; the caller listens on CONTENT_TLS_PORT. */
  tlsServer: HttpsServer | null;
  /** Re-reads the TLS certificate and key (SIGHUP); false when they did not load and the old pair stays. */
  reloadTls(): boolean;
  context: INestApplicationContext;
  resolver: ContentResolver;
  onDemand: OnDemandFetcher;
  close(): Promise<void>;
}

export interface ContentAppOptions {
  /** How long a TLS handshake may take before the socket is dropped (tests shorten it). */
  tlsHandshakeTimeoutMs?: number;
}

const FILES_PATH = `${CONTENT_PREFIX}/`;
const FILES_QUERY = `${CONTENT_PREFIX}?`;

/** A client that stops reading for this long is dropped, so stuck transfers cannot pin descriptors forever. */
const IDLE_SOCKET_MS = 120_000;

/**
 * The content app serves files on the hot path, so it is a plain node:http server; Nest only provides
 * the shared services (database, configuration, secrets) through an application context.
 */
export async function createContentApp(prepared: Prepared, options: ContentAppOptions = {}): Promise<ContentApp> {
  const context = await NestFactory.createApplicationContext(ContentModule.forRoot(prepared), {
    logger: new NestPinoLogger(prepared.logger),
    abortOnError: false,
  });
  await context.init();
  const { config, logger } = prepared;
  const sendfileOff = useSendfile(config.contentSendfile === 'auto');
  if (sendfileOff) logger.info({ reason: sendfileOff }, 'sendfile off: stored files are copied through buffers');
  const dataSource = context.get(DataSource);
  const storage = context.get<StorageDriver>(STORAGE);
  const resolver = new ContentResolver(dataSource);
  const remotes = new RemoteClients(
    dataSource,
    context.get(RemoteArtifactsRepository),
    context.get<SecretBox>(SECRET_BOX),
    logger,
    config.remoteUrlDeny,
  );
  const blobs = context.get(BlobsRepository);
  const onDemand = new OnDemandFetcher({ blobs, storage, storageRoot: config.storagePath, remotes, logger });
  const offload =
    config.contentOffload === 'x-accel' && storage.localPath
      ? new XAccelOffload(config.contentOffloadPrefix, config.storagePath, storage.localPath.bind(storage))
      : null;
  const redirect =
    config.contentRedirect === 'presigned' ? PresignedRedirect.for(storage, config.contentRedirectSeconds) : undefined;
  const bodies = new BlobBodies(storage, onDemand, logger, offload, redirect);
  const guard = new ContentGuard(
    context.get(ApiTokensRepository),
    context.get<UrlSigner>(URL_SIGNER),
    config.contentTokenCacheSeconds * 1000,
  );
  const contentOrigin = () => config.contentOrigin;
  const httpsOrigin = () => httpsContentOrigin(config);
  const verified = new VerifiedContent(dataSource);
  const files = new ContentRouter({ resolver, bodies, contentOrigin, httpsOrigin, guard, verified });
  const lookaside = new LookasideSignatures(dataSource);
  const registry = new RegistryRouter({ resolver, bodies, guard, contentOrigin, httpsOrigin, verified, lookaside });
  const invalidations = await subscribeToInvalidations(
    { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, logger },
    () => resolver.invalidate(),
  );

  const accessLog = new AccessLog(logger, new ClientAddressResolver(config.trustedProxies));
  const metrics = new ContentMetrics(resolver, accessLog);
  const readiness = new Readiness(dataSource, config, storage);
  // Every answer, files included, carries `X-Content-Type-Options: nosniff`: ContentResponse adds it.
  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    logger.error({ err: error, url: req.url }, 'content request failed');
    if (!res.headersSent) sendJson(res, 500, { detail: 'internal server error' });
    else res.destroy();
  };
  // A warm request is answered synchronously: no promise (and no closure) unless the route has to wait.
  const handle = (req: IncomingMessage, res: ContentResponse) => {
    metrics.observe(res);
    try {
      const pending = route(req, res);
      if (pending) pending.catch((error: unknown) => failed(req, res, error));
    } catch (error) {
      failed(req, res, error);
    }
  };
  const timeouts = { requestTimeout: 60_000, headersTimeout: 30_000, ServerResponse: ContentResponse };
  const server = createServer(timeouts, handle);
  // A response that never finishes is counted when its connection closes (ContentResponse).
  server.on('connection', settleOnClose);

  // HTTPS runs the very same handler: every route, guard and header is identical on both listeners.
  let tlsServer: HttpsServer | null = null;
  let tlsWatcher: TlsCredentialsWatcher | null = null;
  if (config.contentTlsCert && config.contentTlsKey) {
    const credentials = readTlsCredentials(config.contentTlsCert, config.contentTlsKey);
    tlsServer = createHttpsServer(
      { ...tlsServerOptions(credentials, options.tlsHandshakeTimeoutMs), ...timeouts },
      handle,
    );
    // A failed handshake (garbage, plain HTTP, wrong protocol, the client distrusting our CA) ends that one
    // socket; Node destroys it after this event. Debug level: scanners would otherwise flood the log.
    tlsServer.on('tlsClientError', (error: Error & { code?: string }) =>
      logger.debug({ code: error.code, message: error.message }, 'TLS handshake failed'),
    );
    tlsServer.on('secureConnection', settleOnClose);
    tlsWatcher = new TlsCredentialsWatcher(tlsServer, config.contentTlsCert, config.contentTlsKey, logger).watch();
  }
  const stalled = new StalledConnections(tlsServer ? [server, tlsServer] : [server], IDLE_SOCKET_MS);

  function route(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const url = req.url ?? '/';
    if (url === CONTENT_PREFIX || url.startsWith(FILES_PATH) || url.startsWith(FILES_QUERY)) {
      return files.handle(req, res);
    }
    if (url === '/v2' || url.startsWith('/v2/')) return registry.handle(req, res);
    if (url === '/token' || url.startsWith('/token?')) return registry.handleToken(req, res);
    if (url.startsWith(`${LOOKASIDE_PREFIX}/`)) return registry.handleLookaside(req, res);
    const path = url.split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/metrics') return metrics.send(res);
    if (path === '/readyz') {
      return readiness
        .check()
        .then((checks) => sendJson(res, Object.values(checks).every(Boolean) ? 200 : 503, checks));
    }
    sendJson(res, 404, { detail: 'not found' });
  }

  return {
    server,
    tlsServer,
    reloadTls: () => tlsWatcher?.reload('reload requested') ?? false,
    context,
    resolver,
    onDemand,
    async close() {
      tlsWatcher?.close();
      stalled.close();
      const closed = [server, tlsServer].map((s) =>
        s?.listening ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve(),
      );
      server.closeAllConnections();
      tlsServer?.closeAllConnections();
      await Promise.all(closed);
      await invalidations.close();
      await readiness.close();
      await remotes.close();
      await context.close();
    },
  };
}
