import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * The chaos suite on its own: it starts its own Redis, database, registry and six bootdepot processes from
 * `dist/`, so it needs `npm run build` first and root (for the tmpfs storage), and takes several minutes.
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias: [{ find: /^@app\/([^/]+)$/, replacement: resolve(__dirname, '../../libs/$1/src') }] },
  test: {
    name: 'chaos',
    root: resolve(__dirname, '../..'),
    include: ['test/chaos/**/*.chaos.ts'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts', 'test/support/rgw-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    // The table is printed from afterAll; keep console output unbuffered and visible.
    silent: false,
  },
});
