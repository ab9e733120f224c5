import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const main = join(root, 'dist/apps/api/src/main.js');

describe.skipIf(!existsSync(main))('start-up configuration', () => {
  it.each([
    ['API_PORT', 'abc'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['LOG_LEVEL', 'chatty'],
  ])('stops with a message naming %s when it is invalid', (name, value) => {
    const result = spawnSync(process.execPath, [main], {
      env: { ...process.env, [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(`invalid configuration: ${name}`);
  });
});
