import { loadConfig } from '@app/config';
import { createLogger } from '@app/core';
import { type ArgumentsHost, NotFoundException } from '@nestjs/common';
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorsFilter } from '../common/errors.filter';
import { FieldErrors } from '../common/problem';
import { createApiApp } from '../create-api-app';
import { operations } from './error-responses';
import { buildOpenApiDocument } from './openapi-document';
import { deriveOperationId, operationIdBase } from './operation-ids';

// Properties every operation and schema of the document must have, checked on the document built from the
// code (as `npm run openapi` writes it), so an endpoint added anywhere is held to them too.

let document: OpenAPIObject;
beforeAll(async () => {
  const prepared = { config: loadConfig({}), logger: createLogger('silent', 'test'), secretKey: 'x'.repeat(32) };
  const app = await createApiApp(prepared, { preview: true });
  document = buildOpenApiDocument(app);
  await app.close();
});

const all = () => [...operations(document)].map(([method, path, operation]) => ({ method, path, operation }));
const where = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

function resolve<T>(value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value) {
    const found = value.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
    return resolve(found as T);
  }
  return value as T;
}

/** Every object nested in `value`, with its JSON path. */
function* walk(value: unknown, path = '#'): Generator<[string, Record<string, unknown>]> {
  if (!value || typeof value !== 'object') return;
  if (!Array.isArray(value)) yield [path, value as Record<string, unknown>];
  for (const [key, child] of Object.entries(value)) yield* walk(child, `${path}/${key}`);
}

