import { createMetricsRegistry } from '@app/core';
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

/** Prometheus metrics of the content app: requests, bytes served, and how often the path map was warm. */
export class ContentMetrics {
  readonly registry = createMetricsRegistry('content');
  private readonly requests = new Counter({
    name: 'bootdepot_content_requests_total',
    help: 'Content requests answered, by area (files, registry, token, health), method and status.',
    labelNames: ['area', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly bytes = new Counter({
    name: 'bootdepot_content_bytes_served_total',
    help: 'Bytes written to content clients (headers included).',
    labelNames: ['area'] as const,
    registers: [this.registry],
  });

  constructor(resolver: ContentResolver) {
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
    const socket = req.socket;
    const before = socket.bytesWritten;
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const where = area(req.url ?? '/');
      const bytes = Math.max(0, socket.bytesWritten - before);
      this.requests.inc({ area: where, method: req.method ?? 'GET', status: String(res.statusCode) });
      this.bytes.inc({ area: where }, bytes);
      const level = where === 'health' ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          method: req.method,
          url: req.url,
          status: res.statusCode,
          bytes,
          complete: res.writableFinished,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          client: socket.remoteAddress,
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
