import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BodySource, MemorySource } from './body-source';
import { type EntityMeta, sendEntity } from './entity.sender';
import type { MaybePromise } from './maybe-promise';

const body = Buffer.from('0123456789abcdef');
const meta: EntityMeta = {
  size: body.length,
  etag: '"sha256:abc"',
  contentType: 'application/octet-stream',
  cacheControl: 'no-cache',
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A real server whose handler answers with sendEntity and reports whether the answer came back as a promise. */
async function serve(open: () => MaybePromise<BodySource>): Promise<{ url: string; returned: string[] }> {
  const returned: string[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const result = sendEntity(req, res, meta, open);
    returned.push(result instanceof Promise ? 'promise' : 'value');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, returned };
}

describe('sendEntity', () => {
  it('answers a body at hand within the request event: no promise, whole and ranged', async () => {
    const { url, returned } = await serve(() => new MemorySource(body));
    const whole = await fetch(url);
    expect(await whole.text()).toBe(body.toString());
    const ranged = await fetch(url, { headers: { Range: 'bytes=2-5' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('2345');
    const notModified = await fetch(url, { headers: { 'If-None-Match': meta.etag } });
    expect(notModified.status).toBe(304);
    expect(returned).toEqual(['value', 'value', 'value']);
  });

  it('waits for a body that must be fetched, and closes the source it opened', async () => {
    let closed = 0;
    const source: BodySource = {
      size: body.length,
      pipeRange: (outlet, start, end) => outlet.write(body.subarray(start, end + 1)),
      close: async () => void closed++,
    };
    const { url, returned } = await serve(async () => source);
    const response = await fetch(url);
    expect(await response.text()).toBe(body.toString());
    expect(returned).toEqual(['promise']);
    expect(closed).toBe(1);
  });
});