describe('the OpenAPI document', () => {
  it('gives every PATCH a Patched… body without defaults; a partial update requires nothing', () => {
    const patches = all().filter(({ method }) => method === 'patch');
    expect(patches.length).toBeGreaterThan(0);
    for (const { path, operation } of patches) {
      const body = resolve(operation.requestBody!);
      const ref = (body.content['application/json']!.schema as { $ref?: string }).$ref ?? '';
      expect(ref, where('patch', path)).toMatch(/^#\/components\/schemas\/Patched/);
      const schema = resolve<SchemaObject>({ $ref: ref });
      // A cancel (`PATCH {task_href}` with `state: canceled`) is a command, and its one field is required.
      if (operation.operationId!.endsWith('_partial_update')) expect(schema.required ?? [], ref).toEqual([]);
      for (const [at, node] of walk(schema, ref)) expect('default' in node, `${at} has a default`).toBe(false);
    }
  });

  it('types whole numbers as integer; a `number` says it is fractional (format double/float)', () => {
    const numbers = [...walk(document)].filter(([, node]) => node.type === 'number');
    for (const [at, node] of numbers)
      expect(node.format, `${at} is a number without format`).toMatch(/^(double|float)$/);
    const integers = [...walk(document)].filter(([, node]) => node.type === 'integer');
    expect(integers.length).toBeGreaterThan(numbers.length);
  });

  it('declares on every operation the error answers its shape allows, with the one error body', () => {
    for (const { method, path, operation } of all()) {
      const at = where(method, path);
      const statuses = Object.keys(operation.responses).map(Number);
      const secured = !(Array.isArray(operation.security) && operation.security.length === 0);
      const parameters = (operation.parameters ?? []).map((p) => resolve(p));
      if (secured) expect(statuses, at).toEqual(expect.arrayContaining([401, 429]));
      if (parameters.some((p) => p.in === 'path')) expect(statuses, at).toContain(404);
      // Express answers 400 for a path that is not valid percent-encoding before any route runs.
      expect(statuses, at).toContain(400);
      if (['post', 'put', 'patch'].includes(method)) expect(statuses, at).toEqual(expect.arrayContaining([413, 415]));
      expect(statuses, `${at} declares a 403 nothing answers`).not.toContain(403);
      for (const status of statuses.filter((s) => s >= 400)) {
        const response = resolve<ResponseObject>(operation.responses[status]!);
        expect(response.content?.['application/json']?.schema, `${at} ${status}`).toEqual({
          $ref: '#/components/schemas/ErrorResponse',
        });
        expect(Object.keys(response.headers ?? {}), `${at} ${status}`).toContain('Correlation-ID');
      }
    }
  });

  it('describes the error body exactly as ErrorsFilter writes it', () => {
    const schema = resolve<SchemaObject>({ $ref: '#/components/schemas/ErrorResponse' });
    const written = (error: unknown) => {
      let body: Record<string, unknown> = {};
      const res = {
        headersSent: false,
        setHeader: () => res,
        status: () => res,
        json: (b: Record<string, unknown>) => (body = b),
      };
      const req = { correlationId: 'c-1', header: () => undefined, method: 'GET', originalUrl: '/' };
      const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) };
      new ErrorsFilter(createLogger('silent', 'test')).catch(error, host as unknown as ArgumentsHost);
      // What JSON.stringify sends: an undefined `errors` is left out.
      return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
    };
    const withFields = written(FieldErrors.of('name', 'name must be a string'));
    const plain = written(new NotFoundException('no remote with this id'));
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(Object.keys(withFields).sort());
    expect([...(schema.required ?? [])].sort()).toEqual(Object.keys(plain).sort());
    expect(withFields).toEqual({
      detail: expect.any(String),
      errors: { name: [expect.any(String)] },
      correlation_id: 'c-1',
    });
  });

  it('names operations the Pulp way, uniquely', () => {
    // Where Pulp's own id is not the one its route implies.
    const pulpNames = new Set(['status_read', 'tasks_cancel']);
    const ids = all().map(({ operation }) => operation.operationId!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, operation } of all()) {
      const id = operation.operationId!;
      expect(id, where(method, path)).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(id.startsWith(operationIdBase(path).join('_')), `${id} does not name ${path}`).toBe(true);
      const crud = path.endsWith('}/') || method === 'get';
      if (crud && !pulpNames.has(id)) expect(id, where(method, path)).toBe(deriveOperationId(method, path));
    }
    expect(ids).toEqual(
      expect.arrayContaining([
        'remotes_netboot_oci_create',
        'repositories_netboot_oci_sync',
        'repositories_netboot_oci_versions_repair',
        'distributions_netboot_oci_partial_update',
        'content_netboot_manifests_list',
      ]),
    );
  });

  it('lists every tag it uses at the top level, each with a description', () => {
    const used = new Set(all().flatMap(({ operation }) => operation.tags ?? []));
    const listed = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of used) expect(listed.get(tag), `tag ${tag}`).toMatch(/\w/);
    for (const { method, path, operation } of all()) expect(operation.tags?.length, where(method, path)).toBe(1);
  });

  it('names every enum as a schema of its own', () => {
    for (const [at, node] of walk(document)) {
      if ('enum' in node) expect(at, `inline enum at ${at}`).toMatch(/^#\/components\/schemas\/[A-Za-z]+Enum$/);
    }
  });

  it('has a server, and public operations only where @Public says so', () => {
    expect(document.servers?.[0]?.url).toMatch(/^http:\/\/localhost:\d+$/);
    const publicIds = all()
      .filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(({ operation }) => operation.operationId);
    expect(publicIds).toEqual(['status_read']);
    expect(JSON.stringify(document)).not.toContain('x-bootdepot-public');
  });

  it('says where it answers at once instead of with a task, unlike Pulp', () => {
    const atOnce = all().filter(
      ({ method, path }) =>
        /^\/pulp\/api\/v3\/(remotes|repositories|distributions)\/netboot\/oci\/\{id\}\/$/.test(path) &&
        method !== 'get',
    );
    expect(atOnce.length).toBe(9);
    for (const { method, path, operation } of atOnce) {
      expect((operation as OperationObject).description, where(method, path)).toMatch(/Unlike Pulp/);
    }
  });
});
