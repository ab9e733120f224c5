import type { IncomingMessage, ServerResponse } from 'node:http';
import { ContentResponse } from '../http/content-response';
import type { KeepAnswer } from '../http/entity.sender';
import { HeaderBlock } from '../http/header-block';

/**
 * A complete 200 answer: its header list exactly as sent (frozen), the same lines validated and joined once (null
 * when node:http has to see the whole list) and the bytes of its body.
 */
interface ReadyAnswer {
  headers: readonly string[];
  block: HeaderBlock | null;
  body: Buffer;
}

const MAX_ANSWERS = 4096;
/** Bodies are shared with the blob and render caches, but an answer keeps its body alive after they evict it. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Whole answers of public files kept by request URL, the way a front cache keeps them: a warm request for a small
 * file or `.treeinfo` of a public distribution (what a boot storm asks, thousands of times over) is answered by one
 * map lookup instead of parsing the path, matching the base path and walking the version's tree again
 * (docs/BENCHMARKS.md: that walk was the largest part of what bootdepot costs above a bare node:http server).
 *
 * An answer is valid for the distribution snapshot it was built under, so it never outlives what decided it:
 * every change to a distribution, its repository's versions or its guard reaches the content app as a new
 * snapshot (pub/sub, or at most a minute later), and the first request under a new snapshot drops them all. Only
 * answers that depend on nothing but the URL and that snapshot are kept: the router offers a `KeepAnswer` for
 * public, non-HTTPS-only, non-`require_verified` distributions only, and a request with a conditional or a range
 * takes the full path. Its header lines are validated and joined once (`HeaderBlock`), not on every answer.
 */
export class ReadyAnswers {
  private snapshot: object | null = null;
  private readonly answers = new Map<string, ReadyAnswer>();
  private bytes = 0;

  /**
   * Sends the kept answer to a plain GET or HEAD of a URL answered before under `snapshot`; false (nothing sent)
   * when the request must take the full path.
   */
  answer(req: IncomingMessage, res: ServerResponse, snapshot: object): boolean {
    if (snapshot !== this.snapshot) {
      this.reset(snapshot);
      return false;
    }
    const ready = this.answers.get(req.url!);
    if (ready === undefined) return false;
    const headers = req.headers;
    if (headers.range !== undefined || headers['if-none-match'] !== undefined) return false;
    if (headers['if-modified-since'] !== undefined) return false;
    // A frozen list is complete (ContentResponse adds nothing to it).
    if (ready.block !== null && res instanceof ContentResponse) res.writeBlock(200, ready.block, ready.headers);
    else res.writeHead(200, ready.headers as string[]);
    res.end(req.method === 'HEAD' ? undefined : ready.body);
    return true;
  }

  /** How the answer to `url` under `snapshot` is kept, once the full path has sent it. */
  keeper(url: string, snapshot: object): KeepAnswer {
    return (headers, body) => {
      if (snapshot !== this.snapshot) return;
      if (this.answers.size >= MAX_ANSWERS || this.bytes + body.length > MAX_BYTES) this.reset(snapshot);
      const previous = this.answers.get(url);
      if (previous) this.bytes -= previous.body.length;
      this.answers.set(url, { headers: Object.freeze([...headers]), block: HeaderBlock.of(headers), body });
      this.bytes += body.length;
    };
  }

  get size(): number {
    return this.answers.size;
  }

  private reset(snapshot: object): void {
    this.snapshot = snapshot;
    this.answers.clear();
    this.bytes = 0;
  }
}
