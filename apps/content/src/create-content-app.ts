import type { Prepared } from '@app/core';
import { NestPinoLogger } from '@app/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { access, constants } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ContentModule } from './content.module';
import { sendJson } from './http/json';

export interface ContentApp {
  server: Server;
  context: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * The content app serves files on the hot path, so it is a plain node:http server; Nest only provides
 * the shared services (database, heartbeat) through an application context.
 */
export async function createContentApp(prepared: Prepared): Promise<ContentApp> {
  const context = await NestFactory.createApplicationContext(ContentModule.forRoot(prepared), {
    logger: new NestPinoLogger(prepared.logger),
    abortOnError: false,
  });
  await context.init();
  const dataSource = context.get(DataSource);

  const server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
    void route(req, res).catch((error: unknown) => {
      prepared.logger.error({ err: error, url: req.url }, 'content request failed');
      if (!res.headersSent) sendJson(res, 500, { detail: 'internal server error' });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const checks = {
        database: await dataSource.query('SELECT 1').then(
          () => true,
          () => false,
        ),
        storage: await access(prepared.config.storagePath, constants.R_OK).then(
          () => true,
          () => false,
        ),
      };
      return sendJson(res, Object.values(checks).every(Boolean) ? 200 : 503, checks);
    }
    sendJson(res, 404, { detail: 'not found' });
  }

  return {
    server,
    context,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await context.close();
    },
  };
}
