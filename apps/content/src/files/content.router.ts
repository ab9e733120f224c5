import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { MemorySource } from '../http/body-source';
import { type EntityMeta, type KeepAnswer, sendEntity } from '../http/entity.sender';
import { parseRequestPath, type RequestPath } from '../http/request-path';
import type { ContentResolver } from '../resolve/content-resolver';
import type { BlobRef, DistributionView, VersionView } from '../resolve/content-views';
import type { DistributionSnapshot } from '../resolve/distribution-snapshot';
import type { ContentGuard, GuardVerdict } from '../guard/content-guard';
import { httpsOnlyRefusal } from '../guard/https-only';
import type { VerifiedContent } from '../guard/verified-content';
import type { BlobBodies } from './blob-bodies';
import { contentTypeFor, IMMUTABLE, REVALIDATE } from './cache-policy';
import { type ArtifactContext, type GeneratedName, type ListingEntry, resolveInVersion } from './content-node';
import { BadRequestError, renderGenerated, validateHostArgs } from './generated-docs';
import { listingPage } from './listing-page';
import { renderListing } from './listing.renderer';
import { ReadyAnswers } from './ready-answers';
import { type Rendered, RenderCache } from './render-cache';

export const CONTENT_PREFIX = '/pulp/content';

/** Listings are HTML for people: no scripts, no framing, no referrer leaking signed URLs (every answer: no sniffing). */
const LISTING_HEADERS = {
  Vary: 'Accept',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="bootdepot"' };
const NO_HEADERS = {};

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** `/pulp/content/…`: distribution files, the kickstart-tree view, generated boot files and listings. */
export class ContentRouter {
  private readonly rendered = new RenderCache();
  private readonly ready = new ReadyAnswers();

  constructor(
    private readonly deps: {
      resolver: ContentResolver;
      bodies: BlobBodies;
      /** Read per request: tests (and config reloads) may change it after start. */
      contentOrigin: () => string;
      /** Origin of the HTTPS listener: what HTTPS-only distributions' URLs and boot files use. */
      httpsOrigin: () => string;
      guard: ContentGuard;
      verified: VerifiedContent;
    },
  ) {}

  /**
   * What every request goes through (path, distribution, guard, version), then one named case per kind of answer.
   * A warm plain request for a file or `.treeinfo` of a public distribution answered before ends at the first
   * lookup (`ReadyAnswers`), synchronously.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    // Each lookup answers from memory on a warm request; only a cold one waits (see MaybePromise).
    const snapshot = this.deps.resolver.distributions();
    if (snapshot instanceof Promise) return snapshot.then((loaded) => this.route(req, res, loaded));
    if (this.ready.answer(req, res, snapshot)) return;
    return this.route(req, res, snapshot);
  }

  private async route(req: IncomingMessage, res: ServerResponse, snapshot: DistributionSnapshot): Promise<void> {
    const parsed = parseRequestPath(req.url ?? '/', CONTENT_PREFIX);
    if (!parsed) return notFound(res);
    const match = snapshot.match(parsed.segments);
    if (!match) return this.sendRootListing(req, res, snapshot, parsed.segments, wantsJson(req));
    const { distribution, rest } = match;
    const refusal = httpsOnlyRefusal(req, distribution, this.deps.httpsOrigin);
    if (refusal) return sendText(res, 403, `${refusal}\n`);
    let verdict = this.deps.guard.check(req, parsed.query, distribution);
    if (verdict instanceof Promise) verdict = await verdict;
    if (!verdict.allowed) return sendRefusal(res, verdict);
    let version = this.deps.resolver.version(distribution, snapshot);
    if (version instanceof Promise) version = await version;
    if (!version)
      return rest.length === 0 && !distribution.hidden
        ? this.emptyListing(req, res, parsed.segments, wantsJson(req))
        : notFound(res);
    let unverified = this.deps.verified.refusal(distribution, version, rest[0]);
    if (unverified instanceof Promise) unverified = await unverified;
    if (unverified) return sendText(res, 403, `${unverified}\n`);
    const resolved = resolveInVersion(distribution, version, rest);
    if (!resolved) return notFound(res);
    const { node, pinned } = resolved;
    switch (node.kind) {
      case 'listing':
        return this.sendListing(req, res, distribution, version, parsed, node.entries, wantsJson(req));
      case 'file':
        return this.sendFile(req, res, node.blob, node.name, version, pinned, this.keeper(req, distribution, snapshot));
      case 'generated':
        return node.name === '.treeinfo'
          ? this.sendTreeinfo(req, res, parsed.query, node.artifact, pinned, this.keeper(req, distribution, snapshot))
          : this.sendBootScript(req, res, parsed.query, node.name, node.artifact, verdict.grant);
    }
  }

  /**
   * Whether this answer may be kept for the next request of the same URL: only when it depends on nothing but the
   * URL and the snapshot (no guard, no HTTPS-only origin, no per-manifest verification verdict).
   */
  private keeper(
    req: IncomingMessage,
    distribution: DistributionView,
    snapshot: DistributionSnapshot,
  ): KeepAnswer | undefined {
    if (distribution.isPrivate || distribution.httpsOnly || distribution.requireVerified) return undefined;
    return this.ready.keeper(req.url!, snapshot);
  }

  /** Above every distribution: the path segments that lead to visible base paths, as directories. */
  private sendRootListing(
    req: IncomingMessage,
    res: ServerResponse,
    snapshot: DistributionSnapshot,
    segments: string[],
    json: boolean,
  ): Promise<void> | void {
    const children = snapshot.childrenOf(segments);
    if (!children) return notFound(res);
    const key = `root|${segments.join('/')}|${snapshot.visiblePaths.join('\n')}|${json}`;
    const body = this.rendered.get(key, () =>
      renderListing(
        segments,
        children.map((child): ListingEntry => ({ name: child.name, type: 'directory' })),
        json,
      ),
    );
    return sendEntity(
      req,
      res,
      renderedMeta(body, REVALIDATE, undefined, LISTING_HEADERS),
      () => new MemorySource(body.body),
    );
  }

  /** A distribution's tags, an index's architectures, or a directory of an artifact's kickstart tree. */
  private sendListing(
    req: IncomingMessage,
    res: ServerResponse,
    distribution: DistributionView,
    version: VersionView,
    { segments, query }: RequestPath,
    entries: ListingEntry[],
    json: boolean,
  ): Promise<void> | void {
    if (distribution.hidden) return notFound(res);
    // HTML listings come in pages (a 50,000-tag root is not one page); JSON listings stay whole.
    const page = listingPage(entries, query);
    if (!page) return notFound(res);
    const key = `ls|${distribution.id}|${distribution.updatedAt.getTime()}|${version.id}|${segments.join('/')}|${json}|${page.number}`;
    const body = this.rendered.get(key, () => renderListing(segments, entries, json, page));
    return sendEntity(
      req,
      res,
      renderedMeta(body, REVALIDATE, latest(version.createdAt, distribution.updatedAt), LISTING_HEADERS),
      () => new MemorySource(body.body),
    );
  }

  /**
   * `.treeinfo` depends only on the version (and the distribution's name), so it is immutable under a digest.
   * `?args=` means nothing to it, but a malformed one is refused here as for boot scripts.
   */
  private sendTreeinfo(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
    artifact: ArtifactContext,
    pinned: boolean,
    keep?: KeepAnswer,
  ): Promise<void> | void {
    try {
      validateHostArgs(query.get('args'));
    } catch (error) {
      return badRequest(res, error);
    }
    const { distribution, version } = artifact;
    const key = `gen|.treeinfo|${distribution.id}|${distribution.updatedAt.getTime()}|${version.id}|${artifact.manifest.digest}|${artifact.platform?.manifestId ?? ''}|${artifact.tag ?? ''}`;
    const body = this.rendered.get(key, () => ({
      body: renderGenerated('.treeinfo', artifact, { contentOrigin: '' }),
      contentType: 'text/plain; charset=utf-8',
    }));
    return sendEntity(
      req,
      res,
      renderedMeta(body, pinned ? IMMUTABLE : REVALIDATE, version.createdAt),
      () => new MemorySource(body.body),
      undefined,
      keep,
    );
  }

  /** `boot.ipxe` / `grub.cfg`: they also name the origin, the host's `?args=` and the grant that let it in. */
  private sendBootScript(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
    name: GeneratedName,
    artifact: ArtifactContext,
    grant: string | null,
  ): Promise<void> | void {
    let hostArgs: string | undefined;
    try {
      hostArgs = validateHostArgs(query.get('args'));
    } catch (error) {
      return badRequest(res, error);
    }
    const { distribution, version } = artifact;
    const origin = distribution.httpsOnly ? this.deps.httpsOrigin() : this.deps.contentOrigin();
    const key = `gen|${name}|${distribution.id}|${distribution.updatedAt.getTime()}|${version.id}|${artifact.manifest.digest}|${artifact.platform?.manifestId ?? ''}|${artifact.tag ?? ''}|${origin}|${hostArgs ?? ''}|${grant ?? ''}`;
    let body;
    try {
      body = this.rendered.get(key, () => ({
        body: renderGenerated(name, artifact, { contentOrigin: origin, hostArgs, grant }),
        contentType: 'text/plain; charset=utf-8',
      }));
    } catch (error) {
      return badRequest(res, error);
    }
    return sendEntity(
      req,
      res,
      renderedMeta(body, REVALIDATE, latest(version.createdAt, distribution.updatedAt)),
      () => new MemorySource(body.body),
    );
  }

  private sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    blob: BlobRef,
    name: string,
    version: VersionView,
    pinned: boolean,
    keep?: KeepAnswer,
  ): Promise<void> | void {
    return this.deps.bodies.send(
      req,
      res,
      blob,
      {
        contentType: contentTypeFor(name),
        lastModified: version.createdAt,
        cacheControl: pinned ? IMMUTABLE : REVALIDATE,
        headers: undefined,
      },
      (failure) => sendText(res, failure.status, `${failure.detail}\n`),
      name,
      keep,
    );
  }

  private emptyListing(req: IncomingMessage, res: ServerResponse, path: string[], json: boolean): Promise<void> | void {
    const body = this.rendered.get(`empty|${path.join('/')}|${json}`, () => renderListing(path, [], json));
    return sendEntity(req, res, renderedMeta(body, REVALIDATE), () => new MemorySource(body.body));
  }
}

/** One object shape for every meta on the hot path (spread-built objects cost measurable time per request). */
function renderedMeta(
  body: Rendered,
  cacheControl: string,
  lastModified?: Date,
  headers?: OutgoingHttpHeaders,
): EntityMeta {
  return {
    size: body.body.length,
    etag: body.etag,
    contentType: body.contentType,
    lastModified,
    cacheControl,
    headers,
  };
}

function sendRefusal(res: ServerResponse, verdict: Extract<GuardVerdict, { allowed: false }>): void {
  sendText(res, verdict.status, `${verdict.detail}\n`, verdict.status === 401 ? BEARER_CHALLENGE : NO_HEADERS);
}

/** A caller's bad `?args=` is a 400; any other error is ours and propagates. */
function badRequest(res: ServerResponse, error: unknown): void {
  if (error instanceof BadRequestError) return sendText(res, 400, `${error.message}\n`);
  throw error;
}

function wantsJson(req: IncomingMessage): boolean {
  return /\bapplication\/json\b/.test(req.headers.accept ?? '');
}

function latest(a: Date, b: Date): Date {
  return a > b ? a : b;
}

function notFound(res: ServerResponse): void {
  sendText(res, 404, 'not found\n');
}
