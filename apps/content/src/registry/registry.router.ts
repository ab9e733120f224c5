import { createHash } from 'node:crypto';
import { isDigest } from '@app/oci';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobBodies } from '../files/blob-bodies';
import { IMMUTABLE, REVALIDATE } from '../files/cache-policy';
import { MemorySource } from '../http/body-source';
import { sendEntity } from '../http/entity.sender';
import { bearerToken, type ContentGuard } from '../guard/content-guard';
import type { ContentResolver } from '../resolve/content-resolver';
import { httpsOnlyRefusal } from '../guard/https-only';
import type { VerifiedContent } from '../guard/verified-content';
import type { DistributionView, VersionView } from '../resolve/content-views';
import type { DistributionSnapshot } from '../resolve/distribution-snapshot';
import { sendOciError } from './oci-errors';
import { LOOKASIDE_RE, type LookasideSignatures } from './lookaside-signatures';
import { OCI_INDEX, referrersOf } from './referrers';
import { paginate } from './tag-pagination';

const API_VERSION = { 'Docker-Distribution-API-Version': 'registry/2.0' };
const ROUTE_RE = /^\/v2\/(.+)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+)|referrers\/([^/]+))$/;

/** A `/v2/<name>/…` request's repository: the distribution and the version it serves (null: none yet). */
interface Target {
  name: string;
  distribution: DistributionView;
  version: VersionView | null;
}

function sendJson(res: ServerResponse, body: unknown, head: boolean, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
    ...API_VERSION,
    ...headers,
  });
  res.end(head ? undefined : text);
}

/**
 * A read-only OCI distribution API over the distributions (repository name = base path), enough for
 * `skopeo copy`, `oras pull` and another bootdepot's sync. Hidden distributions are pullable but not
 * in the catalog, as in Pulp.
 */
export class RegistryRouter {
  constructor(
    private readonly deps: {
      resolver: ContentResolver;
      bodies: BlobBodies;
      guard: ContentGuard;
      contentOrigin: () => string;
      httpsOrigin: () => string;
      verified: VerifiedContent;
      lookaside: LookasideSignatures;
    },
  ) {}

