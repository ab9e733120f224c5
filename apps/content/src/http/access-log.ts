import { redactRequestUrl } from '@app/core';
import type { ClientAddressResolver } from '@app/core';
import pino, { type Logger } from 'pino';
import type { ContentResponse } from './content-response';

interface LineSink {
  write(line: string): unknown;
}

/** Printable ASCII without `"` and `\\`: such a string is its own JSON text once quoted. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal; the common case (a plain path, an address, a user agent) skips the encoder. */
function jsonString(text: string): string {
  return PLAIN_JSON.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * The JSON text of the value a field had on the previous line: requests in a row mostly repeat their url, client
 * and user agent, which then cost one string comparison instead of redaction and escaping.
 */
class LastJson {
  private last: string | undefined;
  private json = '""';

  constructor(private readonly prepare: (text: string) => string = (text) => text) {}

  of(text: string): string {
    if (text !== this.last) {
      this.last = text;
      this.json = jsonString(this.prepare(text));
    }
    return this.json;
  }
}

/**
 * The access log: one JSON line per request, the same line pino would write for
 * `logger.info({ method, url, status, bytes, complete, ms, client, userAgent, range }, 'access')`, built as one
 * string and handed straight to the logger's destination. Going through `logger.info` cost a field object, the
 * redaction pass over ~30 paths and pino's serializers on every request; the only field that can carry a secret
 * (the url's query) is redacted here exactly as the logger's `url` serializer does.
 */
export class AccessLog {
  private readonly sink: LineSink;
  /** `,"role":…,"pid":…` as pino writes the logger's bindings. */
  private readonly bindings: string;
  private readonly levels: { info: string; debug: string };
  private lastMs = 0;
  private lastTime = '';
  private readonly url = new LastJson((url) => redactRequestUrl(url) ?? '');
  private readonly client = new LastJson();
  private readonly userAgent = new LastJson();

  constructor(
    private readonly logger: Logger,
    private readonly clients: ClientAddressResolver,
  ) {
    const symbols = pino.symbols as unknown as { streamSym: symbol; chindingsSym: symbol };
    const record = logger as unknown as Record<symbol, unknown>;
    this.sink = record[symbols.streamSym] as LineSink;
    this.bindings = (record[symbols.chindingsSym] as string | undefined) ?? '';
    this.levels = {
      info: `{"level":${logger.levels.values.info},"time":"`,
      debug: `{"level":${logger.levels.values.debug},"time":"`,
    };
  }

  /** Whether a request of this area gets a line (health probes only at debug). */
  enabled(area: string): boolean {
    return this.logger.isLevelEnabled(area === 'health' ? 'debug' : 'info');
  }

  write(res: ContentResponse, bytes: number, ms: number): void {
    const req = res.req;
    const now = Date.now();
    // One ISO time string per millisecond, not per line.
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastTime = new Date(now).toISOString();
    }
    const userAgent = req.headers['user-agent'];
    const range = req.headers.range;
    // node:http accepts only methods it knows (plain upper-case tokens): no escaping needed.
    this.sink.write(
      `${res.area === 'health' ? this.levels.debug : this.levels.info}${this.lastTime}"${this.bindings}` +
        `,"method":"${req.method}","url":${this.url.of(req.url ?? '')}` +
        `,"status":${res.statusCode},"bytes":${bytes},"complete":${res.writableFinished},"ms":${ms}` +
        `,"client":${this.client.of(this.clients.clientOf(req))}` +
        (userAgent === undefined ? '' : `,"userAgent":${this.userAgent.of(userAgent)}`) +
        (range === undefined ? '' : `,"range":${jsonString(range)}`) +
        ',"msg":"access"}\n',
    );
  }
}
