import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { type CorrelatedRequest, correlationMiddleware } from './correlation';
import { FieldErrors } from './problem';

interface Answer {
  status: number;
  detail: string;
  errors?: Record<string, string[]>;
  headers?: Record<string, string>;
}

/** Postgres error codes that mean the caller asked for something impossible, not that we broke. */
const PG_CALLER_ERRORS: Record<string, Answer> = {
  '23505': { status: 409, detail: 'an object with these unique values already exists' },
  '23503': { status: 409, detail: 'the object is still referenced by another object' },
  '22P02': { status: 400, detail: 'a value has the wrong format' },
  '22003': { status: 400, detail: 'a number is out of range' },
  // Postgres text cannot hold NUL (U+0000); JSON and query strings can.
  '22021': { status: 400, detail: 'a text value contains a character that cannot be stored (NUL)' },
};

function answerFor(error: unknown): Answer | null {
  if (error instanceof FieldErrors) {
    return { status: 400, detail: `Invalid request: ${error.message}`, errors: error.errors };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown }).message === 'string'
          ? (body as { message: string }).message
          : error.message;
    const headers = status === 401 ? { 'WWW-Authenticate': 'Basic realm="bootdepot"' } : undefined;
    return { status, detail, headers };
  }
  if (error instanceof QueryFailedError) {
    const code = (error as QueryFailedError & { code?: string }).code;
    if (code && PG_CALLER_ERRORS[code]) return PG_CALLER_ERRORS[code];
    return null;
  }
  // Errors raised by the body parser before a route runs (malformed JSON, oversized body).
  const status = (error as { status?: number; statusCode?: number }).status;
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed') return { status: 400, detail: 'the request body is not valid JSON' };
  if (type === 'entity.too.large') return { status: 413, detail: 'the request body is too large' };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, detail: (error as Error).message || 'bad request' };
  }
  return null;
}

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<CorrelatedRequest>();
    const res = http.getResponse<Response>();
    // The body parser and Express's own URL decoding fail before the correlation middleware runs; those
    // answers need an id too, or the error body breaks its shape and the client has nothing to quote.
    if (!req.correlationId && !res.headersSent) correlationMiddleware(req, res, () => undefined);
    const correlationId = req.correlationId ?? '';
    let answer = answerFor(error);
    if (!answer) {
      this.logger.error({ err: error, correlationId, method: req.method, url: req.originalUrl }, 'unhandled error');
      answer = { status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'internal server error' };
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.status(answer.status).json({ detail: answer.detail, errors: answer.errors, correlation_id: correlationId });
  }
}
