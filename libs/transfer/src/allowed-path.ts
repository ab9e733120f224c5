import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** A path outside ALLOWED_EXPORT_PATHS / ALLOWED_IMPORT_PATHS, or one that cannot be checked. */
export class PathNotAllowedError extends Error {
  override name = 'PathNotAllowedError';
}

function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of the deepest ancestor that exists, with the rest appended: what the path will be once created. */
async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return resolve(await realpath(current), ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.push(current.slice(parent.length).replace(/^[\\/]+/, ''));
      current = parent;
    }
  }
}

/**
 * Checks `path` against the allowed directories by real path, so neither `..` nor a symlink (in the path or in
 * an allowed directory) leads outside them; returns the real path. `variable` names the setting in messages.
 */
export async function resolveAllowedPath(path: string, allowed: readonly string[], variable: string): Promise<string> {
  if (!isAbsolute(path)) throw new PathNotAllowedError(`${JSON.stringify(path)} is not an absolute path`);
  if (allowed.length === 0) throw new PathNotAllowedError(`${variable} is empty: this server allows no such path`);
  const real = await realPathOf(resolve(path));
  for (const root of allowed) {
    const realRoot = await realPathOf(root).catch(() => null);
    if (realRoot && isWithin(realRoot, real)) return real;
  }
  throw new PathNotAllowedError(`${JSON.stringify(path)} is not under ${variable} (${allowed.join(', ')})`);
}
