/**
 * A value that is usually at hand and sometimes has to be fetched. The content app's lookups (distribution
 * snapshot, version view, guard verdict, small blob bytes) answer from memory on almost every request; returning
 * the value itself lets a warm request run start to finish inside node:http's `request` event, as a bare server
 * does. `await` on a plain value still costs a trip through the microtask queue, so callers test first:
 * `let x = lookup(); if (x instanceof Promise) x = await x;`.
 */
export type MaybePromise<T> = T | Promise<T>;
