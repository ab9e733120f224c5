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
 * The UTF-8 bytes a pair of values encodes to, kept for the next line: requests in a row mostly repeat their method
 * and url, client and user agent, which then cost two string comparisons instead of redaction, escaping and
 * encoding.
 */
class LastBytes<A, B> {
  private lastA: A | undefined;
  private lastB: B | undefined;
  private bytes: Buffer | undefined;

  constructor(private readonly encode: (a: A, b: B) => string) {}

  of(a: A, b: B): Buffer {
    if (this.bytes === undefined || a !== this.lastA || b !== this.lastB) {
      this.lastA = a;
      this.lastB = b;
      this.bytes = Buffer.from(this.encode(a, b));
    }
    return this.bytes;
  }
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
const BYTES = ascii(',"bytes":');
const COMPLETE = ascii(',"complete":true,"ms":');
const INCOMPLETE = ascii(',"complete":false,"ms":');
const END = ',"msg":"access"}\n';
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
  /** The sink itself when lines can be encoded into its batch (decided once: the logger's destination is fixed). */
  private readonly byteSink: ByteSink | null;
  /** `{"level":…,"time":"<ISO time of the current millisecond>` at info (requests) and at debug (health probes). */
  private readonly leads: { info: Buffer; debug: Buffer };
  /** `","role":…,"pid":…,"method":…,"url":…,"status":` (the logger's bindings as pino writes them). */
  private readonly head: LastBytes<string, string>;
  /** `,"client":…,"userAgent":…,"msg":"access"}` and the newline. */
  private readonly tail = new LastBytes(
    (client: string, agent: string | undefined) => `${clientAndAgent(client, agent)}${END}`,
  );
  private lastMs = -1;
  private lastSecond = -1;
  /** Where lines are encoded for a destination that takes text. */
  private scratch = Buffer.allocUnsafe(4096);
  /** The logger's levels as booleans, asked on every request (pino's `isLevelEnabled` looks them up each time). */
  private readonly levels = { info: false, debug: false };

  constructor(
    private readonly logger: Logger,
    private readonly clients: ClientAddressResolver,
  ) {
    const symbols = pino.symbols as unknown as { streamSym: symbol; chindingsSym: symbol };
    const record = logger as unknown as Record<symbol, unknown>;
    this.sink = record[symbols.streamSym] as LineSink;
    this.byteSink = isByteSink(this.sink) ? this.sink : null;
    const bindings = (record[symbols.chindingsSym] as string | undefined) ?? '';
    // node:http accepts only methods it knows (plain upper-case tokens): no escaping needed.
    this.head = new LastBytes(
      (method: string, url: string) =>
        `"${bindings},"method":"${method}","url":${jsonString(redactRequestUrl(url) ?? '')},"status":`,
    );
    const lead = (level: number) => ascii(`{"level":${level},"time":"1970-01-01T00:00:00.000Z`);
    this.leads = { info: lead(logger.levels.values.info), debug: lead(logger.levels.values.debug) };
    this.readLevels();
    logger.on('level-change', () => this.readLevels());
  }

  /** Whether a request of this area gets a line (health probes only at debug). */
  enabled(area: string): boolean {
    return area === 'health' ? this.levels.debug : this.levels.info;
  }

  private readLevels(): void {
    this.levels.info = this.logger.isLevelEnabled('info');
    this.levels.debug = this.logger.isLevelEnabled('debug');
  }

  /** One line for an answered request: `bytes` written to the client, `ms` from request to close. */
  write(res: ContentResponse, bytes: number, ms: number): void {
    const req = res.req;
    const headers = req.headers;
    const agent = headers['user-agent'];
    const range = headers.range;
    const head = this.head.of(req.method ?? 'GET', req.url ?? '');
    const client = this.clients.clientOf(req);
    // A ranged request's tail is its own (ranges vary from request to request).
    const tail =
      range === undefined
        ? this.tail.of(client, agent)
        : Buffer.from(`${clientAndAgent(client, agent)},"range":${jsonString(range)}${END}`);
    const longest = FIXED_BYTES + head.length + tail.length;
    const sink = this.byteSink;
    const buffer = sink ? sink.reserve(longest) : this.scratchFor(longest);
    if (buffer === null) return;
    this.stampTime();
    let at = put(buffer, sink ? sink.offset : 0, res.area === 'health' ? this.leads.debug : this.leads.info);
    at = writeDigits(buffer, put(buffer, at, head), res.statusCode);
    at = writeDigits(buffer, put(buffer, at, BYTES), bytes);
    at = writeMs(buffer, put(buffer, at, res.writableFinished ? COMPLETE : INCOMPLETE), ms);
    at = put(buffer, at, tail);
    if (sink) sink.commit(at);
    else this.sink.write(buffer.toString('utf8', 0, at));
  }

  /** Puts the current time into the leads: its milliseconds when they changed, its date and second once a second. */
  private stampTime(): void {
    const now = Date.now();
    if (now === this.lastMs) return;
    this.lastMs = now;
    const ms = now % 1000;
    // `toISOString` formats through printf-style code (~7,500 instructions): once a second, not per line.
    const second = now - ms === this.lastSecond ? null : new Date(now - ms).toISOString().slice(0, 20);
    stamp(this.leads.info, second, ms);
    stamp(this.leads.debug, second, ms);
    this.lastSecond = now - ms;
  }

  private scratchFor(bytes: number): Buffer {
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(bytes);
    return this.scratch;
  }
}

/** Writes into a lead's last 24 bytes the date and second (when it changed) and the milliseconds. */
function stamp(lead: Buffer, second: string | null, ms: number): void {
  const at = lead.length - 24;
  if (second !== null) lead.write(second, at, 'latin1');
  lead[at + 20] = ZERO + Math.floor(ms / 100);
  lead[at + 21] = ZERO + (Math.floor(ms / 10) % 10);
  lead[at + 22] = ZERO + (ms % 10);
}

function clientAndAgent(client: string, agent: string | undefined): string {
  return `,"client":${jsonString(client)}${agent === undefined ? '' : `,"userAgent":${jsonString(agent)}`}`;
}

function put(buffer: Buffer, at: number, part: Buffer): number {
  buffer.set(part, at);
  return at + part.length;
}
