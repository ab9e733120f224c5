import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, type Observable } from 'rxjs';
import { splitList } from './list-query.dto';

/** Field paths as a tree: `null` keeps (or drops) the whole field, a subtree narrows inside it. */
type FieldTree = Map<string, FieldTree | null>;

function toTree(paths: string[]): FieldTree {
  const root: FieldTree = new Map();
  for (const path of paths) {
    let node = root;
    const parts = path.split('.');
    for (const [i, part] of parts.entries()) {
      const existing = node.get(part);
      if (existing === null) break; // the whole field is already named; a narrower path changes nothing
      if (i === parts.length - 1) {
        node.set(part, null);
        break;
      }
      const child: FieldTree = existing ?? new Map();
      node.set(part, child);
      node = child;
    }
  }
  return root;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies a tree to an object, or to each object of an array (e.g. `files.title` on a manifest). */
function eachObject(value: unknown, apply: (object: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? apply(item) : item));
  return isPlainObject(value) ? apply(value) : value;
}

function include(object: Record<string, unknown>, tree: FieldTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(object, key)) continue; // unknown names are ignored, as Pulp's drf-queryfields does
    out[key] = sub === null ? object[key] : eachObject(object[key], (nested) => include(nested, sub));
  }
  return out;
}

function exclude(object: Record<string, unknown>, tree: FieldTree): Record<string, unknown> {
  const out: Record<string, unknown> = { ...object };
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(out, key)) continue;
    if (sub === null) delete out[key];
    else out[key] = eachObject(out[key], (nested) => exclude(nested, sub));
  }
  return out;
}

/**
 * Pulp's `fields` / `exclude_fields` on one serialized object: keep only the named fields, then drop the
 * excluded ones. Paths may be dotted to reach into nested objects; names the object lacks are ignored.
 */
export function selectFields(
  object: Record<string, unknown>,
  fields: string[] | undefined,
  excludeFields: string[] | undefined,
): Record<string, unknown> {
  let out = object;
  if (fields?.length) out = include(out, toTree(fields));
  if (excludeFields?.length) out = exclude(out, toTree(excludeFields));
  return out;
}

const isPage = (body: unknown): body is { results: unknown[] } =>
  isPlainObject(body) && Array.isArray(body.results) && 'count' in body && 'next' in body;

/**
 * Trims every GET answer to the requested `fields` / `exclude_fields`, for lists (each result; the page
 * envelope stays) and single objects alike. Validation of the parameters is the endpoints' FieldsQuery.
 */
@Injectable()
export class FieldsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method !== 'GET' || !req.query) return next.handle();
    const list = (value: unknown) => {
      const parsed = splitList({ value });
      return Array.isArray(parsed) ? (parsed as string[]) : undefined;
    };
    const fields = list(req.query.fields);
    const excludeFields = list(req.query.exclude_fields);
    if (!fields?.length && !excludeFields?.length) return next.handle();
    const trim = (item: unknown) => (isPlainObject(item) ? selectFields(item, fields, excludeFields) : item);
    return next
      .handle()
      .pipe(map((body) => (isPage(body) ? { ...body, results: body.results.map(trim) } : trim(body))));
  }
}