  /**
   * `GET /token`, the realm private repositories point clients to: Basic credentials whose password is an
   * API token (any user name, as registries accept robot tokens) are exchanged for a bearer token, which is
   * that same API token. Clients such as skopeo and bootdepot's own sync do this dance by themselves.
   */
  async handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization ?? '';
    const basic = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const token = basic.includes(':') ? basic.slice(basic.indexOf(':') + 1) : bearerToken(req);
    if (!token || !(await this.deps.guard.tokenIsValid(token))) {
      return sendOciError(res, 'UNAUTHORIZED', 'an API token is needed as the password', false, {
        'WWW-Authenticate': 'Basic realm="bootdepot"',
      });
    }
    sendJson(res, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }, false);
  }

  /**
   * `GET /lookaside/<name>@sha256=<hex>/signature-N`: the simple signatures mirrored with a manifest, laid out as
   * containers' lookaside stores are, so skopeo and podman (`registries.d` `lookaside:`) and another bootdepot
   * (`sigstore_lookaside_url`) verify again. Plain 404 when there is none: that ends a client's `signature-N` walk.
   */
  async handleLookaside(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    const notFound = (detail: string) => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(head ? undefined : `${detail}\n`);
    };
    if (req.method !== 'GET' && !head) return sendOciError(res, 'UNSUPPORTED', 'this store is read-only');
    const match = LOOKASIDE_RE.exec(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!match) return notFound('no such signature');
    const [, name, hex, n] = match;
    const target = await this.repositoryFor(req, res, await this.deps.resolver.distributions(), name, head);
    if (!target) return;
    const manifest = target.version?.manifests.get(`sha256:${hex}`);
    const signature = manifest ? await this.deps.lookaside.signature(manifest.id, Number(n)) : null;
    if (!signature) return notFound(`no signature-${n} for sha256:${hex} in ${name}`);
    return sendEntity(
      req,
      res,
      {
        size: signature.length,
        etag: `"${createHash('sha256').update(signature).digest('hex')}"`,
        contentType: 'application/octet-stream',
        cacheControl: REVALIDATE,
        headers: {},
      },
      async () => new MemorySource(signature),
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return sendOciError(res, 'UNSUPPORTED', 'this registry is read-only');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/v2/' || path === '/v2') return sendJson(res, {}, head);
    const snapshot = await this.deps.resolver.distributions();
    if (path === '/v2/_catalog') return this.catalog(res, snapshot, url, head);
    const route = ROUTE_RE.exec(path);
    if (!route) return sendOciError(res, 'NAME_UNKNOWN', 'no such endpoint', head);
    const [, name, what, ref, digest, subject] = route;
    const target = await this.repositoryFor(req, res, snapshot, name, head);
    if (!target) return;
    if (what === 'tags/list') return this.tags(res, target, url, head);
    if (ref !== undefined) return this.manifest(req, res, target, ref, head);
    if (subject !== undefined) return this.referrers(res, target, subject, url, head);
    return this.blob(req, res, target, digest, head);
  }

  private catalog(res: ServerResponse, snapshot: DistributionSnapshot, url: URL, head: boolean): void {
    const page = paginate(snapshot.visiblePaths, url.searchParams, '/v2/_catalog');
    if ('error' in page) return sendOciError(res, 'PAGINATION_NUMBER_INVALID', page.error, head);
    return sendJson(res, { repositories: page.items }, head, page.link ? { Link: page.link } : {});
  }

  /** The distribution a `/v2/<name>/…` request names, once HTTPS-only and private checks pass; null if answered. */
  private async repositoryFor(
    req: IncomingMessage,
    res: ServerResponse,
    snapshot: DistributionSnapshot,
    name: string,
    head: boolean,
  ): Promise<Target | null> {
    const distribution = snapshot.byBasePath.get(name);
    const version = distribution && (await this.deps.resolver.version(distribution));
    if (!distribution) {
      sendOciError(res, 'NAME_UNKNOWN', `repository ${name} is not known`, head);
      return null;
    }
    const refusal = httpsOnlyRefusal(req, distribution, this.deps.httpsOrigin);
    if (refusal) {
      sendOciError(res, 'DENIED', refusal, head);
      return null;
    }
    if (distribution.isPrivate) {
      const token = bearerToken(req);
      if (!token || !(await this.deps.guard.tokenIsValid(token))) {
        const origin = distribution.httpsOnly ? this.deps.httpsOrigin() : this.deps.contentOrigin();
        const realm = `${origin}/token`;
        sendOciError(res, 'UNAUTHORIZED', 'authentication required', head, {
          'WWW-Authenticate': `Bearer realm="${realm}",service="bootdepot",scope="repository:${name}:pull"`,
        });
        return null;
      }
    }
    return { name, distribution, version: version ?? null };
  }

  private tags(res: ServerResponse, { name, version }: Target, url: URL, head: boolean): void {
    const page = paginate(version?.tagNames ?? [], url.searchParams, `/v2/${name}/tags/list`);
    if ('error' in page) return sendOciError(res, 'PAGINATION_NUMBER_INVALID', page.error, head);
    return sendJson(res, { name, tags: page.items }, head, page.link ? { Link: page.link } : {});
  }

  /** `GET /v2/<name>/referrers/<digest>`: an OCI index of the signatures held for it, `artifactType` filtered. */
  private referrers(res: ServerResponse, { version }: Target, subject: string, url: URL, head: boolean): void {
    if (!isDigest(subject)) return sendOciError(res, 'DIGEST_INVALID', 'invalid digest', head);
    const artifactType = url.searchParams.get('artifactType');
    const manifests = referrersOf(version, subject, artifactType);
    // Signatures are served under require_verified too: they are what lets a client verify the rest.
    return sendJson(res, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, head, {
      'Content-Type': OCI_INDEX,
      ...(artifactType === null ? {} : { 'OCI-Filters-Applied': 'artifactType' }),
    });
  }

  private async manifest(
    req: IncomingMessage,
    res: ServerResponse,
    { distribution, version }: Target,
    ref: string,
    head: boolean,
  ): Promise<void> {
    const byDigest = ref.startsWith('sha256:');
    if (byDigest && !isDigest(ref)) return sendOciError(res, 'DIGEST_INVALID', 'invalid digest', head);
    const manifest = byDigest ? version?.manifests.get(ref) : version?.tags.get(ref);
    if (!manifest || !version) return sendOciError(res, 'MANIFEST_UNKNOWN', `manifest ${ref} is not known`, head);
    const unverified = await this.deps.verified.refusal(distribution, version, ref);
    if (unverified) return sendOciError(res, 'DENIED', unverified, head);
    // Bytes exactly as synced: the digest is over them, re-serialising would change it.
    return sendEntity(
      req,
      res,
      {
        size: manifest.raw.length,
        etag: `"${manifest.digest}"`,
        contentType: manifest.mediaType,
        cacheControl: byDigest ? IMMUTABLE : REVALIDATE,
        headers: { 'Docker-Content-Digest': manifest.digest, ...API_VERSION },
      },
      async () => new MemorySource(manifest.raw),
    );
  }

  private async blob(
    req: IncomingMessage,
    res: ServerResponse,
    { distribution, version }: Target,
    digest: string,
    head: boolean,
  ): Promise<void> {
    if (!isDigest(digest)) return sendOciError(res, 'DIGEST_INVALID', 'invalid digest', head);
    const blob = version?.blobs.get(digest);
    if (!blob || !version) return sendOciError(res, 'BLOB_UNKNOWN', `blob ${digest} is not known`, head);
    const unverified = await this.deps.verified.blobRefusal(distribution, version, digest);
    if (unverified) return sendOciError(res, 'DENIED', unverified, head);
    return this.deps.bodies.send(
      req,
      res,
      blob,
      {
        contentType: 'application/octet-stream',
        lastModified: undefined,
        cacheControl: IMMUTABLE,
        headers: { 'Docker-Content-Digest': blob.digest, ...API_VERSION },
      },
      (failure) => sendOciError(res, failure.status === 404 ? 'BLOB_UNKNOWN' : 'UNAVAILABLE', failure.detail, head),
    );
  }
}
