import { BOOTDEPOT_VERSION } from '@app/config';
import { API_ROOT, NestPinoLogger, Prepared } from '@app/core';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ApiModule } from './api.module';
import { ensureAdminUser } from './auth/admin-user';
import { ErrorsFilter } from './common/errors.filter';
import { createValidationPipe } from './common/validation';

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
  if (!options.preview) await ensureAdminUser(app.get(DataSource), prepared.config, prepared.logger);
  return app;
}

/** Operations that answer without credentials (see @Public). */
const PUBLIC_OPERATIONS = new Set(['status_read']);

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('bootdepot API')
    .setDescription(
      'Pulp-style management API for network-boot files distributed as OCI artifacts: remotes, repositories and their versions, content, distributions and tasks.',
    )
    .setVersion(BOOTDEPOT_VERSION)
    .addBasicAuth()
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token from /pulp/api/v3/tokens/' })
    .addSecurityRequirements('basic')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (PUBLIC_OPERATIONS.has((operation as { operationId?: string }).operationId ?? '')) {
        (operation as { security?: unknown[] }).security = [];
      }
    }
  }
  // Pulp's paths end in a slash, as every pulp_href does; Express routes both spellings.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [path.endsWith('/') ? path : `${path}/`, item]),
  );
  return document;
}
