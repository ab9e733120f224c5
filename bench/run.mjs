#!/usr/bin/env node
// `npm run bench`: both benchmarks, one after the other, each printing its ratios against its peer
// (nginx for serving, skopeo for syncing). Builds once first.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
for (const [bench, args] of [
  ['serve', ['--no-build']],
  ['sync', []],
]) {
  console.log(`\n=== bench/${bench} ===`);
  execFileSync(process.execPath, [join(root, 'bench', bench, 'run.mjs'), ...args], { cwd: root, stdio: 'inherit' });
}
