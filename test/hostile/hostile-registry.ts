import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Digest, sha256Digest } from '@app/oci';

export interface Stored {
  bytes: Buffer;
  mediaType: string;
}

export interface RegistryRequest {
  req: IncomingMessage;
  res: ServerResponse;
  name: string;
  kind: 'manifests' | 'blobs' | 'tags';
  ref: string;
}

/** Answers one repository's requests; return false to fall back to serving what the repository stores. */
export type Behaviour = (r: RegistryRequest) => boolean | Promise<boolean>;

interface Repo {
  manifests: Map<string, Stored>;
  blobs: Map<string, Buffer>;
  behaviour?: Behaviour;
}

const ROUTE = /^\/v2\/(.+)\/(manifests|blobs|tags)\/([^/?]+)/;

/**
 * A registry that lies on purpose. Each repository serves stored manifests and blobs like a real registry
 * (HEAD, GET, Docker-Content-Digest), unless its behaviour answers the request first: an oversized body, a
 * trickle, a redirect loop. Every connection is tracked so `stop()` ends even the ones left hanging.
 */
export class HostileRegistry {
  readonly requests: string[] = [];
  private readonly repos = new Map<string, Repo>();
  private server!: Server;
  /** Requests to /token: never answered when `silentTokens` is set, else a token. */
  silentTokens = false;
  /** Repositories whose requests need a Bearer token first. */
  readonly tokenProtected = new Set<string>();

  static async start(): Promise<HostileRegistry> {
    const registry = new HostileRegistry();
    registry.server = createServer((req, res) => void registry.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => registry.server.listen(0, '127.0.0.1', resolve));
    return registry;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stores a manifest under its digest and, when given, a tag. Returns its digest. */
  putManifest(name: string, stored: Stored, tag?: string): Digest {
    const digest = sha256Digest(stored.bytes);
    const repo = this.repo(name);
    repo.manifests.set(digest, stored);
    if (tag) repo.manifests.set(tag, stored);
    return digest;
  }

  putBlobs(name: string, blobs: Map<Digest, Buffer>): void {
    for (const [digest, bytes] of blobs) this.repo(name).blobs.set(digest, bytes);
  }

  behave(name: string, behaviour: Behaviour): void {
    this.repo(name).behaviour = behaviour;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private repo(name: string): Repo {
    let repo = this.repos.get(name);
    if (!repo) this.repos.set(name, (repo = { manifests: new Map(), blobs: new Map() }));
    return repo;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    this.requests.push(`${req.method} ${url}`);
    if (url.startsWith('/token')) {
      // A token service that accepts the connection and then says nothing, ever.
      if (this.silentTokens) return;
      return json(res, 200, { token: 'hostile-token', expires_in: 300 });
    }
    if (url === '/v2/' || url === '/v2') return json(res, 200, {});
    const match = ROUTE.exec(url);
    const repo = match ? this.repos.get(match[1]!) : undefined;
    if (!match || !repo) return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository unknown' }] });
    const [, name, kind, ref] = match as unknown as [string, string, RegistryRequest['kind'], string];
    if (this.tokenProtected.has(name) && !req.headers.authorization) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${this.url}/token",service="hostile",scope="repository:${name}:pull"`,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    if (repo.behaviour && (await repo.behaviour({ req, res, name, kind, ref }))) return;
    if (kind === 'tags')
      return json(res, 200, { name, tags: [...repo.manifests.keys()].filter((k) => !k.includes(':')) });
    if (kind === 'manifests') {
      const stored = repo.manifests.get(ref);
      if (!stored) return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
      return sendManifest(req, res, stored);
    }
    const blob = repo.blobs.get(ref);
    if (!blob) return json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
    res.end(req.method === 'HEAD' ? undefined : blob);
  }
}

export function sendManifest(req: IncomingMessage, res: ServerResponse, stored: Stored, digest?: string): void {
  res.writeHead(200, {
    'content-type': stored.mediaType,
    'content-length': stored.bytes.length,
    'docker-content-digest': digest ?? sha256Digest(stored.bytes),
  });
  res.end(req.method === 'HEAD' ? undefined : stored.bytes);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
