import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** What `npm run build` compiles into dist/ (tsconfig.build.json), tests excluded. */
const SOURCE_DIRS = ['apps', 'libs', 'migrations'];

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : undefined;
    if (candidate && candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

let sourcesChecked: { path: string; mtimeMs: number } | undefined;

/**
 * The absolute path of a built entry point (`dist/apps/<role>/src/main.js`), for tests that run the product as
 * an operator does. Throws, naming the command to run, when it is missing or older than any source file: a
 * test of a stale build tests yesterday's code, and a test that skips itself passes without running.
 */
export function requireFreshBuild(entry: string): string {
  const path = resolve(ROOT, entry);
  let builtAt: number;
  try {
    builtAt = statSync(path).mtimeMs;
  } catch {
    throw new Error(`${entry} is missing: run \`npm run build\` before this test`);
  }
  sourcesChecked ??= SOURCE_DIRS.map((dir) => newestSource(join(ROOT, dir))).reduce((a, b) =>
    b.mtimeMs > a.mtimeMs ? b : a,
  );
  if (sourcesChecked.mtimeMs > builtAt) {
    throw new Error(
      `${entry} is older than ${relative(ROOT, sourcesChecked.path)}: run \`npm run build\` before this test`,
    );
  }
  return path;
}
