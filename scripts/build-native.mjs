// Builds the content app's sendfile(2) binding (apps/content/native/sendfile.c) into dist/native/sendfile.node,
// as part of `npm run build`. Node-API only (headers from the node-api-headers package), so no node-gyp and no
// download: one C compiler call. Without a compiler the build goes on and says so; the content app then copies
// every body through its own buffers (it logs "sendfile off" at start). Rebuilds only when the source changed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const source = join(root, 'apps/content/native/sendfile.c');
const output = join(root, 'dist/native/sendfile.node');
const headers = dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json'));

if (process.platform !== 'linux') {
  console.log(`build-native: sendfile(2) binding skipped on ${process.platform}`);
  process.exit(0);
}
if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) process.exit(0);
const cc = process.env.CC ?? 'cc';
const without = (why) => {
  console.warn(
    `build-native: ${why}: the content app will copy stored files through buffers instead of sendfile(2); ` +
      'install a compiler with `apt-get install gcc libc6-dev` and run `npm run build` again',
  );
  process.exit(0);
};
if (spawnSync('sh', ['-c', `command -v ${cc}`], { stdio: 'ignore' }).status !== 0) without(`no C compiler (${cc})`);
mkdirSync(dirname(output), { recursive: true });
// A compiler without libc's headers (gcc installed without its recommends) fails here: said, not fatal.
const built = spawnSync(
  cc,
  ['-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-I', join(headers, 'include'), '-o', output, source],
  { stdio: 'inherit' },
);
if (built.status !== 0) without(`${cc} could not build ${source}`);
