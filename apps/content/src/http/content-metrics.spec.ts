import { ClientAddressResolver } from '@app/core';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentResolver } from '../resolve/content-resolver';
import { AccessLog } from './access-log';
import { ContentMetrics } from './content-metrics';
import { ContentResponse, settleOnClose } from './content-response';

const BODY = Buffer.alloc(4096, 'x');
const BIG = 8 * 1024 * 1024;

/**
 * The metrics and the access line of a real node:http server built as the content app builds its listeners
 * (ContentResponse, `settleOnClose` per connection): every request counted exactly once, whether it finished, was
 * cut by its client or destroyed by the app, and its bytes as the client received them.
 */
describe('ContentMetrics over real connections', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', base: { role: 'content', pid: 7 } },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  const metrics = new ContentMetrics(
    { stats: { hits: 0, misses: 0 } } as ContentResolver,
    new AccessLog(logger, new ClientAddressResolver([])),
  );
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer({ ServerResponse: ContentResponse }, (req: IncomingMessage, res: ContentResponse) => {
      metrics.observe(res);
      if (req.url === '/pulp/content/small') {
        res.writeHead(200, ['Content-Length', String(BODY.length)]);
        res.end(BODY);
      } else if (req.url === '/pulp/content/big') {
        // The first 64 KiB of a large file, and nothing more until the client has left.
        res.writeHead(200, ['Content-Length', String(BIG)]);
        res.write(Buffer.alloc(64 * 1024, 'y'));
      } else if (req.url === '/pulp/content/broken') {
        res.writeHead(200, ['Content-Length', '10']);
        res.write('abc', () => res.destroy());
      } else {
        res.writeHead(404, ['Content-Length', '0']);
        res.end();
      }
    });
    server.on('connection', settleOnClose);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function counters(): Promise<{ requests: Record<string, number>; bytes: number }> {
    const text = await metrics.registry.metrics();
    const requests: Record<string, number> = {};
    for (const [, labels, value] of text.matchAll(/^bootdepot_content_requests_total\{([^}]*)\} (\d+)$/gm)) {
      requests[labels.replace(/,?role="[^"]*"/, '')] = Number(value);
    }
    const bytes = /^bootdepot_content_bytes_served_total\{[^}]*area="files"[^}]*\} (\d+)$/m.exec(text);
    return { requests, bytes: bytes ? Number(bytes[1]) : 0 };
  }

  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nUser-Agent: spec\r\n\r\n`;

  it('counts each keep-alive request once, with the bytes the client received, when its response finished', async () => {
    const before = await counters();
    const socket = await open();
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.write(request('/pulp/content/small') + request('/pulp/content/small') + request('/pulp/content/nope'));
    await expect.poll(() => lines.filter((line) => line.url === '/pulp/content/nope').length).toBe(1);
    // All three answered and logged while the connection is still open: counted when finished, not at close.
    const open3 = await counters();
    expect(open3.requests['area="files",method="GET",status="200"'] ?? 0).toBe(
      (before.requests['area="files",method="GET",status="200"'] ?? 0) + 2,
    );
    expect(open3.requests['area="files",method="GET",status="404"'] ?? 0).toBe(
      (before.requests['area="files",method="GET",status="404"'] ?? 0) + 1,
    );
    expect(open3.bytes - before.bytes).toBe(received);
    const logged = lines.slice(-3);
    expect(logged.map((line) => [line.status, line.complete])).toEqual([
      [200, true],
      [200, true],
      [404, true],
    ]);
    expect(logged[0].bytes).toBe(received - (logged[1].bytes as number) - (logged[2].bytes as number));
    // Closing the connection afterwards counts nothing again.
    socket.destroy();
    await new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counters()).toEqual(open3);
  });

  it('counts a response its client left once, when the connection closes, as incomplete', async () => {
    const before = await counters();
    const socket = await open();
    socket.write(request('/pulp/content/big'));
    await new Promise((resolve) => socket.once('data', resolve));
    socket.destroy();
    await expect.poll(() => lines.filter((line) => line.url === '/pulp/content/big').length).toBe(1);
    const after = await counters();
    expect(after.requests['area="files",method="GET",status="200"']).toBe(
      (before.requests['area="files",method="GET",status="200"'] ?? 0) + 1,
    );
    const line = lines.find((entry) => entry.url === '/pulp/content/big')!;
    expect(line.complete).toBe(false);
    expect(line.bytes as number).toBeGreaterThan(64 * 1024);
    expect(line.bytes as number).toBeLessThan(BIG);
    expect(after.bytes - before.bytes).toBe(line.bytes);
  });

  it('counts a response the app destroyed once', async () => {
    const before = await counters();
    const socket = await open();
    socket.on('error', () => undefined);
    socket.resume();
    socket.write(request('/pulp/content/broken'));
    await new Promise((resolve) => socket.once('close', resolve));
    await expect.poll(() => lines.filter((line) => line.url === '/pulp/content/broken').length).toBe(1);
    const line = lines.find((entry) => entry.url === '/pulp/content/broken')!;
    expect(line).toMatchObject({ status: 200, complete: false });
    const after = await counters();
    expect(after.requests['area="files",method="GET",status="200"']).toBe(
      (before.requests['area="files",method="GET",status="200"'] ?? 0) + 1,
    );
  });
});
