import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileSource } from './body-source';
import { chunkReads } from './chunk-reads';
import { ResponseOutlet } from './response-outlet';
import { contentSendfile, loadSendfile, useSendfile } from './sendfile';
import { bytesWritten, sentFileTotal } from './socket-bytes';

const MiB = 1024 * 1024;

describe('sendfile(2) binding', () => {
  it('is built by npm run build and loads (the tests install a C compiler)', () => {
    const loaded = loadSendfile();
    expect('reason' in loaded ? loaded.reason : 'loaded').toBe('loaded');
  });

  it('says why there is none when the build had no compiler (the app then copies)', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'sendfile.node');
    expect(loadSendfile(missing)).toEqual({ reason: `${missing} was not built (npm run build needs a C compiler)` });
  });

  it('refuses anything but four non-negative integers', () => {
    const loaded = loadSendfile();
    if (!('binding' in loaded)) throw new Error(loaded.reason);
    expect(() => loaded.binding.send(-1, 0, 0, 1)).toThrow(TypeError);
    expect(() => (loaded.binding.send as (...args: unknown[]) => number)(1, 2)).toThrow(TypeError);
    // A descriptor that is not open: a negative errno (EBADF), not a crash.
    expect(loaded.binding.send(100_000, 100_001, 0, 1)).toBe(-9);
  });
});

/** A real node:http server sending one file's range through FileSource, as the content app does. */
describe('FileSource over a real socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendfile-spec-'));
  const path = join(dir, 'blob');
  const bytes = randomBytes(24 * MiB + 13);
  let server: Server;
  let port: number;
  const served: Array<{ socket: Socket; ok: boolean | Error }> = [];

  beforeAll(async () => {
    writeFileSync(path, bytes);
    expect(useSendfile(true)).toBeNull();
    // After one slow read ChunkReads sends reads, and with them sendfile, to the threadpool for a second (its own
    // spec covers that); a busy machine can make any read slow, so here everything stays on the loop, as when idle.
    vi.spyOn(chunkReads, 'onLoop').mockImplementation((work) => work());
    server = createServer((req: IncomingMessage, res: ServerResponse) => void answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    useSendfile(false);
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [start, end] = (req.headers['x-range'] as string | undefined)?.split('-').map(Number) ?? [
      0,
      bytes.length - 1,
    ];
    const handle = await open(path);
    const source = new FileSource(handle, bytes.length);
    const record = { socket: req.socket, ok: false as boolean | Error };
    served.push(record);
    try {
      res.writeHead(200, { 'Content-Length': String(end - start + 1) });
      record.ok = await source.pipeRange(new ResponseOutlet(res), start, end);
      if (record.ok) res.end();
    } catch (error) {
      record.ok = error as Error;
      res.destroy();
    } finally {
      await source.close();
    }
  }

  /** Downloads, pausing `pauseMs` after the first chunk so that the socket fills (EAGAIN) first. */
  function download(headers: Record<string, string> = {}, pauseMs = 0): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (chunks.length === 0 && pauseMs) {
            res.pause();
            setTimeout(() => res.resume(), pauseMs);
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });
  }

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('sends the exact bytes, nearly all of them by the kernel, and counts them as written', async () => {
    const before = sentFileTotal.bytes;
    expect(sha(await download())).toBe(sha(bytes));
    const kernel = sentFileTotal.bytes - before;
    const { socket, ok } = served.at(-1)!;
    expect(ok).toBe(true);
    // The first chunk (with the headers) goes the copying way; beyond that only while the socket was full.
    expect(kernel).toBeGreaterThan(bytes.length / 2);
    expect(bytesWritten(socket)).toBeGreaterThanOrEqual(bytes.length);
    expect(bytesWritten(socket) - socket.bytesWritten).toBe(kernel);
  });

  it('keeps the bytes right for a client that stops reading for a while, and for ranges', async () => {
    expect(sha(await download({}, 300))).toBe(sha(bytes));
    // The socket filled while the client paused: chunks beyond the first went the copying way meanwhile.
    expect(served.at(-1)!.socket.bytesWritten).toBeGreaterThan(256 * 1024 + 1024);
    const part = await download({ 'x-range': `${3 * MiB + 1}-${19 * MiB}` }, 100);
    expect(sha(part)).toBe(sha(bytes.subarray(3 * MiB + 1, 19 * MiB + 1)));
  });

  it('copies through buffers when sendfile is off', async () => {
    useSendfile(false);
    try {
      expect(contentSendfile.binding).toBeNull();
      const before = sentFileTotal.bytes;
      expect(sha(await download())).toBe(sha(bytes));
      expect(sentFileTotal.bytes).toBe(before);
    } finally {
      useSendfile(true);
    }
  });

  it('copies the rest of a response when sendfile refuses the file (EINVAL), without cutting the connection', async () => {
    const real = contentSendfile.binding!;
    let refusals = 0;
    contentSendfile.binding = { send: () => (refusals++, -constants.errno.EINVAL) };
    try {
      const before = sentFileTotal.bytes;
      expect(sha(await download({}, 50))).toBe(sha(bytes));
      expect(served.at(-1)!.ok).toBe(true);
      expect(sentFileTotal.bytes).toBe(before);
      // Asked once after the first chunk, then not again for that response.
      expect(refusals).toBe(1);
    } finally {
      contentSendfile.binding = real;
    }
  });

  it('stops when the client leaves mid-way', async () => {
    await new Promise<void>((resolve) => {
      const req = get({ host: '127.0.0.1', port }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await expect.poll(() => served.at(-1)!.ok, { timeout: 5000 }).toBe(false);
  });

  it('cuts the connection when the file turns out shorter than the length sent', async () => {
    const shortPath = join(dir, 'short');
    writeFileSync(shortPath, bytes);
    const handle = await open(shortPath);
    truncateSync(shortPath, 5 * MiB);
    const source = new FileSource(handle, bytes.length);
    const local = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(bytes.length) });
      source.pipeRange(new ResponseOutlet(res), 0, bytes.length - 1).then(
        () => res.end(),
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const outcome = await new Promise<string>((resolve) => {
      get({ host: '127.0.0.1', port: (local.address() as AddressInfo).port }, (res) => {
        let got = 0;
        res.on('data', (chunk: Buffer) => (got += chunk.length));
        res.on('end', () => resolve(`ended cleanly after ${got}`));
        res.on('error', () => resolve(`cut after ${got}`));
        res.on('aborted', () => resolve(`cut after ${got}`));
      }).on('error', () => resolve('cut'));
    });
    expect(outcome).toMatch(/^cut/);
    await source.close();
    await new Promise((resolve) => local.close(resolve));
    await sleep(0);
  });
});
