import { ClientAddressResolver, createMetricsRegistry } from '@app/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { ContentResolver } from '../resolve/content-resolver';

/** Which part of the content app answered: labels stay few whatever the URL. */
function area(url: string): string {
  if (url.startsWith('/pulp/content')) return 'files';
  if (url.startsWith('/v2')) return 'registry';
  if (url.startsWith('/token')) return 'token';
  if (url === '/healthz' || url === '/readyz' || url === '/metrics') return 'health';
  return 'other';
}

/**
 * Prometheus metrics of the content app: requests, bytes served, and how often the path map was warm.
 * Requests are counted in plain maps and folded into the counters when scraped: labelled `inc` calls on
 * every request cost a tenth of the small-file request rate.
 */
export class ContentMetrics {
  readonly registry = createMetricsRegistry('content');
  /** Requests by `area method status`, and bytes by area, since start. */
  private readonly requestCounts = new Map<string, number>();
  private readonly byteCounts = new Map<string, number>();

  constructor(
    resolver: ContentResolver,
    private readonly clients: ClientAddressResolver = new ClientAddressResolver([]),
  ) {
    const { requestCounts, byteCounts } = this;
    new Counter({
      name: 'bootdepot_content_requests_total',
      help: 'Content requests answered, by area (files, registry, token, health), method and status.',
      labelNames: ['area', 'method', 'status'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [key, count] of requestCounts) {
          const [area, method, status] = key.split(' ');
          this.inc({ area, method, status }, count);
        }
      },
    });
    new Counter({
      name: 'bootdepot_content_bytes_served_total',
      help: 'Bytes written to content clients (headers included).',
      labelNames: ['area'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [area, bytes] of byteCounts) this.inc({ area }, bytes);
      },
    });
    new Counter({
      name: 'bootdepot_content_cache_lookups_total',
      help: 'Path-map lookups answered from memory (hit) or after reading the database (miss).',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, resolver.stats.hits);
        this.inc({ result: 'miss' }, resolver.stats.misses);
      },
    });
  }

  /** Counts the request when it ends and writes its access-log line (info level; health probes at debug). */
  observe(req: IncomingMessage, res: ServerResponse, logger: Logger): void {
    const where = area(req.url ?? '/');
    const level = where === 'health' ? 'debug' : 'info';
    const started = logger.isLevelEnabled(level) ? process.hrtime.bigint() : null;
    const socket = req.socket;
    const before = socket.bytesWritten;
    res.once('close', () => {
      const bytes = Math.max(0, socket.bytesWritten - before);
      // node:http accepts only the methods it knows, so the label set stays bounded.
      const key = `${where} ${req.method ?? 'GET'} ${res.statusCode}`;
      this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
      this.byteCounts.set(where, (this.byteCounts.get(where) ?? 0) + bytes);
      if (started === null) return;
      logger[level](
        {
          method: req.method,
          url: req.url,
          status: res.statusCode,
          bytes,
          complete: res.writableFinished,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          client: this.clients.clientOf(req),
          userAgent: req.headers['user-agent'],
          range: req.headers.range,
        },
        'access',
      );
    });
  }

  async send(res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(text);
  }
}
