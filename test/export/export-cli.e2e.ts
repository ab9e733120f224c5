import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireFreshBuild } from '../support/fresh-build';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { ADMIN_PASSWORD, type Stack, startStack } from '../support/stack';
import { createRemote, createRepository, latestVersion, sync } from '../sync/sync-helpers';
import { carry } from './export-helpers';

/** `bootdepot exporter|export|importer|import`, as built, against one instance exporting into itself. */
let MAIN = '';
let stack: Stack;
let registry: TestRegistry;
let root: string;
let source: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const env = { PATH: process.env.PATH, HOME: root, BOOTDEPOT_URL: stack.apiUrl, BOOTDEPOT_PASSWORD: ADMIN_PASSWORD };
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  MAIN = requireFreshBuild('dist/apps/cli/src/main.js');
  root = mkdtempSync(join(tmpdir(), 'bootdepot-export-cli-'));
  for (const dir of ['exports', 'media']) mkdirSync(join(root, dir));
  registry = await startRegistry();
  stack = await startStack({
    env: { ALLOWED_EXPORT_PATHS: join(root, 'exports'), ALLOWED_IMPORT_PATHS: join(root, 'media') },
  });
  const artifact = buildNetbootArtifact({
    files: { vmlinuz: makeFile(300_000, 'xcli-k'), 'initrd.img': makeFile(600_000, 'xcli-i') },
  });
  await pushArtifact(registry.url, 'fedora/netboot', '40-x86_64', artifact);
  const repo = await createRepository(stack);
  source = (await stack.sql<{ name: string }>('SELECT name FROM repositories WHERE id = $1', [repo]))[0]!.name;
  const remote = await createRemote(stack, { url: registry.url, upstream_name: 'fedora/netboot', policy: 'immediate' });
  expect((await sync(stack, repo, remote)).state).toBe('completed');
});

afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('bootdepot export / import', () => {
  it('exports with --wait and progress, lists the export, and imports it into another repository', async () => {
    const exporter = await cli([
      'exporter',
      'create',
      'to-site-b',
      '--path',
      join(root, 'exports', 'b'),
      '--repository',
      source,
    ]);
    expect(exporter.code, exporter.stderr).toBe(0);
    const created = await cli([
      'export',
      'create',
      'to-site-b',
      '--version',
      `${source}:1`,
      '--chunk-size',
      '256KB',
      '--wait',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/blobs 3\/3/);
    const toc = /^export completed: (\/.+-toc\.json)$/m.exec(created.stdout)?.[1];
    expect(toc, created.stdout).toBeDefined();

    const listed = await cli(['export', 'list', 'to-site-b']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(toc!);

    const target = await createRepository(stack);
    const targetName = (await stack.sql<{ name: string }>('SELECT name FROM repositories WHERE id = $1', [target]))[0]!
      .name;
    expect((await cli(['importer', 'create', 'from-site-a', '--map', `${source}=${targetName}`])).code).toBe(0);
    const carried = carry(toc!, join(root, 'media', 'usb'));
    const imported = await cli(['import', 'run', 'from-site-a', '--toc', carried, '--wait']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^import completed: created version 1 /m);
    expect(await latestVersion(stack, target)).toBe(1);

    const again = await cli(['import', 'run', 'from-site-a', '--toc', carried, '--wait']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no new version');
  });

  it('exits 1 naming --toc when the TOC is outside ALLOWED_IMPORT_PATHS', async () => {
    const run = await cli(['import', 'run', 'from-site-a', '--toc', '/etc/passwd', '--wait']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ALLOWED_IMPORT_PATHS');
  });
});
