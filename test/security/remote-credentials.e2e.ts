/**
 * Issue 18, weakness 4 and the remote-address part of the probe: credentials never travel in a remote's
 * URL; proxy credentials are write-only, sealed at rest and really used (Proxy-Authorization on the
 * CONNECT) by the worker's sync and the content app's on-demand fetches; REMOTE_URL_DENY is enforced at the
 * API and again at connect time (resolved names and redirect targets included).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataSource } from '@app/domain';
import { RegistryClient } from '@app/registry-client';
import { SecretBox } from '@app/security';
import pino from 'pino';
import { sealUrlCredentials } from '../../apps/api/src/remotes/url-credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthProxy, type AuthProxy } from '../support/auth-proxy';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { raw } from '../content/support/http';
import { ADMIN_PASSWORD, type Stack, startStack, waitForTask } from '../support/stack';

const BASIC = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'Pr0xy-S3cret-Value';
const REMOTES = '/pulp/api/v3/remotes/netboot/oci/';

let registry: TestRegistry;
let proxy: AuthProxy;
let stack: Stack;
const kernel = makeFile(16 * 1024, 'proxied-kernel');

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { Authorization: BASIC, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function sync(remoteHref: string, name: string) {
  const repo = await api('POST', '/pulp/api/v3/repositories/netboot/oci/', { name, remote: remoteHref });
  const started = await api('POST', `${repo.body.pulp_href}sync/`, {});
  return { repo: repo.body.pulp_href as string, task: await waitForTask(stack, started.body.task) };
}

beforeAll(async () => {
  registry = await startRegistry();
  await pushArtifact(
    registry.url,
    'netboot/fedora',
    '40-amd64',
    buildNetbootArtifact({ files: { vmlinuz: kernel, 'initrd.img': makeFile(4096, 'proxied-initrd') } }),
  );
  proxy = await startAuthProxy(PROXY_USER, PROXY_PASSWORD);
  stack = await startStack({
    logToFile: true,
    env: { LOG_LEVEL: 'debug', REMOTE_URL_DENY: '169.254.0.0/16, 10.255.255.0/24' },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await registry?.stop();
});

describe('4. credentials in URLs', () => {
  it('refuses user-info in url and proxy_url with a 400 naming the fields to use', async () => {
    const inUrl = await api('POST', REMOTES, {
      name: 'userinfo',
      url: 'http://u:S3cr3t@127.0.0.1:5000',
      upstream_name: 'x/y',
    });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.errors.url.join(' ')).toMatch(/`username` and `password`/);
    const inProxy = await api('POST', REMOTES, {
      name: 'userinfo',
      url: registry.url,
      upstream_name: 'x/y',
      proxy_url: 'http://user:pass@127.0.0.1:3128',
    });
    expect(inProxy.status).toBe(400);
    expect(inProxy.body.errors.proxy_url.join(' ')).toMatch(/`proxy_username` and `proxy_password`/);
    const ok = await api('POST', REMOTES, { name: 'userinfo', url: registry.url, upstream_name: 'x/y' });
    expect(ok.status).toBe(201);
    expect((await api('PATCH', ok.body.pulp_href, { url: 'http://a:b@127.0.0.1:1' })).status).toBe(400);
    expect((await api('GET', ok.body.pulp_href)).body.url).toBe(registry.url);
  });

  it('sync and on-demand fetches go through the proxy with its credentials; they are never shown, dumped or logged', async () => {
    const created = await api('POST', REMOTES, {
      name: 'via-proxy',
      url: registry.url,
      upstream_name: 'netboot/fedora',
      policy: 'on_demand',
      proxy_url: proxy.url,
      proxy_username: PROXY_USER,
      proxy_password: PROXY_PASSWORD,
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(PROXY_PASSWORD);
    expect(JSON.stringify(created.body)).not.toContain(PROXY_USER);
    expect(created.body.hidden_fields).toEqual(
      expect.arrayContaining([
        { name: 'proxy_username', is_set: true },
        { name: 'proxy_password', is_set: true },
      ]),
    );

    const { repo, task } = await sync(created.body.pulp_href, 'via-proxy');
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');
    const registryHost = new URL(registry.url).host;
    const duringSync = proxy.connects.length;
    expect(duringSync).toBeGreaterThan(0);
    expect(proxy.connects.every((c) => c.allowed && c.target === registryHost)).toBe(true);

    // On demand: the content app fetches the kernel now, through the same proxy with the same credentials.
    await api('POST', '/pulp/api/v3/distributions/netboot/oci/', { name: 'px', base_path: 'px', repository: repo });
    let res = await raw(stack.contentUrl, '/pulp/content/px/40-amd64/vmlinuz');
    for (let i = 0; res.status === 404 && i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await raw(stack.contentUrl, '/pulp/content/px/40-amd64/vmlinuz');
    }
    expect(res.status).toBe(200);
    expect(res.body.equals(kernel)).toBe(true);
    expect(proxy.connects.length).toBeGreaterThan(duringSync);
    expect(proxy.connects.every((c) => c.allowed)).toBe(true);

    const dump = execFileSync('pg_dump', ['--data-only', stack.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
    expect(dump).toContain('via-proxy');
    expect(dump).not.toContain(PROXY_PASSWORD);
    expect(dump).not.toContain(PROXY_USER);
    const logs = readFileSync(stack.prepared.config.logFile!, 'utf8');
    expect(logs).toContain('"level":20');
    expect(logs).not.toContain(PROXY_PASSWORD);
    expect(logs).not.toContain(Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64'));
  });

  it('without the proxy credentials the proxy refuses (407), so the credentials above were what let the sync in', async () => {
    const before = proxy.connects.length;
    const created = await api('POST', REMOTES, {
      name: 'no-proxy-auth',
      url: registry.url,
      upstream_name: 'netboot/fedora',
      proxy_url: proxy.url,
      max_retries: 0,
    });
    const { task } = await sync(created.body.pulp_href, 'no-proxy-auth');
    expect(task.state).toBe('failed');
    const refused = proxy.connects.slice(before);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => !c.allowed && c.authorization === undefined)).toBe(true);
  });
});

describe('remotes saved before the rule', () => {
  it('have the credentials moved out of their URLs into the sealed fields at start', async () => {
    const [row] = await stack.sql<{ id: string }>(
      `INSERT INTO remotes (name, url, upstream_name, policy, proxy_url)
       VALUES ('legacy', 'http://olduser:OldS3cret@127.0.0.1:5000', 'x/y', 'immediate', 'http://pu:Pp4ss-w0rd@127.0.0.1:3128/')
       RETURNING id`,
    );
    const dataSource = await createDataSource(stack.databaseUrl).initialize();
    try {
      // What every API process runs at start (createApiApp); twice, as two replicas would.
      const box = new SecretBox('test-secret-key-0123456789abcdef');
      await sealUrlCredentials(dataSource, box, pino({ level: 'silent' }));
      await sealUrlCredentials(dataSource, box, pino({ level: 'silent' }));
      const [sealed] = await stack.sql<{ username_enc: string; proxy_password_enc: string }>(
        'SELECT username_enc, proxy_password_enc FROM remotes WHERE id = $1',
        [row!.id],
      );
      expect(box.open(sealed!.username_enc)).toBe('olduser');
      expect(box.open(sealed!.proxy_password_enc)).toBe('Pp4ss-w0rd');
    } finally {
      await dataSource.destroy();
    }
    const shown = await api('GET', `${REMOTES}${row!.id}/`);
    expect(shown.body.url).toBe('http://127.0.0.1:5000');
    expect(shown.body.proxy_url).toBe('http://127.0.0.1:3128');
    const dump = execFileSync('pg_dump', ['--data-only', stack.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
    expect(dump).toContain('legacy');
    expect(dump).not.toContain('OldS3cret');
    expect(dump).not.toContain('Pp4ss-w0rd');
  });
});

describe('REMOTE_URL_DENY', () => {
  it('refuses a denied registry or proxy address at the API', async () => {
    const metadata = await api('POST', REMOTES, {
      name: 'metadata',
      url: 'http://169.254.169.254',
      upstream_name: 'x/y',
      proxy_url: 'http://10.255.255.1:3128',
    });
    expect(metadata.status).toBe(400);
    expect(metadata.body.errors.url.join(' ')).toMatch(/169\.254\.169\.254.*REMOTE_URL_DENY/);
    expect(metadata.body.errors.proxy_url.join(' ')).toMatch(/REMOTE_URL_DENY/);
  });

  it('is enforced by the worker at connect time for a remote stored behind the API', async () => {
    const [row] = await stack.sql<{ id: string }>(
      `INSERT INTO remotes (name, url, upstream_name, policy) VALUES ('sneaky', 'http://169.254.169.254', 'x/y', 'immediate') RETURNING id`,
    );
    const { task } = await sync(`${REMOTES}${row!.id}/`, 'sneaky');
    expect(task.state).toBe('failed');
    expect(task.error!.description).toMatch(/REMOTE_URL_DENY/);
  });
});

describe('REMOTE_URL_DENY in the registry client', () => {
  let redirector: Server;
  let target: Server;
  let redirectorUrl: string;

  beforeAll(async () => {
    // The "registry" on 127.0.0.1 sends blob downloads to 127.0.0.2, an address the deny list names.
    target = createServer((_req, res) => res.end('secret from the internal service'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.2', resolve));
    const targetPort = (target.address() as AddressInfo).port;
    redirector = createServer((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(307, { Location: `http://127.0.0.2:${targetPort}/internal` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => redirector?.close(resolve));
    await new Promise((resolve) => target?.close(resolve));
  });

  it('follows no redirect to a denied address', async () => {
    const client = new RegistryClient({ url: redirectorUrl, denyAddresses: ['127.0.0.2/32'], maxRetries: 0 });
    try {
      await client.ping();
      const chunks: Buffer[] = [];
      const sink = {
        written: 0,
        write: async (chunk: Uint8Array) => void chunks.push(Buffer.from(chunk)),
        reset: async () => void chunks.splice(0),
      };
      const attempt = client.downloadBlob('x/y', `sha256:${'a'.repeat(64)}`, sink);
      await expect(attempt).rejects.toThrow(/REMOTE_URL_DENY/);
      expect(Buffer.concat(chunks).toString()).not.toContain('secret');
    } finally {
      await client.close();
    }
  });

  it('refuses a host name that resolves to a denied address when connecting', async () => {
    const port = new URL(redirectorUrl).port;
    const client = new RegistryClient({
      url: `http://localhost:${port}`,
      denyAddresses: ['127.0.0.0/8', '::1/128'],
      maxRetries: 0,
    });
    try {
      await expect(client.ping()).rejects.toThrow(/REMOTE_URL_DENY/);
    } finally {
      await client.close();
    }
    const allowed = new RegistryClient({ url: `http://localhost:${port}`, denyAddresses: ['169.254.0.0/16'] });
    try {
      await expect(allowed.ping()).resolves.toBeUndefined();
    } finally {
      await allowed.close();
    }
  });
});
