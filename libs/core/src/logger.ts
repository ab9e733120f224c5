import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import type { LogLevel } from '@app/config';
import { LineWriter } from './line-writer';
import { redactRequestUrl } from './log-redaction';

/** The longest a buffered log line waits before it is written. */
export const LOG_FLUSH_MS = 1000;

const BUFFERED = { minLength: 64 * 1024, flushMs: LOG_FLUSH_MS };

/** Paths whose values never reach a log line, whatever object they sit in. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'username',
  '*.username',
  'client_key',
  '*.client_key',
  'proxy_username',
  '*.proxy_username',
  'proxy_password',
  '*.proxy_password',
  'access_token',
  '*.access_token',
  'grant',
  '*.grant',
  'signature',
  '*.signature',
  'proxy-authorization',
  '*.proxy-authorization',
  'req.headers["proxy-authorization"]',
  'headers["proxy-authorization"]',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * JSON lines to stdout, or appended to `file` when given (LOG_FILE).
 *
 * `buffered` (the processes that serve content, which write an access line per request): lines are collected
 * and written in batches of 64 KiB (about two hundred access lines), or after at most `LOG_FLUSH_MS` — one
 * write per request cost more than the rest of a small request (docs/BENCHMARKS.md). What is left is written when the
 * process exits; a process killed with SIGKILL loses at most that last batch (`LineWriter`).
 */
export function createLogger(level: LogLevel, role: string, file?: string, buffered = false): Logger {
  return pino(
    {
      level,
      base: { role, pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Every line's `url` (access log, request log, anything else): grants, signatures and tokens in the
      // query string are live credentials, as reusable from a log as from the wire.
      serializers: { url: (url: unknown) => (typeof url === 'string' ? redactRequestUrl(url) : url) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    buffered
      ? file
        ? LineWriter.append(file, BUFFERED)
        : new LineWriter(1, BUFFERED)
      : file
        ? pino.destination({ dest: file, append: true, sync: true })
        : undefined,
  );
}

/** Routes Nest's own messages through pino so every line is JSON. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    // Several Nest apps share one process under `npm start`; each has its own container and DataSource,
    // so @nestjs/typeorm's global duplicate-name warning does not apply.
    if (context === 'DataSourceNameRegistry') return;
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
