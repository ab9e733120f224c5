import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFile } from '../support/push';
import { requireNetbootHost } from './support/host-deps';
import { type NetbootScenario, startNetbootScenario } from './support/scenario';

const run = promisify(execFile);
const TAG = '40-amd64';
const MiB = 1024 * 1024;

/**
 * Foreman builds boot-file URLs as `medium_uri + images/pxeboot/{vmlinuz,initrd.img}` and its Smart Proxy
 * downloads them into the TFTP root with exactly this curl command line; `--time-cond <dst>` turns a repeat
 * into a conditional request, so Last-Modified and If-Modified-Since decide whether bytes move again.
 */
async function smartProxyFetch(url: string, dst: string): Promise<{ status: number; downloaded: number }> {
  const { stdout } = await run('curl', [
    '--fail',
    '--retry',
    '3',
    '--remote-time',
    '--time-cond',
    dst,
    '--location',
    '--output',
    dst,
    '--silent',
    '--show-error',
    '--write-out',
    '%{http_code} %{size_download}',
    url,
  ]);
  const [status, downloaded] = stdout.trim().split(' ').map(Number);
  return { status, downloaded };
}

describe('Foreman Smart Proxy emulation: curl --time-cond downloads of images/pxeboot', () => {
  let scenario: NetbootScenario;
  let tftp: string;
  let firstDigest: string;
  const first = { vmlinuz: makeFile(2 * MiB, 'foreman-k1'), 'initrd.img': makeFile(3 * MiB, 'foreman-i1') };
  const second = { vmlinuz: makeFile(2 * MiB + 7, 'foreman-k2'), 'initrd.img': makeFile(3 * MiB + 7, 'foreman-i2') };
  const names = ['vmlinuz', 'initrd.img'] as const;
  const mediumUri = () => `${scenario.hostRoot}/${TAG}/`;

  beforeAll(async () => {
    requireNetbootHost(['curl']);
    tftp = mkdtempSync(join(tmpdir(), 'bootdepot-tftp-'));
    scenario = await startNetbootScenario();
    firstDigest = await scenario.publish(TAG, first);
  }, 120_000);

  afterAll(async () => {
    await scenario?.stop();
    if (tftp) rmSync(tftp, { recursive: true, force: true });
  });

  it('downloads both files, then a second run downloads nothing (304 on If-Modified-Since)', async () => {
    for (const name of names) {
      const dst = join(tftp, name);
      const fetched = await smartProxyFetch(`${mediumUri()}images/pxeboot/${name}`, dst);
      expect(fetched).toEqual({ status: 200, downloaded: first[name].length });
      expect(readFileSync(dst).equals(first[name])).toBe(true);
    }
    const since = scenario.relay.entries.length;
    for (const name of names) {
      const dst = join(tftp, name);
      const mtime = statSync(dst).mtimeMs;
      expect(await smartProxyFetch(`${mediumUri()}images/pxeboot/${name}`, dst)).toEqual({
        status: 304,
        downloaded: 0,
      });
      expect(statSync(dst).mtimeMs).toBe(mtime);
      expect(readFileSync(dst).equals(first[name])).toBe(true);
    }
    const repeats = scenario.relay.entries.slice(since);
    expect(repeats.map((e) => [e.status, e.bytes])).toEqual([
      [304, 0],
      [304, 0],
    ]);
  });

  it('after the tag moves, the tag URL brings the new bytes and the digest-pinned URL keeps the old ones', async () => {
    // HTTP dates have one-second resolution: let the clock pass the first version's Last-Modified.
    await sleep(1100);
    const secondDigest = await scenario.publish(TAG, second);
    expect(secondDigest).not.toBe(firstDigest);
    for (const name of names) {
      const dst = join(tftp, name);
      const fetched = await smartProxyFetch(`${mediumUri()}images/pxeboot/${name}`, dst);
      expect(fetched, `${name} through the moved tag`).toEqual({ status: 200, downloaded: second[name].length });
      expect(readFileSync(dst).equals(second[name])).toBe(true);
    }
    const pinnedDir = mkdtempSync(join(tftp, 'pinned-'));
    for (const name of names) {
      const url = `${scenario.hostRoot}/${firstDigest}/images/pxeboot/${name}`;
      const dst = join(pinnedDir, name);
      expect(await smartProxyFetch(url, dst)).toEqual({ status: 200, downloaded: first[name].length });
      expect(readFileSync(dst).equals(first[name])).toBe(true);
      expect(await smartProxyFetch(url, dst)).toEqual({ status: 304, downloaded: 0 });
    }
  });
});
