import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { MemorySource } from '../http/body-source';
import { type EntityMeta, sendEntity } from '../http/entity.sender';
import { parseRequestPath } from '../http/request-path';
import type { ContentResolver } from '../resolve/content-resolver';
import type { BlobRef, VersionView } from '../resolve/content-views';
import type { ContentGuard } from '../guard/content-guard';
import { httpsOnlyRefusal } from '../guard/https-only';
import type { BlobBodies } from './blob-bodies';
import { contentTypeFor, IMMUTABLE, REVALIDATE } from './cache-policy';
import { type ListingEntry, resolveInVersion } from './content-node';
import { BadRequestError, renderGenerated, validateHostArgs } from './generated-docs';
import { listingPage } from './listing-page';
import { renderListing } from './listing.renderer';
import { type Rendered, RenderCache } from './render-cache';

export const CONTENT_PREFIX = '/pulp/content';

/** Listings are HTML for people: no scripts, no framing, no sniffing, no referrer leaking signed URLs. */
const LISTING_HEADERS = {
  Vary: 'Accept',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

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

  constructor(
    private readonly deps: {
      resolver: ContentResolver;
      bodies: BlobBodies;
      /** Read per request: tests (and config reloads) may change it after start. */
      contentOrigin: () => string;
      /** Origin of the HTTPS listener: what HTTPS-only distributions' URLs and boot files use. */
      httpsOrigin: () => string;
      guard: ContentGuard;
    },
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    const parsed = parseRequestPath(req.url ?? '/', CONTENT_PREFIX);
    if (!parsed) return notFound(res);
    const json = wantsJson(req);
    const snapshot = await this.deps.resolver.distributions();
    const match = snapshot.match(parsed.segments);
    if (!match) {
      const children = snapshot.childrenOf(parsed.segments);
      if (!children) return notFound(res);
      const entries = children.map((child): ListingEntry => ({ name: child.name, type: 'directory' }));
      const key = `root|${parsed.segments.join('/')}|${snapshot.visiblePaths.join('\n')}|${json}`;
      const body = this.rendered.get(key, () => renderListing(parsed.segments, entries, json));
      return sendEntity(
        req,
        res,
        renderedMeta(body, REVALIDATE, undefined, LISTING_HEADERS),
        async () => new MemorySource(body.body),
      );
    }
    const { distribution, rest } = match;
    const refusal = httpsOnlyRefusal(req, distribution, this.deps.httpsOrigin());
    if (refusal) return sendText(res, 403, `${refusal}\n`);
    const verdict = await this.deps.guard.check(req, parsed.query, distribution);
    if (!verdict.allowed) {
      const challenge: Record<string, string> =
        verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="bootdepot"' } : {};
      return sendText(res, verdict.status, `${verdict.detail}\n`, challenge);
    }
    const version = await this.deps.resolver.version(distribution);
    if (!version)
      return rest.length === 0 && !distribution.hidden
        ? this.emptyListing(req, res, parsed.segments, json)
        : notFound(res);
    const resolved = resolveInVersion(distribution, version, rest);
    if (!resolved) return notFound(res);
    const { node, pinned } = resolved;
    const lastModified = latest(version.createdAt, distribution.updatedAt);
    switch (node.kind) {
      case 'listing': {
        if (distribution.hidden) return notFound(res);
        const page = listingPage(node.entries, parsed.query);
        if (!page) return notFound(res);
        const key = `ls|${distribution.id}|${distribution.updatedAt.getTime()}|${version.id}|${parsed.segments.join('/')}|${json}|${page.number}`;
        const body = this.rendered.get(key, () => renderListing(parsed.segments, node.entries, json, page));
        return sendEntity(
          req,
          res,
          renderedMeta(body, REVALIDATE, lastModified, LISTING_HEADERS),
          async () => new MemorySource(body.body),
        );
      }
      case 'file':
        return this.sendFile(req, res, node.blob, node.name, version, pinned);
      case 'generated': {
        let hostArgs: string | undefined;
        try {
          hostArgs = validateHostArgs(parsed.query.get('args'));
        } catch (error) {
          if (error instanceof BadRequestError) return sendText(res, 400, `${error.message}\n`);
          throw error;
        }
        const origin = distribution.httpsOnly ? this.deps.httpsOrigin() : this.deps.contentOrigin();
        const key = `gen|${node.name}|${distribution.id}|${distribution.updatedAt.getTime()}|${version.id}|${node.artifact.manifest.digest}|${node.artifact.platform?.manifestId ?? ''}|${node.artifact.tag ?? ''}|${origin}|${hostArgs ?? ''}|${verdict.grant ?? ''}`;
        let body;
        try {
          body = this.rendered.get(key, () => ({
            body: renderGenerated(node.name, node.artifact, { contentOrigin: origin, hostArgs, grant: verdict.grant }),
            contentType: 'text/plain; charset=utf-8',
          }));
        } catch (error) {
          if (error instanceof BadRequestError) return sendText(res, 400, `${error.message}\n`);
          throw error;
        }
        // .treeinfo depends only on the version; boot scripts also on the origin and kernel_args.
        const immutable = pinned && node.name === '.treeinfo';
        return sendEntity(
          req,
          res,
          renderedMeta(
            body,
            immutable ? IMMUTABLE : REVALIDATE,
            node.name === '.treeinfo' ? version.createdAt : lastModified,
          ),
          async () => new MemorySource(body.body),
        );
      }
    }
  }

  private async sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    blob: BlobRef,
    name: string,
    version: VersionView,
    pinned: boolean,
  ): Promise<void> {
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
    );
  }

  private emptyListing(req: IncomingMessage, res: ServerResponse, path: string[], json: boolean): Promise<void> {
    const body = this.rendered.get(`empty|${path.join('/')}|${json}`, () => renderListing(path, [], json));
    return sendEntity(req, res, renderedMeta(body, REVALIDATE), async () => new MemorySource(body.body));
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

function wantsJson(req: IncomingMessage): boolean {
  return /\bapplication\/json\b/.test(req.headers.accept ?? '');
}

function latest(a: Date, b: Date): Date {
  return a > b ? a : b;
}

function notFound(res: ServerResponse): void {
  sendText(res, 404, 'not found\n');
}
