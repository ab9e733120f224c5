import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '@app/format';
import { requireFreshBuild } from '../support/fresh-build';
import { buildNetbootArtifact, makeFile, type NetbootArtifact, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { ADMIN_PASSWORD, type Stack, startStack } from '../support/stack';

/** The CLI is tested as built; a dist older than the sources would test yesterday's code. */
let MAIN = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stack: Stack;
let registry: TestRegistry;
let home: string;
let artifact: NetbootArtifact;

function start(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    BOOTDEPOT_URL: stack.apiUrl,
    BOOTDEPOT_PASSWORD: ADMIN_PASSWORD,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  // Asynchronous on purpose: the API runs in this process and must keep answering.
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const ended = new Promise<Run>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  return { child, ended, stderr: () => stderr };
}

function cli(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<Run> {
  return start(args, options).ended;
}

function json<T = Record<string, unknown>>(run: Run): T {
  expect(run.stderr, run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  MAIN = requireFreshBuild('dist/apps/cli/src/main.js');
  home = mkdtempSync(join(tmpdir(), 'bootdepot-cli-home-'));
  registry = await startRegistry();
  stack = await startStack();
  artifact = buildNetbootArtifact({
    files: {
      vmlinuz: makeFile(300_000, 'cli-k'),
      'initrd.img': makeFile(2_000_000, 'cli-i'),
      'pxelinux.0': makeFile(40_000, 'cli-p'),
    },
  });
  await pushArtifact(registry.url, 'fedora/netboot', '40-x86_64', artifact);
});

afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('bootdepot CLI', () => {
  it('creates a remote, a repository and a distribution by name, and lists them as table and json', async () => {
    const remote = await cli([
      'remote',
      'create',
      'quay',
      '--url',
      'https://quay.io',
      '--upstream-name',
      'pulp/netboot',
      '--include-tags',
      '40-*,41-*',
      '--policy',
      'on_demand',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stdout).toMatch(/^name: +quay$/m);
    expect(remote.stdout).toMatch(/^include_tags: +40-\*,41-\*$/m);

    const repo = await cli(['repository', 'create', 'fedora', '--remote', 'quay', '--retain-repo-versions', '3']);
    expect(repo.code, repo.stderr).toBe(0);
    const remoteHref = json<{ results: { pulp_href: string }[] }>(await cli(['-o', 'json', 'remote', 'list']))
      .results[0]!.pulp_href;
    expect(repo.stdout).toContain(`remote:               ${remoteHref}`);

    const dist = await cli([
      'distribution',
      'create',
      'fedora-dist',
      '--base-path',
      'fedora/40',
      '--repository',
      'fedora',
      '--private',
    ]);
    expect(dist.code, dist.stderr).toBe(0);

    const table = await cli(['remote', 'list']);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +URL +UPSTREAM NAME +POLICY +SIGNATURES +INCLUDE TAGS +HREF$/);
    expect(row).toMatch(
      /^quay +https:\/\/quay\.io +pulp\/netboot +on_demand +none +40-\*,41-\* +\/pulp\/api\/v3\/remotes\//,
    );
    expect(rest).toEqual([]);

    const repos = await cli(['repository', 'list']);
    expect(repos.stdout).toMatch(/^fedora +0 +3 +\/pulp\/api\/v3\/remotes\//m);

    const dists = json<{ count: number; results: { name: string; base_path: string; private: boolean }[] }>(
      await cli(['distribution', 'list', '--output', 'json']),
    );
    expect(dists.count).toBe(1);
    expect(dists.results[0]).toMatchObject({ name: 'fedora-dist', base_path: 'fedora/40', private: true });

    const updated = json(
      await cli(['-o', 'json', 'distribution', 'update', 'fedora-dist', '--public', '--new-name', 'f40']),
    );
    expect(updated).toMatchObject({ name: 'f40', private: false });
    const deleted = await cli(['distribution', 'delete', 'f40']);
    expect(deleted).toMatchObject({ code: 0, stdout: '' });
    expect((await cli(['distribution', 'show', 'f40'])).stderr).toBe('error: no distribution named "f40"\n');
  });

  it('prints the per-field message of a refused request and exits 1', async () => {
    const run = await cli(['remote', 'create', 'broken', '--url', 'https://quay.io', '--upstream-name', '']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*\(HTTP 400\)$/m);
    expect(run.stderr).toMatch(/^ {2}--upstream-name \(upstream_name\): .+$/m);
  });

  it('shows where distributions are served, from status content_settings', async () => {
    const run = await cli(['status']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^content: +${stack.contentUrl}/pulp/content/$`, 'm'));
  });

  it('exits 2 on a usage error, pointing at the help', async () => {
    const run = await cli(['remote', 'list', '--polcy', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--polcy'");
    expect(run.stderr).toContain('bootdepot remote list --help');
  });

  it('creates a token, uses it with --token, and refuses it once revoked', async () => {
    const created = await cli(['token', 'create', 'ci']);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token.length).toBeGreaterThan(20);
    expect(created.stderr).toContain('shown only this once');

    const noPassword = { BOOTDEPOT_PASSWORD: undefined };
    const listed = await cli(['token', 'list', '--token', token], { env: noPassword });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ci +\S+/m);
    expect(listed.stdout).not.toContain(token);

    expect((await cli(['token', 'revoke', 'ci'])).code).toBe(0);
    const refused = await cli(['remote', 'list', '--token', token], { env: noPassword });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(HTTP 401\)/);
    expect(refused.stderr).toContain('BOOTDEPOT_TOKEN');
  });

  it('reads the config file, below the environment, and warns when it is readable by others', async () => {
    const dir = join(home, '.config', 'bootdepot');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'cli.json');
    writeFileSync(file, JSON.stringify({ url: stack.apiUrl, password: ADMIN_PASSWORD }), { mode: 0o644 });
    try {
      const run = await cli(['remote', 'list'], { env: { BOOTDEPOT_URL: undefined, BOOTDEPOT_PASSWORD: undefined } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`${file} holds credentials and is readable by others`);
      // The environment wins over the file: a wrong password there is used, and refused.
      const wrong = await cli(['remote', 'list'], { env: { BOOTDEPOT_URL: undefined, BOOTDEPOT_PASSWORD: 'wrong' } });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/HTTP 401/);
    } finally {
      rmSync(file);
    }
  });

  it('syncs with --wait, printing progress lines and the created version', async () => {
    const remote = await cli([
      'remote',
      'create',
      'local',
      '--url',
      registry.url,
      '--upstream-name',
      'fedora/netboot',
      '--policy',
      'immediate',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    expect((await cli(['repository', 'create', 'netboot', '--remote', 'local'])).code).toBe(0);

    const run = await cli(['repository', 'sync', 'netboot', '--mirror', '--wait']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^sync completed: created version 1 \/pulp\/api\/v3\/repositories\/netboot\/oci\/[^/]+\/versions\/1\/$/m,
    );
    // stderr is a pipe here, so progress comes as plain lines, the last one the finished state.
    const lines = run.stderr.trimEnd().split('\n');
    const bytes = formatBytes([...artifact.blobs.values()].reduce((sum, blob) => sum + blob.length, 0));
    expect(lines.at(-1)).toBe(`completed 100% manifests 1/1  blobs 4/4  ${bytes}/${bytes}`);
    expect(lines.every((line) => /^(waiting for a worker|running|completed)\b/.test(line))).toBe(true);

    const versions = json<{ results: { number: number }[] }>(
      await cli(['repository', 'versions', 'netboot', '-o', 'json']),
    );
    expect(versions.results.map((v) => v.number)).toEqual([1, 0]);
  });

  it('exits 3 with the task error when a sync fails', async () => {
    await cli(['remote', 'create', 'missing', '--url', registry.url, '--upstream-name', 'no/such-repo']);
    await cli(['repository', 'create', 'doomed']);
    const run = await cli(['repository', 'sync', 'doomed', '--remote', 'missing', '--wait']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: task failed: .+$/m);
    expect(run.stdout).toBe('');
  });

  it('promotes a version into another repository with modify, then empties it', async () => {
    expect((await cli(['repository', 'create', 'production'])).code).toBe(0);
    const promoted = await cli(['repository', 'modify', 'production', '--base-version', 'netboot@1', '--wait']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toMatch(
      /^modify completed: created version 1 \/pulp\/api\/v3\/repositories\/netboot\/oci\/[^/]+\/versions\/1\/$/m,
    );
    const [version] = json<{ results: { content_summary: { present: Record<string, { count: number }> } }[] }>(
      await cli(['repository', 'versions', 'production', '-o', 'json']),
    ).results;
    expect(version!.content_summary.present['netboot.tag']!.count).toBe(1);
    expect(version!.content_summary.present['netboot.blob']!.count).toBe(artifact.blobs.size);

    const emptied = await cli(['repository', 'modify', 'production', '--remove', '*', '--no-overwrite', '--wait']);
    expect(emptied.stdout).toMatch(/^modify completed: created version 2 /m);
    const again = await cli(['repository', 'modify', 'production', '--remove', '*', '--wait']);
    expect(again.stdout).toBe('modify completed: nothing changed, no new version\n');

    const bad = await cli(['repository', 'modify', 'production', '--add', 'prn:netboot.tag:nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ {2}--add \(add_content_units\): .*prn:netboot\.tag:nope/m);
    const usage = await cli(['repository', 'modify', 'production', '--base-version', 'netboot']);
    expect(usage.code).toBe(2);
  });

  it('purges finished tasks of the given states', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const run = await cli(['task', 'purge', '--state', 'failed', '--finished-before', future, '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^purge completed: [1-9]\d* task\(s\) deleted$/m);
    const failed = json<{ count: number }>(await cli(['task', 'list', '--state', 'failed', '-o', 'json']));
    expect(failed.count).toBe(0);
    expect((await cli(['task', 'purge', '--state', 'running'])).code).toBe(2);
  });

  it('cancels the task and exits 130 on Ctrl-C while waiting', async () => {
    // One request a second to the registry makes the sync last long enough to interrupt.
    const remote = await cli([
      'remote',
      'create',
      'slow',
      '--url',
      registry.url,
      '--upstream-name',
      'fedora/netboot',
      '--rate-limit',
      '1',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    await cli(['repository', 'create', 'interrupted', '--remote', 'slow']);
    const sync = start(['repository', 'sync', 'interrupted', '--wait']);
    const deadline = Date.now() + 20_000;
    while (!/^(waiting for a worker|running)/m.test(sync.stderr()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    sync.child.kill('SIGINT');
    const run = await sync.ended;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/^interrupted: canceling task \/pulp\/api\/v3\/tasks\/[^/]+\/$/m);
    const href = /canceling task (\S+)/.exec(run.stderr)![1]!;
    const task = json<{ state: string }>(await cli(['task', 'show', href, '-o', 'json']));
    expect(['canceling', 'canceled']).toContain(task.state);
  });
});
