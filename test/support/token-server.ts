import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TokenServerOptions {
  /** Users allowed to get tokens with credentials (Basic auth to the token endpoint); all actions granted. */
  users?: Record<string, string>;
  /** Anonymous callers get `pull` on any repository when true; otherwise a token with no access at all. */
  anonymousPull?: boolean;
  /** `expires_in` reported in the response (default 300 s). */
  expiresIn?: number;
  /** Real JWT lifetime in seconds when it should differ from `expiresIn` (a lying issuer). */
  jwtLifetime?: number;
  /** Which field(s) carry the token in the response (default both). */
  tokenField?: 'token' | 'access_token' | 'both';
  /** Leave `expires_in` out of the response so the client must assume 60 s. */
  omitExpiresIn?: boolean;
  /** Echo the granted `scope` in the response body (default true). */
  echoScope?: boolean;
}

export interface TokenRequestRecord {
  scopes: string[];
  account?: string;
  authorized: boolean;
}

/**
 * A docker/distribution token service for tests: ES256 JWTs with an `x5c` header, signed by a key whose
 * self-signed certificate the registry trusts via `rootcertbundle`. Options are mutable between tests.
 */
export class TokenServer {
  readonly service = 'bootdepot-test-registry';
  readonly issuer = 'bootdepot-test-issuer';
  readonly certPath: string;
  /** Tokens handed out so far. */
  issued = 0;
  readonly requests: TokenRequestRecord[] = [];
  private server?: Server;
  private readonly key: KeyObject;
  private readonly x5c: string;

  constructor(
    dir: string,
    public options: TokenServerOptions = {},
  ) {
    const keyPath = join(dir, 'token-key.pem');
    this.certPath = join(dir, 'token-cert.pem');
    // openssl is the shortest path to a certificate the registry's x509 verifier accepts.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', this.certPath, '-days', '2', '-subj', '/CN=bootdepot-test-token',
    ], { stdio: 'ignore' }); // prettier-ignore
    this.key = createPrivateKey(readFileSync(keyPath));
    this.x5c = readFileSync(this.certPath, 'utf8')
      .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
      .replace(/\s+/g, '');
  }

  get realm(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/token`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const user = this.authenticate(req.headers.authorization);
    if (user === false) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    this.requests.push({
      scopes,
      account: url.searchParams.get('account') ?? undefined,
      authorized: user !== undefined,
    });
    const access = scopes.flatMap((scope) => this.grant(scope, user));
    const { expiresIn = 300, tokenField = 'both' } = this.options;
    const token = this.jwt(access, this.options.jwtLifetime ?? expiresIn);
    this.issued++;
    const body: Record<string, unknown> = { issued_at: new Date().toISOString() };
    if (tokenField !== 'access_token') body.token = token;
    if (tokenField !== 'token') body.access_token = token;
    if (!this.options.omitExpiresIn) body.expires_in = expiresIn;
    if (this.options.echoScope ?? true) body.scope = scopes.join(' ');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** undefined = anonymous, false = wrong credentials, string = the user. */
  private authenticate(header: string | undefined): string | undefined | false {
    if (!header) return undefined;
    const m = /^Basic\s+(.+)$/i.exec(header);
    if (!m) return false;
    const [user, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
    return this.options.users?.[user] === rest.join(':') ? user : false;
  }

  private grant(scope: string, user: string | undefined): { type: string; name: string; actions: string[] }[] {
    const [type, name, actions] = scope.split(':');
    if (!type || !name || actions === undefined) return [];
    const wanted = actions.split(',');
    const allowed = user !== undefined ? wanted : this.options.anonymousPull ? wanted.filter((a) => a === 'pull') : [];
    return allowed.length ? [{ type, name, actions: allowed }] : [];
  }

  private jwt(access: unknown[], lifetime: number): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = b64({ typ: 'JWT', alg: 'ES256', x5c: [this.x5c] });
    const claims = b64({
      iss: this.issuer,
      sub: 'test',
      aud: this.service,
      exp: now + lifetime,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    });
    const signature = sign('sha256', Buffer.from(`${head}.${claims}`), { key: this.key, dsaEncoding: 'ieee-p1363' });
    return `${head}.${claims}.${signature.toString('base64url')}`;
  }
}
