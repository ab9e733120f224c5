import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Counts every request, refused ones included, by its route pattern — never the raw URL, whose ids
 * would make the label set grow without bound.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.metrics.http.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      this.metrics.http.duration.observe(
        { route, method: req.method },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  }
}
