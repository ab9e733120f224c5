import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../content/support/http';
import { Seeder } from '../content/support/seed';
import { buildNetbootArtifact, makeFile } from '../support/push';
import { type Stack, startStack } from '../support/stack';
import { exchange, openFds, openIdle, percentile } from './raw-http';

const KERNEL = makeFile(64 * 1024, 'hostile-vmlinuz');
const FILE = '/pulp/content/fedora/40-amd64/vmlinuz';
const CANARY = 'CANARY-d3b07384d113edec49eaa6238ad5ff00';
/** Text of files a traversal would reach: the canaries we plant and the usual system targets. */
const LEAKS = [CANARY, 'root:x:0:0', '[fonts]', 'BOOTDEPOT_SECRET_KEY'];

let stack: Stack;
let contentPort: number;
let apiPort: number;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  contentPort = Number(new URL(stack.contentUrl).port);
  apiPort = Number(new URL(stack.apiUrl).port);
  const seed = await Seeder.open(stack);
  const repo = await seed.repository('fedora');
  await seed.version(repo, { tags: { '40-amd64': buildNetbootArtifact({ files: { vmlinuz: KERNEL } }) } });
  await seed.distribution('fedora', repo);
  // Files a traversal could reach at every level above the blobs: the data dir and the storage root.
  writeFileSync(join(stack.dataDir, 'canary.txt'), CANARY);
  writeFileSync(join(stack.prepared.config.storagePath, 'canary.txt'), CANARY);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });

function leaked(body: Buffer): string | undefined {
  const text = body.toString('latin1');
  return LEAKS.find((needle) => text.includes(needle));
}

// Every encoding of "go up" we know of, as suffixes under a served directory; each reaches a file outside
// when a layer decodes it once more than the path check does.
const TRAVERSALS = [
  '../../../../../../etc/passwd',
  '../../../../canary.txt',
  '..%2f..%2f..%2f..%2fcanary.txt',
  '%2e%2e/%2e%2e/%2e%2e/%2e%2e/canary.txt',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fcanary.txt',
  '%2E%2E%2F%2E%2E%2Fcanary.txt',
  '%252e%252e%252f%252e%252e%252fcanary.txt',
  '%252e%252e/%252e%252e/canary.txt',
  '..%252f..%252fcanary.txt',
  '..%5c..%5c..%5ccanary.txt',
  '..\\..\\..\\..\\canary.txt',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/canary.txt',
  '%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afcanary.txt',
  '%e0%80%ae%e0%80%ae/canary.txt',
  '..%c0%af..%c0%afcanary.txt',
  '..%c1%9c..%c1%9ccanary.txt',
  '%u002e%u002e/canary.txt',
  'vmlinuz%00',
  'vmlinuz%00.txt',
  '%00/../canary.txt',
  '.%2e/.%2e/canary.txt',
  '..;/..;/canary.txt',
  'vmlinuz/../../../canary.txt',
  '/%2e%2e/%2e%2e/canary.txt',
  '%2f%2fetc%2fpasswd',
  '/etc/passwd',
];

const BASES = [
  '/pulp/content/fedora/40-amd64/',
  '/pulp/content/fedora/',
  '/pulp/content/',
  '/v2/fedora/blobs/',
  '/v2/fedora/manifests/',
  '/v2/',
];

// Opened first and checked last: the server's header timeout needs 30-60 s, which the other tests fill.
const IDLE = Number(process.env.HOSTILE_IDLE_CONNECTIONS ?? 2000);
const silent: Socket[] = [];
const kept: Socket[] = [];
let baseline = 0;
let openedAt = 0;

const closed = (sockets: Socket[]) => sockets.filter((s) => s.destroyed || s.readyState === 'closed').length;

async function openMany(n: number, into: Socket[]) {
  for (let i = 0; i < n; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => openIdle(contentPort)));
    for (const socket of batch) {
      socket.on('error', () => undefined);
      // Flowing, so 'end' (the server closing) is seen even with unread response bytes.
      socket.resume();
      socket.on('end', () => socket.destroy());
      into.push(socket);
    }
  }
}

