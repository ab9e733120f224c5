import { BOOTDEPOT_VERSION } from '@app/config';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from '../common/problem';
import { addErrorResponses, operations } from './error-responses';
import { DERIVED_OPERATION_ID, deriveOperationId } from './operation-ids';
import { PUBLIC_OPERATION } from './public-operation';
import { TAG_DESCRIPTIONS } from './tags';

/**
 * The OpenAPI document of the API, from the controllers and DTOs plus one post-processing pass (`finish`)
 * that applies the conventions every operation shares, so an endpoint gets them by being declared:
 * Pulp-style operationIds, error responses, public operations, trailing slashes, the top-level tag list.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('bootdepot API')
    .setDescription(
      'Pulp-style management API for network-boot files distributed as OCI artifacts: remotes, repositories and ' +
        'their versions, content, distributions and tasks.\n\n' +
        'Where it differs from Pulp: updates and deletes of remotes, repositories and distributions happen at once ' +
        '(200/204; a delete answers 409 while a task working on the object runs) instead of answering 202 with a ' +
        'task, and creating a distribution answers 201 with the distribution.',
    )
    .setVersion(BOOTDEPOT_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('http://localhost:24817', 'A bootdepot on its default API port (API_PORT) on this machine.')
    .addBasicAuth()
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token from /pulp/api/v3/tokens/' })
    .addSecurityRequirements('basic')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (controller, method) => `${DERIVED_OPERATION_ID}${controller}.${method}`,
  });
  return finish(document);
}

function finish(document: OpenAPIObject): OpenAPIObject {
  // Pulp's paths end in a slash, as every pulp_href does; Express routes both spellings.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [path.endsWith('/') ? path : `${path}/`, item]),
  );
  const seen = new Map<string, string>();
  for (const [method, path, operation] of operations(document)) {
    const extensions = operation as unknown as Record<string, unknown>;
    if (extensions[PUBLIC_OPERATION]) operation.security = [];
    delete extensions[PUBLIC_OPERATION];
    if (!operation.operationId || operation.operationId.startsWith(DERIVED_OPERATION_ID)) {
      operation.operationId = deriveOperationId(method, path);
    }
    const where = `${method.toUpperCase()} ${path}`;
    const clash = seen.get(operation.operationId);
    // Generated clients name their functions after operationIds; two alike would silently lose one.
    if (clash) throw new Error(`operationId ${operation.operationId} of ${where} is also that of ${clash}`);
    seen.set(operation.operationId, where);
  }
  addErrorResponses(document);
  const used = new Set([...operations(document)].flatMap(([, , operation]) => operation.tags ?? []));
  document.tags = [...used].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] }));
  return document;
}
