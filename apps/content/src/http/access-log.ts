import { redactRequestUrl } from '@app/core';
import type { ClientAddressResolver } from '@app/core';
import pino, { type Logger } from 'pino';
import type { ContentResponse } from './content-response';

/** A destination that takes a line as text (pino's own, a test's). */
interface LineSink {
  write(line: string): unknown;
}

/** A destination that lets a line be encoded straight into its batch (`LineWriter`, what serving processes use). */
interface ByteSink extends LineSink {
  reserve(maxBytes: number): Buffer | null;
  readonly offset: number;
  commit(end: number): void;
}

function isByteSink(sink: LineSink): sink is ByteSink {
  return typeof (sink as Partial<ByteSink>).reserve === 'function';
}

/** Printable ASCII without `"` and `\\`: such a string is its own JSON text once quoted. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal; the common case (a plain path, an address, a user agent) skips the encoder. */
function jsonString(text: string): string {
  return PLAIN_JSON.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * The UTF-8 bytes of the JSON text of the value a field had on the previous line: requests in a row mostly repeat
 * their url, client and user agent, which then cost one string comparison instead of redaction, escaping and
 * encoding.
 */
class LastJson {
  private last: string | undefined;
  private bytes = Buffer.from('""');

  constructor(private readonly prepare: (text: string) => string = (text) => text) {}

  of(text: string): Buffer {
    if (text !== this.last) {
      this.last = text;
      this.bytes = Buffer.from(jsonString(this.prepare(text)));
    }
    return this.bytes;
  }
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
const STATUS = ascii(',"status":');
const BYTES = ascii(',"bytes":');
const COMPLETE = ascii(',"complete":true,"ms":');
const INCOMPLETE = ascii(',"complete":false,"ms":');
const CLIENT = ascii(',"client":');
const USER_AGENT = ascii(',"userAgent":');
const RANGE = ascii(',"range":');
const END = ascii(',"msg":"access"}\n');
/** Everything of a line but its strings: level, time, field names, three numbers (generously). */
const FIXED_BYTES = 256;
const ZERO = 0x30;

/** Writes a non-negative integer's decimal digits at `at`; returns where they end. */
function writeDigits(buffer: Buffer, at: number, value: number): number {
  let end = at;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) end++;
  for (let i = end, rest = value; i >= at; i--, rest = Math.floor(rest / 10)) buffer[i] = ZERO + (rest % 10);
  return end + 1;
}

/** Milliseconds to two decimals as JavaScript prints the rounded number (`12`, `0.5`, `0.03`). */
function writeMs(buffer: Buffer, at: number, ms: number): number {
  const hundredths = Math.round(ms * 100);
  let end = writeDigits(buffer, at, Math.floor(hundredths / 100));
  const fraction = hundredths % 100;
  if (fraction !== 0) {
    buffer[end++] = 0x2e;
    buffer[end++] = ZERO + Math.floor(fraction / 10);
    if (fraction % 10 !== 0) buffer[end++] = ZERO + (fraction % 10);
  }
  return end;
}

/**
 * The access log: one JSON line per request, the same line pino would write for
 * `logger.info({ method, url, status, bytes, complete, ms, client, userAgent, range }, 'access')`, encoded byte by
 * byte straight into the log's batch (`LineWriter.reserve`): the parts that repeat from line to line (url, client,
 * user agent, the second of the time) are kept encoded, the numbers are written as digits, and no string is built
 * per request. Going through `logger.info` cost a field object, the redaction pass over ~30 paths and pino's
 * serializers on every request; building the line as a string cost as much again in concatenation, flattening and
 * encoding (docs/BENCHMARKS.md). The only field that can carry a secret (the url's query) is redacted here exactly
 * as the logger's `url` serializer does.
 */
export class AccessLog {
  private readonly sink: LineSink;
  /** `{"level":…,"time":"` for lines at info (requests) and at debug (health probes). */
  private readonly levels: { info: Buffer; debug: Buffer };
  /** `","role":…,"pid":…` as pino writes the logger's bindings, after the time's closing quote. */
  private readonly bindings: Buffer;
  /** `,"method":"GET","url":` by method. */
  private readonly methods = new Map<string, Buffer>();
  private readonly url = new LastJson((url) => redactRequestUrl(url) ?? '');
  private readonly client = new LastJson();
  private readonly userAgent = new LastJson();
  /** The ISO time of the current millisecond (24 ASCII bytes); its first 20 are redone once a second. */
  private readonly time = Buffer.from('1970-01-01T00:00:00.000Z', 'latin1');
  private lastMs = -1;
  private lastSecond = -1;
  /** Where lines are encoded for a destination that takes text. */
  private scratch = Buffer.allocUnsafe(4096);

  constructor(
    private readonly logger: Logger,
    private readonly clients: ClientAddressResolver,
  ) {
    const symbols = pino.symbols as unknown as { streamSym: symbol; chindingsSym: symbol };
    const record = logger as unknown as Record<symbol, unknown>;
    this.sink = record[symbols.streamSym] as LineSink;
    this.bindings = Buffer.from(`"${(record[symbols.chindingsSym] as string | undefined) ?? ''}`);
    this.levels = {
      info: ascii(`{"level":${logger.levels.values.info},"time":"`),
      debug: ascii(`{"level":${logger.levels.values.debug},"time":"`),
    };
  }

  /** Whether a request of this area gets a line (health probes only at debug). */
  enabled(area: string): boolean {
    return this.logger.isLevelEnabled(area === 'health' ? 'debug' : 'info');
  }

  /** One line for an answered request: `bytes` written to the client, `ms` from request to close. */
  write(res: ContentResponse, bytes: number, ms: number): void {
    const req = res.req;
    const headers = req.headers;
    const userAgent = headers['user-agent'];
    const range = headers.range;
    const url = this.url.of(req.url ?? '');
    const client = this.client.of(this.clients.clientOf(req));
    const agent = userAgent === undefined ? null : this.userAgent.of(userAgent);
    const ranged = range === undefined ? null : Buffer.from(jsonString(range));
    // node:http accepts only methods it knows (plain upper-case tokens): no escaping needed.
    const method = this.methodBytes(req.method ?? 'GET');
    const longest =
      FIXED_BYTES +
      this.bindings.length +
      method.length +
      url.length +
      client.length +
      (agent === null ? 0 : agent.length) +
      (ranged === null ? 0 : ranged.length);
    const sink = this.sink;
    const bytesSink = isByteSink(sink);
    const buffer = bytesSink ? sink.reserve(longest) : this.scratchFor(longest);
    if (buffer === null) return;
    const start = bytesSink ? sink.offset : 0;
    let at = start;
    at = put(buffer, at, res.area === 'health' ? this.levels.debug : this.levels.info);
    at = put(buffer, at, this.timeNow());
    at = put(buffer, at, this.bindings);
    at = put(buffer, at, method);
    at = put(buffer, at, url);
    at = writeDigits(buffer, put(buffer, at, STATUS), res.statusCode);
    at = writeDigits(buffer, put(buffer, at, BYTES), bytes);
    at = writeMs(buffer, put(buffer, at, res.writableFinished ? COMPLETE : INCOMPLETE), ms);
    at = put(buffer, put(buffer, at, CLIENT), client);
    if (agent !== null) at = put(buffer, put(buffer, at, USER_AGENT), agent);
    if (ranged !== null) at = put(buffer, put(buffer, at, RANGE), ranged);
    at = put(buffer, at, END);
    if (bytesSink) sink.commit(at);
    else sink.write(buffer.toString('utf8', 0, at));
  }

  /** The current time's ISO bytes: rewritten once a millisecond, its date and second once a second. */
  private timeNow(): Buffer {
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      const ms = now % 1000;
      if (now - ms !== this.lastSecond) {
        // `toISOString` formats through printf-style code (~7,500 instructions): once a second, not per line.
        this.lastSecond = now - ms;
        this.time.write(new Date(this.lastSecond).toISOString().slice(0, 20), 0, 'latin1');
      }
      this.time[20] = ZERO + Math.floor(ms / 100);
      this.time[21] = ZERO + (Math.floor(ms / 10) % 10);
      this.time[22] = ZERO + (ms % 10);
    }
    return this.time;
  }

  private methodBytes(method: string): Buffer {
    let bytes = this.methods.get(method);
    if (bytes === undefined) {
      bytes = ascii(`,"method":"${method}","url":`);
      this.methods.set(method, bytes);
    }
    return bytes;
  }

  private scratchFor(bytes: number): Buffer {
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(bytes);
    return this.scratch;
  }
}

function put(buffer: Buffer, at: number, part: Buffer): number {
  buffer.set(part, at);
  return at + part.length;
}
