import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CORRELATION_HEADER = 'Correlation-ID';

export interface CorrelatedRequest extends Request {
  correlationId?: string;
}

/** Takes the caller's correlation id when it is sane, else makes one, and echoes it on the response. */
export function correlationMiddleware(req: CorrelatedRequest, res: Response, next: NextFunction): void {
  const given = req.header(CORRELATION_HEADER);
  req.correlationId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader(CORRELATION_HEADER, req.correlationId);
  next();
}
