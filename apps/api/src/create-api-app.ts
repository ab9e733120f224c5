import { API_ROOT, NestPinoLogger, Prepared, SECRET_BOX } from '@app/core';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ApiModule } from './api.module';
import { ensureAdminUser } from './auth/admin-user';
import { sealUrlCredentials } from './remotes/url-credentials';
import { ErrorsFilter } from './common/errors.filter';
import { createValidationPipe } from './common/validation';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Builds the API application; `preview` wires it without connecting anywhere (for the OpenAPI document). */
export async function createApiApp(prepared: Prepared, options: { preview?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(prepared), {
    logger: new NestPinoLogger(prepared.logger),
    preview: options.preview,
    abortOnError: false,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  // JSON answers must never be sniffed into HTML by a browser (error bodies echo caller input).
  app.use((_req: unknown, res: import('express').Response, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  const server = app.getHttpServer() as import('node:http').Server;
  // Bounded headers and slow-client timeouts; Node's default caps header bytes at 16 KiB.
  server.maxHeadersCount = 100;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorsFilter(prepared.logger));
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(`${API_ROOT}/docs`, app, document, {
    jsonDocumentUrl: `${API_ROOT}/docs/api.json`,
    swaggerUiEnabled: false,
  });
  if (!options.preview) {
    await ensureAdminUser(app.get(DataSource), prepared.config, prepared.logger);
    await sealUrlCredentials(app.get(DataSource), app.get(SECRET_BOX), prepared.logger);
  }
  return app;
}

export { buildOpenApiDocument };
