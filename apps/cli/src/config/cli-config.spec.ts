import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFilePath, DEFAULT_URL, envSource, loadConfigFile, resolveConfig } from './cli-config';

describe('resolveConfig', () => {
  it('defaults to the local API and no credentials', () => {
    expect(resolveConfig([{}, {}, {}])).toEqual({ url: DEFAULT_URL, credentials: { kind: 'none' } });
  });

  it('takes each field from the highest source that sets it: flags, then environment, then file', () => {
    const flags = { url: 'http://flag:1/' };
    const env = envSource({ BOOTDEPOT_URL: 'http://env:2', BOOTDEPOT_USERNAME: 'ops', BOOTDEPOT_PASSWORD: 'envpw' });
    const file = { url: 'http://file:3', username: 'fileuser', password: 'filepw' };
    expect(resolveConfig([flags, env, file])).toEqual({
      url: 'http://flag:1',
      credentials: { kind: 'basic', username: 'ops', password: 'envpw' },
    });
    expect(resolveConfig([{}, {}, file]).url).toBe('http://file:3');
  });

  it('lets a password on the command line beat a token from the file', () => {
    const config = resolveConfig([{ password: 'pw' }, {}, { token: 'filetoken' }]);
    expect(config.credentials).toEqual({ kind: 'basic', username: 'admin', password: 'pw' });
  });

  it('uses a token over a password given at the same level', () => {
    const config = resolveConfig([{}, envSource({ BOOTDEPOT_TOKEN: 't0k', BOOTDEPOT_PASSWORD: 'pw' }), {}]);
    expect(config.credentials).toEqual({ kind: 'bearer', token: 't0k' });
  });

  it('treats empty environment variables as unset', () => {
    expect(envSource({ BOOTDEPOT_URL: '', BOOTDEPOT_TOKEN: '' })).toEqual({});
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => resolveConfig([{ url: 'localhost:24817' }])).toThrow(/not an http\(s\) URL/);
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (content: string, mode: number) => {
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-cli-'));
    const path = join(dir, 'cli.json');
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  it('reads the four keys and warns when credentials are readable by others', () => {
    const warnings: string[] = [];
    const path = write('{"url": "http://x:1", "token": "t", "extra": 1}', 0o644);
    expect(loadConfigFile(path, (m) => warnings.push(m))).toEqual({ url: 'http://x:1', token: 't' });
    expect(warnings).toEqual([expect.stringContaining('chmod 600')]);
  });

  it('does not warn for a private file', () => {
    const warnings: string[] = [];
    loadConfigFile(write('{"password": "p"}', 0o600), (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });

  it('treats a missing file as empty and names a broken one', () => {
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-cli-'));
    expect(loadConfigFile(join(dir, 'none.json'), () => {})).toEqual({});
    const path = write('{"url": 5}', 0o600);
    expect(() => loadConfigFile(path, () => {})).toThrow(`${path}: "url" must be a string`);
  });

  it('lives under XDG_CONFIG_HOME when set', () => {
    expect(configFilePath({}, '/home/a')).toBe('/home/a/.config/bootdepot/cli.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/x' }, '/home/a')).toBe('/x/bootdepot/cli.json');
  });
});
