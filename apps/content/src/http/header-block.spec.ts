import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentResponse } from './content-response';
import { HeaderBlock } from './header-block';

const body = Buffer.from('pxelinux bytes\n');
// Content-Length last: a block sends it after the other lines, so both ways give the same bytes for this list.
const list = Object.freeze([
  'Accept-Ranges',
  'bytes',
  'ETag',
  '"sha256:abc"',
  'Cache-Control',
  'public, max-age=30, must-revalidate',
  'Content-Type',
  'application/octet-stream',
  'X-Content-Type-Options',
  'nosniff',
  'Content-Length',
  String(body.length),
]);

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** A server answering `/list` with `writeHead(200, list)` and `/block` with the block of the same list. */
async function serve(): Promise<number> {
  const block = HeaderBlock.of(list)!;
  expect(block).not.toBeNull();
  server = createServer({ ServerResponse: ContentResponse }, (req, res) => {
    const response = res as ContentResponse;
    if (req.url === '/set-before') {
      response.setHeader('X-Early', 'yes');
      response.writeBlock(200, block, list);
    } else if (req.url!.startsWith('/block')) response.writeBlock(200, block, list);
    else response.writeHead(200, list as string[]);
    response.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Everything the server sends for `requests` (written at once) until it closes the connection, Date blanked. */
function transcript(port: number, requests: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(requests));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/^Date: .*$/gm, 'Date: -'),
      ),
    );
  });
}

/** Request shapes whose connection handling node:http decides per response; the last request of each closes. */
const shapes: Record<string, (path: string) => string> = {
  'HTTP/1.1, keep-alive then close': (path) =>
    `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\nGET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
  'HTTP/1.0': (path) => `GET ${path} HTTP/1.0\r\n\r\n`,
  'HTTP/1.0 with keep-alive, then HTTP/1.0': (path) =>
    `GET ${path} HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET ${path} HTTP/1.0\r\n\r\n`,
  'HEAD, then GET with close': (path) =>
    `HEAD ${path} HTTP/1.1\r\nHost: a\r\n\r\nGET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
};

describe('HeaderBlock', () => {
  for (const [shape, requests] of Object.entries(shapes)) {
    it(`sends the very bytes node:http sends for the list: ${shape}`, async () => {
      const port = await serve();
      const viaList = await transcript(port, requests('/list'));
      const viaBlock = await transcript(port, requests('/block'));
      expect(viaList).toContain('HTTP/1.1 200 OK\r\n');
      expect(viaBlock).toBe(viaList);
    });
  }

  it('leaves Date, Connection and Keep-Alive to node:http, and Content-Length to it once', async () => {
    const port = await serve();
    const answer = await transcript(port, 'GET /block HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const lines = answer.split('\r\n\r\n')[0].split('\r\n');
    expect(lines).toEqual([
      'HTTP/1.1 200 OK',
      'Accept-Ranges: bytes',
      'ETag: "sha256:abc"',
      'Cache-Control: public, max-age=30, must-revalidate',
      'Content-Type: application/octet-stream',
      'X-Content-Type-Options: nosniff',
      `Content-Length: ${body.length}`,
      'Date: -',
      'Connection: close',
    ]);
    expect(answer.endsWith(`\r\n\r\n${body.toString()}`)).toBe(true);
  });

  it('takes the whole list through node:http when a header was set before', async () => {
    const port = await serve();
    const answer = await transcript(port, 'GET /set-before HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(answer).toContain('X-Early: yes\r\n');
    expect(answer).toContain('ETag: "sha256:abc"\r\n');
    expect(answer.match(/Content-Length/g)).toHaveLength(1);
  });

  it('prepares only lists node:http would only copy: one Content-Length, no framing or connection fields', () => {
    expect(HeaderBlock.of(['ETag', '"x"', 'Content-Length', '1'])?.text).toBe('ETag: "x"\r\n');
    expect(HeaderBlock.of(['ETag', '"x"', 'Content-Length', '1'])?.rest).toEqual(['Content-Length', '1']);
    expect(HeaderBlock.of(['ETag', '"x"'])).toBeNull();
    expect(HeaderBlock.of(['Content-Length', '1', 'content-length', '1'])).toBeNull();
    for (const name of ['Connection', 'Transfer-Encoding', 'Date', 'Expect', 'Trailer', 'Keep-Alive'])
      expect(HeaderBlock.of([name, 'x', 'Content-Length', '1'])).toBeNull();
    expect(HeaderBlock.of(['Content-Disposition', 'attachment', 'Content-Length', '1'])).toBeNull();
    // Invalid names and values stay node:http's to refuse, in writeHead, as for any list.
    expect(HeaderBlock.of(['Bad Name', 'x', 'Content-Length', '1'])).toBeNull();
    expect(HeaderBlock.of(['X-Split', 'a\r\nInjected: 1', 'Content-Length', '1'])).toBeNull();
    expect(HeaderBlock.of(['Content-Length'])).toBeNull();
  });
});
