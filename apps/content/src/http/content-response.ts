import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from 'node:http';

const NOSNIFF = 'X-Content-Type-Options';

/**
 * The response class of the content app's listeners (`createServer({ ServerResponse: ContentResponse })`).
 *
 * Every answer carries `X-Content-Type-Options: nosniff` (a browser must not guess HTML out of an uploaded
 * file or a listing). It is added here, inside `writeHead`, rather than with `setHeader` when the request
 * arrives: a header set beforehand sends node:http's `writeHead` down its slow path, which removes and
 * re-validates each header of the flat list one by one (docs/BENCHMARKS.md: a measurable share of a 4 KiB
 * request). A flat `[name, value, …]` list is appended to in place, except a frozen one: that is an answer sent
 * before and kept whole (`ReadyAnswers`); header objects take the slow path as before.
 *
 * It also carries what the metrics and the access log need about the request (when it started, the socket's
 * byte count then, the bytes sendfile sent, which area answered), so that observing a request allocates no closure.
 */
export class ContentResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** `performance.now()` when the request was observed; 0 when no access line is written. */
  observedAt = 0;
  /** `socket.bytesWritten` when the request was observed (bytes served = the difference at `close` + `sentFileBytes`). */
  bytesBefore = 0;
  /** Bytes of this response the kernel sent by sendfile (`ResponseOutlet.sendFile`), which the socket's count misses. */
  sentFileBytes = 0;
  /** Which part of the app answered (metrics label), set when the request is observed. */
  area = '';

  // Written out: the constructor TypeScript generates for the fields passes `...arguments` on (a spread call on
  // every request).
  constructor(req: Request, options?: { highWaterMark?: number }) {
    // @ts-expect-error node:http passes the server's options (highWaterMark, …); @types/node declares only `req`.
    super(req, options);
  }

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const list = typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders;
    // A frozen list is a complete answer kept for reuse (ReadyAnswers): it already carries the header.
    if (Array.isArray(list)) {
      if (!Object.isFrozen(list)) list.push(NOSNIFF, 'nosniff');
    } else if (!this.headersSent) this.setHeader(NOSNIFF, 'nosniff');
    return typeof reasonOrHeaders === 'string'
      ? super.writeHead(statusCode, reasonOrHeaders, list)
      : super.writeHead(statusCode, list);
  }
}
