import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The slice of an OpenAPI 3 schema object the fuzzer reads. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  enum?: unknown[];
  format?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  id: string;
  method: string;
  /** Template as in the document, e.g. `/pulp/api/v3/tasks/{id}/`. */
  path: string;
  parameters: Parameter[];
  /** Request body schema (refs resolved), when the operation takes one. */
  body?: Schema;
  bodyRequired: boolean;
  public: boolean;
  /** The statuses the document declares for it. */
  responses: number[];
}

interface Document {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

interface OperationObject {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  security?: unknown[];
  responses: Record<string, unknown>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the committed document, the same file the generated client is built from. */
export function loadOperations(file = resolve(__dirname, '../../openapi/openapi.json')): Operation[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Document;
  // Request schemas are small trees; resolve every $ref so generators never meet one.
  const deref = (schema: Schema): Schema => {
    if (schema.$ref) return deref(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!);
    // A named enum used as a property comes as `allOf: [{$ref}]` beside the property's own description.
    if (schema.allOf) {
      const { allOf, ...rest } = schema;
      return deref(Object.assign({}, ...allOf.map(deref), rest) as Schema);
    }
    const out: Schema = { ...schema };
    if (out.items) out.items = deref(out.items);
    if (out.properties) {
      out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, deref(v)]));
    }
    if (typeof out.additionalProperties === 'object') out.additionalProperties = deref(out.additionalProperties);
    return out;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const json = op.requestBody?.content['application/json'];
      operations.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: deref(p.schema) })),
        body: json ? deref(json.schema) : undefined,
        bodyRequired: !!op.requestBody?.required,
        public: Array.isArray(op.security) && op.security.length === 0,
        responses: Object.keys(op.responses).map(Number),
      });
    }
  }
  return operations.sort((a, b) => a.id.localeCompare(b.id));
}
