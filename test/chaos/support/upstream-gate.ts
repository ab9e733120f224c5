import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { drainOrClose } from '../../support/fault-proxy';

const BLOB = /\/blobs\/(sha256:[a-f0-9]{64})/;

/** One blob GET as the gate saw it: where it started (Range) and how many body bytes it delivered. */
export interface BlobFetch {
  digest: string;
  offset: number;
  delivered: number;
  at: number;
}

/**
 * The upstream as bootdepot sees it: a counting pass-through in front of the fault proxy. It counts the
 * body bytes each blob GET really delivered (the fault proxy only records requests), and it can vanish —
 * listener closed, every open connection reset — and come back on the same port, like a registry that
 * restarts. bootdepot's remotes point here, so the port must survive `down()`.
 */
export class UpstreamGate {
  readonly fetches: BlobFetch[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly target: URL) {}

  static async start(targetUrl: string): Promise<UpstreamGate> {
    const gate = new UpstreamGate(new URL(targetUrl));
    await gate.up();
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.forward(req, res).catch(() => res.destroy()));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Refuses new connections and resets the open ones mid-body. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Body bytes delivered for these blobs beyond their size: what was fetched more than once. */
  refetched(sizes: ReadonlyMap<string, number>, since = 0): { delivered: number; refetched: number } {
    let delivered = 0;
    for (const fetch of this.fetches) {
      if (fetch.at >= since && sizes.has(fetch.digest)) delivered += fetch.delivered;
    }
    const needed = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    return { delivered, refetched: Math.max(0, delivered - needed) };
  }

  fetchesOf(digests: Iterable<string>): BlobFetch[] {
    const wanted = new Set(digests);
    return this.fetches.filter((fetch) => wanted.has(fetch.digest));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upstreamReq = request({
      host: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
    const [upRes] = (await once(upstreamReq, 'response')) as [IncomingMessage];
    const digest = req.method === 'GET' ? BLOB.exec(req.url ?? '')?.[1] : undefined;
    const record: BlobFetch | undefined = digest
      ? { digest, offset: Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0), delivered: 0, at: Date.now() }
      : undefined;
    if (record) this.fetches.push(record);
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    res.on('close', () => upRes.destroy());
    for await (const chunk of upRes) {
      // Counted once written to the socket, so bytes a killed client never received are not counted twice.
      if (!res.write(chunk)) await drainOrClose(res);
      if (res.destroyed) return;
      if (record && upRes.statusCode !== undefined && upRes.statusCode < 300)
        record.delivered += (chunk as Buffer).length;
    }
    res.end();
  }
}