describe('many idle connections', () => {
  it(`holds ${IDLE} idle connections with bounded descriptors and stays responsive`, async () => {
    baseline = openFds();
    openedAt = Date.now();
    // Half never send a byte; half send one keep-alive request and then go quiet.
    await openMany(IDLE / 2, silent);
    await openMany(IDLE / 2, kept);
    for (const socket of kept) socket.write(`HEAD ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const during = openFds();
    // Two descriptors per connection (ours and the server's), nothing more per connection.
    expect(during - baseline).toBeLessThanOrEqual(IDLE * 2 + 100);

    const latencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const res = await get(FILE, { range: 'bytes=0-4095' });
      latencies.push(performance.now() - t0);
      expect(res.status).toBe(206);
    }
    console.log(
      `idle connections: ${IDLE} open, fds ${baseline} → ${during}; ` +
        `ranged GET p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    expect(percentile(latencies, 99)).toBeLessThan(1000);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('closes keep-alive connections that go quiet after a request (keepAliveTimeout)', async () => {
    const deadline = Date.now() + 15_000;
    while (closed(kept) < kept.length && Date.now() < deadline) await sleep(250);
    expect(closed(kept)).toBe(kept.length);
  });
});

describe('path traversal', () => {
  it('answers 404 for every encoding under /pulp/content and /v2, and never returns a file outside', async () => {
    const unexpected: string[] = [];
    for (const base of BASES) {
      for (const suffix of TRAVERSALS) {
        const res = await get(`${base}${suffix}`);
        expect(leaked(res.body), `${base}${suffix}`).toBeUndefined();
        // The registry API answers a malformed digest or name as the OCI spec says: 400 with its error code.
        const ociRefusal = base.startsWith('/v2/') && res.status === 400 && /_INVALID"/.test(res.body.toString());
        if (res.status !== 404 && !ociRefusal) unexpected.push(`${res.status} ${base}${suffix}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The file itself is still served: the refusals are not a broken route.
    expect((await get(FILE)).body.equals(KERNEL)).toBe(true);
  });

  it('refuses raw NUL, backslash and absolute-form request targets at the socket', async () => {
    const targets = [
      '/pulp/content/fedora/40-amd64/vmlinuz\u0000.txt',
      '/pulp/content/fedora/40-amd64/..\\..\\..\\..\\canary.txt',
      'http://127.0.0.1/pulp/content/../../canary.txt',
      'file:///etc/passwd',
      '*',
      '../../canary.txt',
    ];
    for (const target of targets) {
      const res = await exchange(contentPort, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(res.statuses.length, target).toBeLessThanOrEqual(1);
      expect([400, 404], target).toContain(res.statuses[0]);
      expect(leaked(Buffer.from(res.data, 'latin1')), target).toBeUndefined();
    }
  });
});

describe('absurd Range headers', () => {
  const size = KERNEL.length;
  // [header, expected status]; 200 means "ignored, whole file", as RFC 9110 allows for what it cannot parse.
  const cases: [string, number][] = [
    ['bytes=99999999999999999999-', 416],
    ['bytes=9007199254740993-9007199254740999', 416],
    [`bytes=${size}-`, 416],
    ['bytes=-0', 416],
    ['bytes=0-99999999999999999999', 206],
    ['bytes=-99999999999999999999', 206],
    ['bytes=5-1', 200],
    ['bytes=-5--1', 200],
    ['bytes=1e3-2e3', 200],
    ['bytes=0x10-0x20', 200],
    ['bytes= 0 - 1', 200],
    ['bytes=', 200],
    ['bytes=-', 200],
    ['bytes=,,,,', 200],
    ['pages=0-1', 200],
    ['bytes=0-0,' + '0-0,'.repeat(2000) + '0-0', 200],
    ['bytes=' + Array.from({ length: 1000 }, (_, i) => `${i * 2}-${i * 2}`).join(','), 200],
    ['bytes=' + Array.from({ length: 32 }, () => '0-0').join(','), 206],
    ['bytes=0-1,1-2,2-3,3-4', 206],
  ];

  it.each(cases)('%s → %i', async (range, expected) => {
    const res = await get(FILE, { range });
    expect(res.status).toBe(expected);
    if (expected === 200) expect(res.body.equals(KERNEL)).toBe(true);
    if (expected === 416) expect(res.headers['content-range']).toBe(`bytes */${size}`);
    if (expected === 206) {
      const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(String(res.headers['content-range']))!;
      expect(res.body.equals(KERNEL.subarray(Number(start), Number(end) + 1))).toBe(true);
    }
  });

  it('answers a Range header too large to parse with 431, and keeps serving', async () => {
    const res = await get(FILE, { range: 'bytes=' + '0-0,'.repeat(10_000) + '0-0' });
    expect(res.status).toBe(431);
    expect((await get(FILE)).status).toBe(200);
  });

  it('handles duplicated Range headers on the wire without answering twice', async () => {
    const res = await exchange(
      contentPort,
      `GET ${FILE} HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nRange: bytes=5-9\r\nConnection: close\r\n\r\n`,
    );
    expect(res.statuses).toHaveLength(1);
    expect([200, 206, 416]).toContain(res.statuses[0]);
  });
});

// Each payload smuggles `GET /smuggled` inside what a lenient parser would read as one request. A safe server
// refuses the message (400) or closes; it never answers the smuggled request as a second response.
function smugglingPayloads(path: string): Record<string, string> {
  const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  return {
    'Content-Length and Transfer-Encoding': `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    'Transfer-Encoding then Content-Length': `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n${smuggled}`,
    'two different Content-Lengths': `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
    'two equal Content-Lengths': `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok${smuggled}`,
    'Content-Length list': `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0, ${smuggled.length}\r\n\r\n${smuggled}`,
    'two Transfer-Encodings': `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${smuggled}`,
    'obfuscated Transfer-Encoding': `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 0\r\n\r\n${smuggled}`,
    'space before colon': `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 0\r\n\r\n${smuggled}`,
    'obs-fold Transfer-Encoding': `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n${smuggled}`,
    'obs-fold header': `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n`,
    'bare LF line ends': `GET ${path} HTTP/1.1\nHost: x\nContent-Length: ${smuggled.length}\n\n${smuggled}`,
    'chunk size overflow': `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff1\r\nx\r\n0\r\n\r\n${smuggled}`,
    'negative Content-Length': `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n${smuggled}`,
    'NUL in a header': `GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n${smuggled}`,
  };
}

describe.each([
  ['content', () => contentPort, FILE],
  ['api', () => apiPort, '/pulp/api/v3/status/'],
])('request smuggling on the %s port', (_name, port, path) => {
  it.each(Object.keys(smugglingPayloads('/')))('%s: refused or closed, never two responses', async (name) => {
    const res = await exchange(port(), smugglingPayloads(path)[name]!);
    expect(res.data).not.toContain('/smuggled');
    // One request was sent; a second status line would be the smuggled one answered.
    expect(res.statuses.length, res.data.slice(0, 200)).toBeLessThanOrEqual(1);
    if (res.statuses[0] !== 400) expect(res.closedByServer || res.statuses.length === 1).toBe(true);
    // Anything a lenient parser might have let through must not have been answered as a request of its own.
    expect(res.statuses.filter((s) => s !== 400).length).toBeLessThanOrEqual(1);
  });
});

describe('many idle connections, at the end', () => {
  it('closes connections that never sent a request (headersTimeout), within a minute', async () => {
    // headersTimeout is 30 s and Node checks it every 30 s: closed between 30 and 60 s after opening.
    const deadline = openedAt + 75_000;
    while (closed(silent) < silent.length && Date.now() < deadline) await sleep(500);
    const after = openFds();
    console.log(
      `silent connections closed by the server after ${((Date.now() - openedAt) / 1000).toFixed(1)} s; fds now ${after}`,
    );
    expect(closed(silent)).toBe(silent.length);
    expect(after - baseline).toBeLessThan(100);
  }, 90_000);

  afterAll(() => {
    for (const socket of [...silent, ...kept]) socket.destroy();
  });
});
