import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type Fault =
  /** Answer with this status instead of forwarding (429 + Retry-After, 503 bursts, …). */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  /** Forward, but cut the connection after this many body bytes. */
  | { kind: 'drop-after'; bytes: number }
  /** Flip the body byte at this offset (of this response's body), so the digest no longer matches. */
  | { kind: 'corrupt'; at?: number }
  /** Announce `Content-Length` plus `delta` while sending the real body. */
  | { kind: 'lie-size'; delta: number }
  /** Deliver the body at this rate. */
  | { kind: 'throttle'; bytesPerSecond: number }
  /** Redirect to the CDN listener (another port), which serves the upstream response. */
  | { kind: 'redirect-cdn'; status?: 302 | 307 }
  /** Redirect to ourselves forever. */
  | { kind: 'redirect-loop' }
  /** Remove `scope=` from the WWW-Authenticate challenge, like Quay. */
  | { kind: 'strip-challenge-scope' }
  /** Forward without the Range header, like a registry that does not support ranges (200 instead of 206). */
  | { kind: 'ignore-range' }
  /** Wait before forwarding. */
  | { kind: 'delay'; ms: number }
  /** Forward the headers and this many body bytes, then go silent for `ms` before sending the rest. */
  | { kind: 'stall'; afterBytes: number; ms: number };

export interface FaultMatch {
  method?: string;
  /** Substring of, or pattern for, the request path (with query). */
  path?: string | RegExp;
  /** Apply to requests reaching the CDN listener instead of the proxy (default false). */
  cdn?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
  at: number;
}

interface Rule {
  match: FaultMatch;
  fault: Fault;
  left: number;
}

const BLOB_PATH = /\/v2\/.+\/blobs\/sha256:[a-f0-9]{64}/;

/**
 * A programmable HTTP proxy in front of a real registry. Faults are rules matched per request and used up
 * `times` times; several may apply to one response (e.g. throttle + drop-after). Records every request, and
 * every request reaching the "CDN" listener, so tests can assert what a client really sent.
 */
export class FaultProxy {
  readonly requests: RecordedRequest[] = [];
  readonly cdnRequests: RecordedRequest[] = [];
  private readonly rules: Rule[] = [];
  private readonly stash = new Map<string, { path: string; authorization?: string }>();
  private server?: Server;
  private cdn?: Server;

  private constructor(private readonly upstream: URL) {}

  static readonly BLOB_PATH = BLOB_PATH;

  static async start(upstreamUrl: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(upstreamUrl));
    proxy.server = createServer((req, res) => void proxy.handle(req, res).catch(() => res.destroy()));
    proxy.cdn = createServer((req, res) => void proxy.handleCdn(req, res).catch(() => res.destroy()));
    await Promise.all([
      new Promise<void>((resolve) => proxy.server!.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => proxy.cdn!.listen(0, '127.0.0.1', resolve)),
    ]);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get cdnUrl(): string {
    return `http://127.0.0.1:${(this.cdn!.address() as AddressInfo).port}`;
  }

  /** Applies `fault` to the next `times` matching requests (default: all of them). */
  addFault(match: FaultMatch, fault: Fault, times = Infinity): this {
    this.rules.push({ match, fault, left: times });
    return this;
  }

  /** Removes faults and forgets recorded requests. */
  reset(): void {
    this.rules.length = 0;
    this.requests.length = 0;
    this.cdnRequests.length = 0;
  }

  count(method: string, path?: string | RegExp): number {
    return this.requests.filter((r) => r.method === method && (path === undefined || matches(r.path, path))).length;
  }

