import { createMetricsRegistry } from '@app/core';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter } from 'prom-client';
import type { ContentResolver } from '../resolve/content-resolver';
import type { AccessLog } from './access-log';
import type { ContentResponse, ResponseObserver } from './content-response';
import { sentFileTotal, writtenBytes } from './socket-bytes';

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
export class ContentMetrics implements ResponseObserver {
  readonly registry = createMetricsRegistry('content');
  /** Requests by area, method and status (nested: no key string built per request), and bytes by area. */
  private readonly requestCounts = new Map<string, Map<string, Map<number, number>>>();
  private readonly byteCounts = new Map<string, number>();

  constructor(
    resolver: ContentResolver,
    /** Writes one line per request when its level is on; none in tests that only count. */
    private readonly accessLog?: AccessLog,
  ) {
    const { requestCounts, byteCounts } = this;
    new Counter({
      name: 'bootdepot_content_requests_total',
      help: 'Content requests answered, by area (files, registry, token, health), method and status.',
      labelNames: ['area', 'method', 'status'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [area, byMethod] of requestCounts)
          for (const [method, byStatus] of byMethod)
            for (const [status, count] of byStatus) this.inc({ area, method, status: String(status) }, count);
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
      name: 'bootdepot_content_sendfile_bytes_total',
      help: 'Of the bytes served, those the kernel sent straight from stored files (sendfile; CONTENT_SENDFILE).',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(sentFileTotal.bytes);
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

  /**
   * Counts the request when it is done and writes its access-log line (info level; health probes at debug).
   * What the count and the line need rides on the response itself, which calls `settled` back once
   * (`ContentResponse.detachSocket`, `settleOnClose`), so observing a request allocates nothing and registers no
   * listener (docs/BENCHMARKS.md).
   */
  observe(res: ContentResponse): void {
    const where = area(res.req.url ?? '/');
    res.area = where;
    res.observedAt = this.accessLog?.enabled(where) ? performance.now() : 0;
    res.observer = this;
  }

  settled(res: ContentResponse): void {
    const bytes = Math.max(0, writtenBytes(res.req.socket) - res.bytesBefore) + res.sentFileBytes;
    // node:http accepts only the methods it knows, and statuses are ours: the label set stays bounded.
    let byStatus = this.requestCounts.get(res.area)?.get(res.req.method ?? 'GET');
    if (!byStatus) byStatus = this.countsFor(res.area, res.req.method ?? 'GET');
    byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
    this.byteCounts.set(res.area, (this.byteCounts.get(res.area) ?? 0) + bytes);
    if (res.observedAt === 0 || !this.accessLog) return;
    this.accessLog.write(res, bytes, performance.now() - res.observedAt);
  }

  private countsFor(area: string, method: string): Map<number, number> {
    let byMethod = this.requestCounts.get(area);
    if (!byMethod) this.requestCounts.set(area, (byMethod = new Map()));
    const byStatus = new Map<number, number>();
    byMethod.set(method, byStatus);
    return byStatus;
  }

  async send(res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(text);
  }
}
