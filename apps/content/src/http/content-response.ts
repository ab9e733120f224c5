import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type HeaderBlock, nodeStoreHeader } from './header-block';
import { writtenBytes } from './socket-bytes';

/** Told once that a response is done: finished, or its connection closed first (`ContentMetrics`). */
export interface ResponseObserver {
  settled(res: ContentResponse): void;
}

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
 * byte count then, the bytes sendfile sent, which area answered), so that observing a request allocates no closure,
 * and it tells its observer when it is done without a `close` listener of its own (`detachSocket` below; the
 * connection's `close` for a response that never finished: `settleOnClose`).
 */
export class ContentResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** `performance.now()` when the request was observed; 0 when no access line is written. */
  observedAt = 0;
  /** The socket's bytes written when this response got it (bytes served = the difference when done + `sentFileBytes`). */
  bytesBefore = 0;
  /** Bytes of this response the kernel sent by sendfile (`ResponseOutlet.sendFile`), which the socket's count misses. */
  sentFileBytes = 0;
  /** Which part of the app answered (metrics label), set when the request is observed. */
  area = '';
  /** Who is told when the response is done; null once told (or never observed). */
  observer: ResponseObserver | null = null;
  /** The prepared header lines `writeBlock` is sending, between its `writeHead` and node:http's `_storeHeader`. */
  private block: HeaderBlock | null = null;

  // Written out: the constructor TypeScript generates for the fields passes `...arguments` on (a spread call on
  // every request).
  constructor(req: Request, options?: { highWaterMark?: number }) {
    // @ts-expect-error node:http passes the server's options (highWaterMark, …); @types/node declares only `req`.
    super(req, options);
  }

  /**
   * node:http gives a response its connection when the responses before it on that connection finished (at once
   * unless requests were pipelined): the bytes written from here on are this response's.
   */
  override assignSocket(socket: Socket): void {
    this.bytesBefore = writtenBytes(socket);
    super.assignSocket(socket);
  }

  /**
   * node:http detaches a response from its connection once the response finished (`resOnFinish`), the one place
   * every completed response passes through: the observer is told here rather than by a `close` listener, whose
   * registration and dispatch on every request cost more than the rest of the metrics (docs/BENCHMARKS.md).
   */
  override detachSocket(socket: Socket): void {
    this.settle();
    super.detachSocket(socket);
  }

  /** Tells the observer, once. */
  settle(): void {
    const observer = this.observer;
    if (observer === null) return;
    this.observer = null;
    observer.settled(this);
  }

  /**
   * `writeHead(statusCode, list)` for a list prepared once (`HeaderBlock`, a kept answer's): node:http gets only its
   * Content-Length, and `_storeHeader` puts the block's lines after the status line. A response that had headers set
   * before takes the list as it is (node:http merges them).
   */
  writeBlock(statusCode: number, block: HeaderBlock, list: readonly string[]): this {
    if (this.getHeaderNames().length !== 0) return this.writeHead(statusCode, list as string[]);
    this.block = block;
    try {
      return super.writeHead(statusCode, block.rest);
    } finally {
      this.block = null;
    }
  }

  /** node:http's header serialisation (called by `writeHead`), given a block's lines after the status line. */
  _storeHeader(firstLine: string, headers: unknown): void {
    const block = this.block;
    nodeStoreHeader!.call(this, block !== null && headers === block.rest ? firstLine + block.text : firstLine, headers);
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

/**
 * Settles, when `socket` closes, the response it still carries: one that never finished (the client left, the
 * response was destroyed, a timeout cut the connection). Called once per connection (`connection` for HTTP,
 * `secureConnection` for HTTPS): node:http's own `close` handling then finds the response already counted.
 */
export function settleOnClose(socket: Socket): void {
  socket.once('close', settleCurrent);
}

function settleCurrent(this: Socket): void {
  const current = (this as unknown as { _httpMessage?: unknown })._httpMessage;
  if (current instanceof ContentResponse) current.settle();
}
