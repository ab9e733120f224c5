import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenServer, type TokenServerOptions } from './token-server';

export type RegistryAuthMode = 'none' | 'htpasswd' | 'token';

export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
  /** Token mode: initial token server options (users default to the registry user). */
  token?: TokenServerOptions;
}

export interface TestRegistry {
  url: string;
  port: number;
  username?: string;
  password?: string;
  tokenServer?: TokenServer;
  stop(): Promise<void>;
}

const REGISTRY_BIN = '/usr/bin/docker-registry';
const live = new Set<ChildProcess>();

// Kill registries even when a test file forgets afterAll or the worker exits abruptly.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts Debian's CNCF distribution registry (2.8) on a free loopback port with its own temp storage. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const mode = options.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), 'bootdepot-registry-'));
  const port = await freePort();
  const username = mode === 'none' ? undefined : 'tester';
  const password = mode === 'none' ? undefined : 'correct horse battery';
  let tokenServer: TokenServer | undefined;
  let authYaml = '';
  if (mode === 'htpasswd') {
    const entry = execFileSync('htpasswd', ['-Bbn', username!, password!], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'htpasswd'), `${entry}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: bootdepot-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (mode === 'token') {
    tokenServer = new TokenServer(dir, { users: { [username!]: password! }, ...options.token });
    await tokenServer.start();
    authYaml =
      `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${tokenServer.service}\n` +
      `    issuer: ${tokenServer.issuer}\n    rootcertbundle: ${tokenServer.certPath}\n`;
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: bootdepot-test-secret',
    authYaml,
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);

  const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  // A watchdog shell kills the registry if this process dies without running exit handlers (SIGKILL, OOM).
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 ${child.pid} 2>/dev/null`,
    ],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (live.delete(child)) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url}/v2/ within 15 s: ${stderr}`);
    }
    await sleep(50);
  }
  return { url, port, username, password, tokenServer, stop };
}
