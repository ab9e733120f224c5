import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  /** Body bytes passed to the client. */
  bytes: number;
  userAgent: string;
  range?: string;
}

/**
 * A transparent loopback HTTP relay in front of the content app that records every request it forwards
 * (method, path, status, body bytes, user agent): the access log the content app does not write itself.
 * Its port is what CONTENT_ORIGIN names, so boot scripts send the guest back through it.
 */
export class AccessLogRelay {
  readonly entries: AccessEntry[] = [];
  private target?: URL;
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<AccessLogRelay> {
    const relay: AccessLogRelay = new AccessLogRelay(createServer((req, res) => relay.forward(req, res)));
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Where requests go: the content app's real address (known only once the stack runs). */
  forwardTo(url: string): void {
    this.target = new URL(url);
  }

  /** Entries whose decoded path (query excluded) ends with `suffix`; iPXE sends `sha256:` as `sha256%3A`. */
  served(suffix: string, since = 0): AccessEntry[] {
    return this.entries.slice(since).filter((entry) => decodeURIComponent(entry.path.split('?')[0]).endsWith(suffix));
  }

  format(since = 0): string {
    return this.entries
      .slice(since)
      .map((e) => `${e.method} ${e.path} ${e.status} ${e.bytes}${e.range ? ` range=${e.range}` : ''} "${e.userAgent}"`)
      .join('\n');
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private forward(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    if (!this.target) {
      res.writeHead(503).end();
      return;
    }
    const entry: AccessEntry = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      bytes: 0,
      userAgent: req.headers['user-agent'] ?? '',
      ...(req.headers.range ? { range: req.headers.range } : {}),
    };
    this.entries.push(entry);
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(entry.status, answer.rawHeaders);
        answer.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
