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

/** One area's and method's requests by status, and its area's bytes (shared by the area's methods). */
interface MethodCounts {
  area: string;
  method: string;
  byStatus: number[];
  bytes: { bytes: number };
}

/**
 * Prometheus metrics of the content app: requests, bytes served, and how often the path map was warm.
 * Requests are counted in plain maps and folded into the counters when scraped: labelled `inc` calls on
 * every request cost a tenth of the small-file request rate.
 */
export class ContentMetrics implements ResponseObserver {
  readonly registry = createMetricsRegistry('content');
  /** Requests by area and method, each with its counts by status and its area's bytes. */
  private readonly requestCounts = new Map<string, Map<string, MethodCounts>>();
  private readonly byteCounts = new Map<string, { bytes: number }>();
  /** The counts the previous request went to: requests in a row mostly share their area and method. */
  private last: MethodCounts = { area: '', method: '', byStatus: [], bytes: { bytes: 0 } };

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
          for (const [method, { byStatus }] of byMethod)
            byStatus.forEach((count, status) => {
              if (count > 0) this.inc({ area, method, status: String(status) }, count);
            });
      },
    });
    new Counter({
      name: 'bootdepot_content_bytes_served_total',
      help: 'Bytes written to content clients (headers included).',
      labelNames: ['area'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [area, { bytes }] of byteCounts) this.inc({ area }, bytes);
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
    const method = res.req.method ?? 'GET';
    let counts = this.last;
    // node:http hands out one string per method and areas are constants: both compares are pointer checks.
    if (counts.area !== res.area || counts.method !== method) this.last = counts = this.countsFor(res.area, method);
    counts.byStatus[res.statusCode] = (counts.byStatus[res.statusCode] ?? 0) + 1;
    counts.bytes.bytes += bytes;
    if (res.observedAt === 0 || !this.accessLog) return;
    this.accessLog.write(res, bytes, performance.now() - res.observedAt);
  }

  /** node:http accepts only the methods it knows, and statuses are ours: the label set stays bounded. */
  private countsFor(area: string, method: string): MethodCounts {
    let byMethod = this.requestCounts.get(area);
    if (!byMethod) this.requestCounts.set(area, (byMethod = new Map()));
    let counts = byMethod.get(method);
    if (!counts) {
      let bytes = this.byteCounts.get(area);
      if (!bytes) this.byteCounts.set(area, (bytes = { bytes: 0 }));
      // Indexed by status (100–599): an increment instead of a map's get and set.
      counts = { area, method, byStatus: new Array<number>(600).fill(0), bytes };
      byMethod.set(method, counts);
    }
    return counts;
  }

  async send(res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(text);
  }
}
