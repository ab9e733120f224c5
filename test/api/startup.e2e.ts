import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireFreshBuild } from '../support/fresh-build';

describe('start-up configuration', () => {
  let main: string;
  beforeAll(() => {
    main = requireFreshBuild('dist/apps/api/src/main.js');
  });

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
