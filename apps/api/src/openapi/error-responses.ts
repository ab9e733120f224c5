import {
  ApiResponse,
  getSchemaPath,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { CORRELATION_HEADER } from '../common/correlation';
import { ErrorResponse } from '../common/problem';

/**
 * A 409 this operation really answers, and when. The only error status a handler declares itself: the others
 * follow from the shape of the operation (see `addErrorResponses`), a conflict from what the service checks.
 */
export function ApiConflict(when: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 409, description: `Conflict: ${when}` });
}

type Rule = {
  status: number;
  /** Name in `components.responses`, which every operation the rule applies to references. */
  name: string;
  description: string;
  applies: (operation: OperationObject, method: string) => boolean;
  headers?: ResponseObject['headers'];
};

const secured = (operation: OperationObject) => !(Array.isArray(operation.security) && operation.security.length === 0);
/** Methods whose requests carry a body that Express's JSON parser reads, declared or not. */
const carriesBody = (_operation: OperationObject, method: string) => ['post', 'put', 'patch'].includes(method);
const parameters = (operation: OperationObject, where: string) =>
  (operation.parameters ?? []).filter((parameter) => 'in' in parameter && parameter.in === where);

/**
 * The error answers every operation of a given shape can give, matching what the code does (and what the API
 * fuzzer, test/fuzz, checks against the document): the global ValidationPipe (400 for a bad body or query),
 * Express before any route runs (400 for a path that is not valid percent-encoding, on every operation; for a
 * JSON body: 400 when malformed or too deep, 413 above 1 MB, 415 for a charset other than UTF-8), AuthGuard
 * (401, and 429 with Retry-After after repeated failed logins from the caller's address), and the services'
 * lookups of the objects named in the path (404; a well-encoded but malformed id or version number is a 404).
 * There is no 403: every authenticated caller may do everything.
 */
const RULES: Rule[] = [
  {
    status: 400,
    name: 'BadRequest',
    description:
      'The request is invalid: `errors` names each offending field or query parameter with its messages; ' +
      'also a malformed JSON body or a URL that is not valid percent-encoding.',
    applies: () => true,
  },
  {
    status: 401,
    name: 'Unauthorized',
    description: 'No valid credentials: give the admin password (HTTP Basic) or an API token (Bearer).',
    applies: secured,
    headers: {
      'WWW-Authenticate': { description: 'The authentication scheme to use.', schema: { type: 'string' } },
    },
  },
  {
    status: 404,
    name: 'NotFound',
    description: 'Nothing exists at this href.',
    applies: (operation) => parameters(operation, 'path').length > 0,
  },
  {
    status: 413,
    name: 'PayloadTooLarge',
    description: 'The request body is larger than 1 MB.',
    applies: carriesBody,
  },
  {
    status: 415,
    name: 'UnsupportedMediaType',
    description: 'The JSON body is in a charset other than UTF-8, or in a content encoding the server does not read.',
    applies: carriesBody,
  },
  {
    status: 429,
    name: 'TooManyRequests',
    description: 'Too many failed logins from this address; retry after the time given.',
    applies: secured,
    headers: {
      'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
    },
  },
];

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Each operation of the document, with its method and path. */
export function* operations(document: OpenAPIObject): Generator<[string, string, OperationObject]> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (HTTP_METHODS.has(method)) yield [method, path, operation as OperationObject];
    }
  }
}

/**
 * Gives every operation the error responses it can really answer, all with the one error body and the
 * Correlation-ID header: shared ones as references to `components.responses`, a 409 (see `ApiConflict`) inline
 * with its own description.
 */
export function addErrorResponses(document: OpenAPIObject): void {
  const components = (document.components ??= {});
  const errorBody = { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } };
  components.headers = {
    ...components.headers,
    CorrelationId: {
      description: `The id of this request (the caller's ${CORRELATION_HEADER} if sane, else a new one), also in the body as \`correlation_id\`.`,
      schema: { type: 'string' },
    },
  };
  const correlation = { [CORRELATION_HEADER]: { $ref: '#/components/headers/CorrelationId' } };
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(
      RULES.map((rule) => [
        rule.name,
        { description: rule.description, headers: { ...correlation, ...rule.headers }, content: errorBody },
      ]),
    ),
  };
  for (const [method, , operation] of operations(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || Number(status) < 400 || '$ref' in response) continue;
      response.content = errorBody;
      response.headers = { ...correlation, ...response.headers };
    }
    for (const rule of RULES) {
      if (!rule.applies(operation, method) || operation.responses[rule.status]) continue;
      operation.responses[rule.status] = { $ref: `#/components/responses/${rule.name}` };
    }
  }
}