  async stop(): Promise<void> {
    for (const server of [this.server, this.cdn]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private take(req: IncomingMessage, onCdn = false): Fault[] {
    const faults: Fault[] = [];
    for (const rule of this.rules) {
      if (rule.left <= 0 || !!rule.match.cdn !== onCdn) continue;
      if (rule.match.method && rule.match.method !== req.method) continue;
      if (rule.match.path !== undefined && !matches(req.url ?? '', rule.match.path)) continue;
      rule.left--;
      faults.push(rule.fault);
    }
    return faults;
  }

  private record(list: RecordedRequest[], req: IncomingMessage): void {
    list.push({
      method: req.method ?? '',
      path: req.url ?? '',
      range: req.headers.range,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.record(this.requests, req);
    const path = req.url ?? '/';
    const loop = /^\/loop\/(\d+)$/.exec(path);
    if (loop) {
      res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}`, 'content-length': '0' }).end();
      return;
    }
    const faults = this.take(req);
    for (const fault of faults) {
      if (fault.kind === 'delay') await sleep(fault.ms);
      if (fault.kind === 'status') {
        const body = fault.body ?? JSON.stringify({ errors: [{ code: codeFor(fault.status), message: 'injected' }] });
        const headers: Record<string, string> = { 'content-type': 'application/json', ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        req.resume();
        res.writeHead(fault.status, headers).end(body);
        return;
      }
      if (fault.kind === 'redirect-loop') {
        req.resume();
        res.writeHead(302, { location: '/loop/1', 'content-length': '0' }).end();
        return;
      }
      if (fault.kind === 'redirect-cdn') {
        const id = randomUUID();
        this.stash.set(id, { path, authorization: req.headers.authorization });
        req.resume();
        // A signed-URL look-alike, to check the client does not print the signature.
        const location = `${this.cdnUrl}/cdn/${id}?X-Amz-Signature=secret-signature`;
        res.writeHead(fault.status ?? 302, { location, 'content-length': '0' }).end();
        return;
      }
    }
    await this.forward(req, res, path, req.headers.authorization, faults);
  }

  private async handleCdn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.record(this.cdnRequests, req);
    const id = /^\/cdn\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const target = id ? this.stash.get(id) : undefined;
    if (!target) {
      res.writeHead(404).end();
      return;
    }
    // The CDN serves with the credentials captured at redirect time, as a signed URL would.
    await this.forward(req, res, target.path, target.authorization, this.take(req, true));
  }

  private async forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    authorization: string | undefined,
    faults: Fault[],
  ): Promise<void> {
    const headers = { ...req.headers };
    delete headers.authorization;
    if (authorization) headers.authorization = authorization;
    if (faults.some((f) => f.kind === 'ignore-range')) delete headers.range;
    const upstreamReq = request({
      host: this.upstream.hostname,
      port: this.upstream.port,
      method: req.method,
      path,
      headers,
    });
    req.pipe(upstreamReq);
    const [upRes] = (await once(upstreamReq, 'response')) as [IncomingMessage];
    const outHeaders = { ...upRes.headers };
    for (const fault of faults) {
      if (fault.kind === 'lie-size' && outHeaders['content-length'] !== undefined) {
        outHeaders['content-length'] = String(Number(outHeaders['content-length']) + fault.delta);
      }
      if (fault.kind === 'strip-challenge-scope' && typeof outHeaders['www-authenticate'] === 'string') {
        outHeaders['www-authenticate'] = outHeaders['www-authenticate'].replace(/,\s*scope="[^"]*"/, '');
      }
    }
    res.writeHead(upRes.statusCode ?? 502, outHeaders);
    const drop = faults.find((f) => f.kind === 'drop-after');
    const corrupt = faults.find((f) => f.kind === 'corrupt');
    const throttle = faults.find((f) => f.kind === 'throttle');
    let stall = faults.find((f) => f.kind === 'stall');
    let sent = 0;
    for await (const raw of upRes) {
      for (let piece = raw as Buffer; piece.length > 0;) {
        // Throttled bodies go out in small slices so the rate is smooth rather than bursty.
        let chunk = throttle ? piece.subarray(0, 16 * 1024) : piece;
        piece = piece.subarray(chunk.length);
        const at = corrupt?.at ?? 0;
        if (corrupt && at >= sent && at < sent + chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[at - sent] ^= 0xff;
        }
        if (drop && sent + chunk.length >= drop.bytes) {
          res.write(chunk.subarray(0, drop.bytes - sent), () => res.socket?.destroy());
          upRes.destroy();
          return;
        }
        if (stall && sent + chunk.length > stall.afterBytes) {
          const before = stall.afterBytes - sent;
          if (before > 0 && !res.write(chunk.subarray(0, before))) await drainOrClose(res);
          sent += Math.max(0, before);
          chunk = chunk.subarray(Math.max(0, before));
          await sleep(stall.ms);
          stall = undefined;
          if (res.destroyed) {
            upRes.destroy();
            return;
          }
        }
        if (throttle) await sleep((chunk.length / throttle.bytesPerSecond) * 1000);
        sent += chunk.length;
        if (!res.write(chunk)) await drainOrClose(res);
        if (res.destroyed) {
          upRes.destroy();
          return;
        }
      }
    }
    res.end();
  }
}

/** Waits for `drain` or `close`, removing both listeners after (a loop of `once` races would pile them up). */
export function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

function codeFor(status: number): string {
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 503) return 'UNAVAILABLE';
  return 'UNKNOWN';
}
