import { ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';

/** node:http's private `OutgoingMessage#_storeHeader(statusLine, headers)`, which `writeHead` calls. */
interface HeaderStore {
  _storeHeader?: (firstLine: string, headers: unknown) => void;
}

/** node:http's own header serialisation, which `ContentResponse` extends; undefined if a Node release renamed it. */
export const nodeStoreHeader = (ServerResponse.prototype as unknown as HeaderStore)._storeHeader;

/**
 * Header names node:http acts on while it writes a header list (`matchHeader`: keep-alive and framing decisions,
 * `Content-Disposition`'s latin1 encoding). Content-Length stays in the list node:http sees; a list with any of
 * the others is not prepared.
 */
const ACTED_ON = new Set([
  'connection',
  'transfer-encoding',
  'date',
  'expect',
  'trailer',
  'keep-alive',
  'content-disposition',
]);

/**
 * The header lines of an answer sent again and again (`ReadyAnswers`), validated and joined once.
 *
 * node:http validates every header name and value of a list with two regular expressions and concatenates its
 * lines again on every `writeHead` (`processHeader`: about 1,500 instructions a header, 10,500 of a 4 KiB file's
 * ~78,000; docs/BENCHMARKS.md). A block keeps the lines of the fields node:http only copies as one string, checked
 * by node:http's own `validateHeaderName` / `validateHeaderValue` when the block is made; `ContentResponse` puts
 * them after the status line and hands node:http only `Content-Length`, so that everything node:http decides per
 * response (Date, Connection and Keep-Alive, HEAD, HTTP/1.0, the body's framing) is decided as before.
 *
 * The fields go out in the list's order with Content-Length last (field order carries no meaning between
 * different names: RFC 9110, section 5.3).
 */
export class HeaderBlock {
  private constructor(
    /** `Name: value\r\n` for every field but Content-Length. */
    readonly text: string,
    /** `['Content-Length', value]`: what node:http still reads itself. */
    readonly rest: string[],
  ) {}

  /**
   * The block of a complete `[name, value, …]` list with one Content-Length, or null when the list must go through
   * node:http as it is: no Content-Length (node:http frames the body), a field node:http acts on, an invalid name
   * or value (node:http's error then comes from `writeHead`, as for any list), or a Node without `_storeHeader`.
   */
  static of(list: readonly string[]): HeaderBlock | null {
    if (typeof nodeStoreHeader !== 'function' || list.length % 2 !== 0) return null;
    let text = '';
    let rest: string[] | null = null;
    for (let i = 0; i < list.length; i += 2) {
      const name = list[i];
      const value = list[i + 1];
      if (typeof name !== 'string' || typeof value !== 'string') return null;
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        return null;
      }
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        if (rest !== null) return null;
        rest = [name, value];
      } else if (ACTED_ON.has(lower)) {
        return null;
      } else {
        text += `${name}: ${value}\r\n`;
      }
    }
    // One flat string: the per-response concatenation then joins two flat strings.
    return rest === null ? null : new HeaderBlock(Buffer.from(text, 'latin1').toString('latin1'), rest);
  }
}
