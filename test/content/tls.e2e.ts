import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributionsNetbootOciCreate,
  distributionsNetbootOciRead,
  distributionsNetbootOciSign,
} from '../../openapi/client/sdk.gen';
import { requireFreshBuild } from '../support/fresh-build';
import { buildNetbootArtifact, makeFile } from '../support/push';
import { freePort } from '../support/registry';
import { idOf, type Stack, startStack } from '../support/stack';
import { issueServerCertificate, makeTestCa, type ServerCertificate, type TestCa } from '../support/tls-pki';
import { stackEnv } from '../support/worker-process';
import { header, raw, type RawResponse } from './support/http';
import { sentBySendfile } from '../../apps/content/src/http/testing/sent-by-sendfile';
import { Seeder } from './support/seed';

const KiB = 1024;
const MiB = 1024 * KiB;
const HANDSHAKE_TIMEOUT_MS = 1_500;
const ORIGIN = 'https://boot.example.test:24826';

interface TlsResponse extends RawResponse {
  protocol: string | null;
  cipher: string;
  peer: PeerCertificate;
}

/** One HTTPS request on a fresh connection, trusting only `ca`; reports what TLS was negotiated. */
function tlsGet(url: string, ca: string, options: RequestOptions = {}): Promise<TlsResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(url, { ca, agent: false, ...options }, (res) => {
      const socket = res.socket as TLSSocket;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolvePromise({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks),
          protocol: socket.getProtocol(),
          cipher: socket.getCipher().name,
          peer: socket.getPeerCertificate(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TLS connection with these client settings; resolves with the negotiated cipher or the failure. */
function handshake(port: number, ca: string, options: Record<string, unknown>): Promise<string> {
  return new Promise((done) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...options }, () => {
      done(`ok ${socket.getProtocol()} ${socket.getCipher().name}`);
      socket.destroy();
    });
    socket.on('error', (error: Error & { code?: string }) => done(`failed ${error.code ?? error.message}`));
  });
}

/** Sends `bytes` to a raw TCP connection and resolves with how long the server took to close it. */
function closedAfter(port: number, bytes: Buffer | null, limitMs: number): Promise<{ ms: number; answer: Buffer }> {
  return new Promise((done, reject) => {
    const started = Date.now();
    const socket = netConnect(port, '127.0.0.1', () => bytes && socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => done({ ms: Date.now() - started, answer: Buffer.concat(chunks) }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${limitMs} ms`));
    }, limitMs).unref();
  });
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
/** Headers that must not differ between HEAD and GET (Date and connection handling aside). */
const comparable = (res: RawResponse) =>
  Object.fromEntries(
    Object.entries(res.headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
  );

describe('content app over HTTPS (CONTENT_TLS_CERT / CONTENT_TLS_KEY)', () => {
  let dir: string;
  let ca: TestCa;
  let otherCa: TestCa;
  let server: ServerCertificate;
  let stack: Stack;
  let base: string;
  let tlsPort: number;
  const files = {
    vmlinuz: makeFile(300 * KiB, 'tls-kernel'),
    'initrd.img': makeFile(2 * MiB, 'tls-initrd'),
    'uki.efi': makeFile(64 * KiB, 'tls-uki'),
    'boot.iso': makeFile(MiB + 3, 'tls-iso'),
    'efiboot.img': makeFile(32 * KiB, 'tls-esp'),
    'install.img': makeFile(48 * KiB, 'tls-stage2'),
  };
  const big = makeFile(32 * MiB, 'tls-big');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-tls-'));
    ca = makeTestCa(dir, 'bootdepot-test-ca');
    otherCa = makeTestCa(dir, 'some-other-ca');
    server = issueServerCertificate(dir, ca, 'content', ['DNS:localhost', 'IP:127.0.0.1']);
    stack = await startStack({
      worker: false,
      env: { CONTENT_TLS_CERT: server.cert, CONTENT_TLS_KEY: server.key, CONTENT_ORIGIN: ORIGIN },
      content: { tlsHandshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS },
    });
    base = stack.contentTlsUrl!;
    tlsPort = Number(new URL(base).port);
    const seed = await Seeder.open(stack);
    const repo = await seed.repository('tls');
    await seed.version(repo, {
      tags: {
        '40-amd64': buildNetbootArtifact({ files }),
        big: buildNetbootArtifact({ files: { 'big.iso': big } }),
      },
    });
    await seed.distribution('tls', repo, { kernelArgs: 'console=ttyS0' });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the same files over HTTPS as over HTTP, with the types UEFI HTTP boot acts on', async () => {
    for (const [title, bytes] of Object.entries(files)) {
      const res = await tlsGet(`${base}/pulp/content/tls/40-amd64/${title}`, ca.pem);
      expect(res.status, title).toBe(200);
      expect(res.body.equals(bytes), title).toBe(true);
      const plain = await raw(stack.contentUrl, `/pulp/content/tls/40-amd64/${title}`);
      expect(header(res, 'content-type'), title).toBe(header(plain, 'content-type'));
    }
    const typeOf = async (title: string) =>
      header(await tlsGet(`${base}/pulp/content/tls/40-amd64/${title}`, ca.pem, { method: 'HEAD' }), 'content-type');
    expect(await typeOf('uki.efi')).toBe('application/efi');
    expect(await typeOf('boot.iso')).toBe('application/vnd.efi-iso');
    expect(await typeOf('efiboot.img')).toBe('application/vnd.efi-img');
    expect(await typeOf('initrd.img')).toBe('application/octet-stream');
    expect(await typeOf('install.img')).toBe('application/octet-stream');
  });

  it('sends stored files over TLS through its buffers, and over plain HTTP by sendfile', async () => {
    const overTls = await sentBySendfile(async () => {
      expect((await tlsGet(`${base}/pulp/content/tls/big/big.iso`, ca.pem)).body.equals(big)).toBe(true);
    }, 0);
    // The process must encrypt the bytes: none went by sendfile.
    expect(overTls).toBe(0);
    const plain = await sentBySendfile(async () => {
      expect((await raw(stack.contentUrl, '/pulp/content/tls/big/big.iso')).body.equals(big)).toBe(true);
    }, big.length / 2);
    expect(plain).toBeGreaterThan(big.length / 2);
  });

  it('answers HEAD exactly as GET (the firmware HEADs first for the size)', async () => {
    for (const path of ['40-amd64/boot.iso', '40-amd64/uki.efi', '40-amd64/boot.ipxe', '40-amd64/.treeinfo']) {
      const url = `${base}/pulp/content/tls/${path}`;
      const get = await tlsGet(url, ca.pem);
      const head = await tlsGet(url, ca.pem, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      expect(comparable(head), path).toEqual(comparable(get));
      expect(Number(header(head, 'content-length')), path).toBe(get.body.length);
      expect(head.body.length, path).toBe(0);
    }
  });

  it('honours Range, conditional requests, /v2/ and /metrics over HTTPS', async () => {
    const url = `${base}/pulp/content/tls/40-amd64/boot.iso`;
    const part = await tlsGet(url, ca.pem, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(header(part, 'content-range')).toBe(`bytes 100-199/${files['boot.iso'].length}`);
    expect(part.body.equals(files['boot.iso'].subarray(100, 200))).toBe(true);
    const etag = header(part, 'etag')!;
    expect((await tlsGet(url, ca.pem, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const tags = await tlsGet(`${base}/v2/tls/tags/list`, ca.pem);
    expect(JSON.parse(tags.body.toString()).tags.sort()).toEqual(['40-amd64', 'big']);
    const metrics = await tlsGet(`${base}/metrics`, ca.pem);
    expect(metrics.body.toString()).toMatch(
      /bootdepot_content_requests_total\{area="files",method="GET",status="206"[,}]/,
    );
  });

  it('generated boot files carry the https origin', async () => {
    const ipxe = (await tlsGet(`${base}/pulp/content/tls/40-amd64/boot.ipxe`, ca.pem)).body.toString();
    expect(ipxe).toMatch(
      new RegExp(`^kernel ${ORIGIN}/pulp/content/tls/sha256:[0-9a-f]{64}/images/pxeboot/vmlinuz `, 'm'),
    );
    expect(ipxe).toMatch(new RegExp(`inst\\.stage2=${ORIGIN}/pulp/content/tls/sha256:[0-9a-f]{64}/`));
    expect(ipxe).toMatch(new RegExp(`inst\\.repo=${ORIGIN}/pulp/content/tls/sha256:[0-9a-f]{64}/`));
    const grub = (await tlsGet(`${base}/pulp/content/tls/40-amd64/grub.cfg`, ca.pem)).body.toString();
    expect(grub).toContain('(https,boot.example.test:24826)/pulp/content/tls/sha256:');
    const { data } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'tls-api', base_path: 'tls-api', repository: await repoHref() },
      throwOnError: true,
    });
    expect(data.base_url).toBe(`${ORIGIN}/pulp/content/tls-api/`);
  });

  async function repoHref(): Promise<string> {
    const [row] = await stack.sql<{ id: string }>(`SELECT id FROM repositories WHERE name = 'tls'`);
    return `/pulp/api/v3/repositories/netboot/oci/${row!.id}/`;
  }

  it('offers TLS 1.2 and 1.3 with ECDHE or DHE + AES-GCM, and nothing older or weaker', async () => {
    expect(await handshake(tlsPort, ca.pem, { maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' })).toMatch(/^ok TLSv1\.3 /);
    // DHE-RSA: what UEFI firmware without elliptic curves (OVMF 2022.11) can do with forward secrecy.
    for (const cipher of [
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'DHE-RSA-AES128-GCM-SHA256',
      'DHE-RSA-AES256-GCM-SHA384',
    ]) {
      expect(await handshake(tlsPort, ca.pem, { maxVersion: 'TLSv1.2', ciphers: cipher })).toBe(`ok TLSv1.2 ${cipher}`);
    }
    // CBC and static-RSA key exchange: the server answers with a handshake_failure alert.
    for (const cipher of [
      'AES128-SHA256',
      'AES128-GCM-SHA256',
      'AES256-GCM-SHA384',
      'ECDHE-RSA-AES128-SHA',
      'DHE-RSA-AES128-SHA256',
    ]) {
      expect(await handshake(tlsPort, ca.pem, { maxVersion: 'TLSv1.2', ciphers: cipher }), cipher).toBe(
        'failed ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      );
    }
    // TLS 1.0/1.1 offered by a client that would take them: the server's protocol_version alert.
    expect(
      await handshake(tlsPort, ca.pem, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }),
    ).toBe('failed ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    // A client trusting another CA refuses the certificate.
    expect(await handshake(tlsPort, otherCa.pem, {})).toMatch(/^failed .*(UNABLE_TO|SELF_SIGNED|VERIFY)/);
  });

  it('survives garbage, plain HTTP and stalled handshakes: each costs one socket for at most the timeout', async () => {
    const garbage = await closedAfter(tlsPort, Buffer.from('\x16\x03\x01\xff\xff garbage garbage'), 5_000);
    expect(garbage.ms).toBeLessThan(2_000);
    const plain = await closedAfter(tlsPort, Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), 5_000);
    expect(plain.answer.toString()).not.toContain('200 OK');
    // Connects and says nothing: dropped once the handshake timeout passes, not before.
    const stalled = await closedAfter(tlsPort, null, HANDSHAKE_TIMEOUT_MS + 5_000);
    expect(stalled.ms).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS - 100);
    // Many at once change nothing for a real client.
    await Promise.all(Array.from({ length: 50 }, () => closedAfter(tlsPort, Buffer.from('\x00'.repeat(64)), 5_000)));
    const res = await tlsGet(`${base}/pulp/content/tls/40-amd64/uki.efi`, ca.pem);
    expect(res.status).toBe(200);
  });

  it('serves a private distribution over HTTPS with a signed URL or a token, and refuses without', async () => {
    const { data: dist } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'tls-private', base_path: 'tls-private', repository: await repoHref(), private: true },
      throwOnError: true,
    });
    const path = '/pulp/content/tls-private/40-amd64/uki.efi';
    expect((await tlsGet(`${base}${path}`, ca.pem)).status).toBe(401);
    const { data: signed } = await distributionsNetbootOciSign({
      client: stack.client,
      path: { id: idOf(dist.pulp_href) },
      body: { expires_in: 60 },
      throwOnError: true,
    });
    const res = await tlsGet(`${base}${path}?${signed.query}`, ca.pem);
    expect(res.status).toBe(200);
    expect(res.body.equals(files['uki.efi'])).toBe(true);
  });

  it('an https_only distribution refuses plain HTTP with 403 naming the https URL, and serves over HTTPS', async () => {
    const { data: dist } = await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'tls-strict', base_path: 'tls-strict', repository: await repoHref(), https_only: true },
      throwOnError: true,
    });
    expect(dist.https_only).toBe(true);
    expect(dist.base_url).toBe(`${ORIGIN}/pulp/content/tls-strict/`);
    const path = '/pulp/content/tls-strict/40-amd64/uki.efi';
    const refused = await raw(stack.contentUrl, path);
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain(`${ORIGIN}${path}`);
    expect((await raw(stack.contentUrl, '/v2/tls-strict/tags/list')).status).toBe(403);
    const served = await tlsGet(`${base}${path}`, ca.pem);
    expect(served.status).toBe(200);
    // The plain distribution next to it still answers over HTTP.
    expect((await raw(stack.contentUrl, '/pulp/content/tls/40-amd64/uki.efi')).status).toBe(200);
    const { data: read } = await distributionsNetbootOciRead({
      client: stack.client,
      path: { id: idOf(dist.pulp_href) },
      throwOnError: true,
    });
    expect(read.https_only).toBe(true);
  });

  it('picks up a renewed certificate without a restart, and a transfer in flight finishes on the old one', async () => {
    const before = await tlsGet(`${base}/healthz`, ca.pem);
    expect(before.peer.fingerprint256).toBe(fingerprint(server.pem));
    // A download that stops reading after its first bytes stays open across the renewal, on the old session.
    let release = () => {};
    let received = 0;
    const inFlight = new Promise<{ body: Buffer; peer: string }>((done, reject) => {
      const req = httpsRequest(`${base}/pulp/content/tls/big/big.iso`, { ca: ca.pem, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        const peer = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (chunks.length === 1) res.pause();
        });
        release = () => res.resume();
        res.on('end', () => done({ body: Buffer.concat(chunks), peer }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    while (received === 0) await sleep(20);
    const renewed = issueServerCertificate(join(dir, 'renewed'), ca, 'content', ['DNS:localhost', 'IP:127.0.0.1']);
    copyFileSync(renewed.key, server.key);
    copyFileSync(renewed.cert, server.cert);
    const deadline = Date.now() + 10_000;
    let seen = before.peer.fingerprint256;
    while (seen !== fingerprint(renewed.pem) && Date.now() < deadline) {
      await sleep(250);
      seen = (await tlsGet(`${base}/healthz`, ca.pem)).peer.fingerprint256;
    }
    expect(seen).toBe(fingerprint(renewed.pem));
    expect(received).toBeLessThan(big.length);
    release();
    const { body, peer } = await inFlight;
    expect(peer).toBe(fingerprint(server.pem));
    expect(body.length).toBe(big.length);
    expect(body.equals(big)).toBe(true);
    // The files the content app watches keep their paths; their content is now the renewed pair.
    server = { ...server, pem: renewed.pem };
  });

  it('keeps the working certificate when the renewed files do not load (half-written, mismatched key)', async () => {
    const other = issueServerCertificate(join(dir, 'mismatch'), ca, 'content', ['DNS:localhost']);
    copyFileSync(other.key, server.key); // key of another certificate
    expect(stack.content.reloadTls()).toBe(false);
    const res = await tlsGet(`${base}/healthz`, ca.pem);
    expect(res.status).toBe(200);
    expect(res.peer.fingerprint256).toBe(fingerprint(server.pem));
    copyFileSync(other.cert, server.cert);
    expect(stack.content.reloadTls()).toBe(true);
    expect((await tlsGet(`${base}/healthz`, ca.pem, { servername: 'localhost' })).peer.fingerprint256).toBe(
      fingerprint(other.pem),
    );
  });
});

/** The real entry point: HTTPS only (CONTENT_PORT=0), two cluster workers, a renewal announced by SIGHUP. */
describe('content app entry point with CONTENT_PORT=0 and CONTENT_WORKERS=2', () => {
  let dir: string;
  let ca: TestCa;
  let server: ServerCertificate;
  let stack: Stack;
  let primary: ChildProcess;
  let log = '';
  let httpPort: number;
  let base: string;
  const kernel = makeFile(200 * KiB, 'tls-cluster-kernel');

  async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log:\n${log.slice(-3000)}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    // The real entry point: a missing or stale build fails here, loudly, instead of skipping the suite.
    const main = requireFreshBuild('dist/apps/content/src/main.js');
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-tls-cluster-'));
    ca = makeTestCa(dir, 'cluster-ca');
    server = issueServerCertificate(dir, ca, 'content', ['IP:127.0.0.1']);
    stack = await startStack({ worker: false });
    const seed = await Seeder.open(stack);
    const repo = await seed.repository('tlscluster');
    await seed.version(repo, { tags: { '40-amd64': buildNetbootArtifact({ files: { vmlinuz: kernel } }) } });
    await seed.distribution('tlscluster', repo);
    httpPort = await freePort();
    const tlsPort = await freePort();
    base = `https://127.0.0.1:${tlsPort}`;
    primary = spawn(process.execPath, [main], {
      env: stackEnv(stack, {
        CONTENT_PORT: '0',
        CONTENT_TLS_PORT: String(tlsPort),
        CONTENT_TLS_CERT: server.cert,
        CONTENT_TLS_KEY: server.key,
        CONTENT_WORKERS: '2',
        BIND_HOST: '127.0.0.1',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-200_000));
    primary.stdout!.on('data', keep);
    primary.stderr!.on('data', keep);
    process.once('exit', () => primary.kill('SIGKILL'));
    await until('both workers listening on HTTPS', () => (log.match(/"scheme":"https"/g) ?? []).length >= 2);
  });

  afterAll(async () => {
    if (primary && primary.exitCode === null) {
      const exited = new Promise((done) => primary.once('exit', done));
      primary.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves over HTTPS only: nothing listens on a plain port', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await tlsGet(`${base}/pulp/content/tlscluster/40-amd64/vmlinuz`, ca.pem);
      expect(res.status).toBe(200);
      expect(res.body.equals(kernel)).toBe(true);
    }
    expect(log).not.toContain('"scheme":"http"');
    await expect(raw(`http://127.0.0.1:${httpPort}`, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on SIGHUP every worker loads the renewed certificate', async () => {
    const renewed = issueServerCertificate(join(dir, 'renewed'), ca, 'content', ['IP:127.0.0.1']);
    copyFileSync(renewed.key, server.key);
    copyFileSync(renewed.cert, server.cert);
    primary.kill('SIGHUP');
    await until('both workers reloaded', () => (log.match(/"reason":"reload requested"/g) ?? []).length >= 2);
    for (let i = 0; i < 8; i++) {
      const res = await tlsGet(`${base}/healthz`, ca.pem);
      expect(res.peer.fingerprint256).toBe(fingerprint(renewed.pem));
    }
    expect(primary.exitCode).toBe(null);
    expect(readFileSync(server.cert, 'utf8')).toBe(renewed.pem);
  });
});
