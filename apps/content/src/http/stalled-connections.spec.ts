import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { StalledConnections } from './stalled-connections';

const IDLE_MS = 300;
let server: Server | undefined;
let stalled: StalledConnections | undefined;
const clients: Socket[] = [];

afterEach(async () => {
  stalled?.close();
  for (const client of clients.splice(0)) client.destroy();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
  server = stalled = undefined;
});

/** When the server's side of the latest connection closed, in ms after it was accepted. */
let serverSideClosed: Promise<number> = Promise.resolve(0);

/** A server whose every answer is 64 MiB, far more than the socket buffers of both ends hold. */
async function serveLargeAnswers(): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 1);
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': String(64 * chunk.length) });
    let sent = 0;
    const more = () => {
      while (sent < 64) {
        sent++;
        if (!res.write(chunk)) return res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  stalled = new StalledConnections([server], IDLE_MS, 50);
  server.on('connection', (socket: Socket) => {
    const accepted = Date.now();
    serverSideClosed = new Promise((done) => socket.once('close', () => done(Date.now() - accepted)));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as AddressInfo).port;
}

function ask(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /big HTTP/1.1\r\nHost: test\r\n\r\n');
      const started = Date.now();
      resolve({ socket, closed: new Promise((done) => socket.once('close', () => done(Date.now() - started))) });
    });
    socket.on('error', () => undefined);
    clients.push(socket);
  });
}

describe('StalledConnections', () => {
  it('drops a client that stopped reading, between idleMs and 1.25 × idleMs after its last byte', async () => {
    const port = await serveLargeAnswers();
    const { socket } = await ask(port);
    socket.pause();
    // A paused client would notice the close only when it reads again: the server's side is what is dropped.
    const after = await serverSideClosed;
    expect(after).toBeGreaterThanOrEqual(IDLE_MS);
    expect(after).toBeLessThan(IDLE_MS * 1.25 + 200);
    expect(stalled!.tracked).toBe(0);
  });

  it('keeps a slow reader: any byte that moves counts as progress', async () => {
    const port = await serveLargeAnswers();
    const { socket } = await ask(port);
    let open = true;
    socket.once('close', () => (open = false));
    socket.pause();
    // Reads in short bursts, a long pause apart (each pause shorter than idleMs, all of them together longer).
    for (let elapsed = 0; elapsed < IDLE_MS * 3; elapsed += 150) {
      await sleep(130);
      socket.resume();
      await sleep(20);
      socket.pause();
    }
    expect(open).toBe(true);
    expect(stalled!.tracked).toBe(1);
  });

  it('forgets a connection once it closed', async () => {
    const port = await serveLargeAnswers();
    const { socket, closed } = await ask(port);
    expect(stalled!.tracked).toBe(1);
    socket.destroy();
    await closed;
    await sleep(20);
    expect(stalled!.tracked).toBe(0);
  });
});
