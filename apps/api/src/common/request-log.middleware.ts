import { APP_CONFIG, APP_LOGGER, ClientAddressResolver } from '@app/core';
import type { AppConfig } from '@app/config';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { Logger } from 'pino';
import type { CorrelatedRequest } from './correlation';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/** One JSON line per request with its correlation id; health probes and scrapes are not logged. */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly clients: ClientAddressResolver;

  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.clients = new ClientAddressResolver(config.trustedProxies);
  }

  use(req: CorrelatedRequest, res: Response, next: NextFunction): void {
    if (QUIET.has(req.path)) return next();
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      this.logger.info(
        {
          correlationId: req.correlationId,
          method: req.method,
          url: req.originalUrl,
          client: this.clients.clientOf(req),
          status: res.statusCode,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        },
        'request',
      );
    });
    next();
  }
}
