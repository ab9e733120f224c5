import type { NextFunction, Request, Response } from 'express';
import { FieldErrors } from './problem';

/** No request body of ours nests deeper than a few levels; refuse pathological ones before validation. */
export const MAX_JSON_DEPTH = 16;

export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (node && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

export function jsonDepthMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (req.body && typeof req.body === 'object' && jsonDepth(req.body) > MAX_JSON_DEPTH) {
    return next(new FieldErrors({ body: [`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`] }));
  }
  next();
}
