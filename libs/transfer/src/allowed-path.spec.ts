import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathNotAllowedError, resolveAllowedPath } from './allowed-path';

describe('resolveAllowedPath', () => {
  let root: string;
  let allowed: string;
  let outside: string;

  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'bootdepot-allowed-')));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(join(allowed, 'sub'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(allowed, 'escape'));
    symlinkSync(join(allowed, 'sub'), join(root, 'alias'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('returns the real path of a directory inside, existing or not', async () => {
    expect(await resolveAllowedPath(join(allowed, 'sub'), [allowed], 'X')).toBe(join(allowed, 'sub'));
    expect(await resolveAllowedPath(join(allowed, 'new', 'deeper'), [allowed], 'X')).toBe(
      join(allowed, 'new', 'deeper'),
    );
    expect(await resolveAllowedPath(allowed, [allowed], 'X')).toBe(allowed);
  });

  it('follows symlinks in the allowed directory itself', async () => {
    expect(await resolveAllowedPath(join(allowed, 'sub', 'x'), [join(root, 'alias')], 'X')).toBe(
      join(allowed, 'sub', 'x'),
    );
  });

  it.each([
    ['a sibling', () => outside],
    ['.. out of it', () => join(allowed, '..', 'outside')],
    ['a symlink out of it', () => join(allowed, 'escape', 'x')],
    ['a prefix that is not a parent', () => `${allowed}-evil`],
    ['a relative path', () => 'allowed/sub'],
  ])('refuses %s', async (_, path) => {
    await expect(resolveAllowedPath(path(), [allowed], 'ALLOWED_X')).rejects.toBeInstanceOf(PathNotAllowedError);
  });

  it('allows nothing when no directory is configured, saying so', async () => {
    await expect(resolveAllowedPath(allowed, [], 'ALLOWED_X')).rejects.toThrow('ALLOWED_X is empty');
  });
});
