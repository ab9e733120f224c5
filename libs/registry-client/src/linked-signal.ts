/**
 * A signal that aborts when any of `sources` does, until `unlink()`. Not `AbortSignal.any()`: Node 20 keeps
 * every signal that call returns, with the listeners on it, alive for as long as its longest-lived source. A
 * sync's cancel signal outlives one request per tag, so 50,000 HEADs kept 50,000 requests' worth of memory.
 */
export function linkedSignal(...sources: AbortSignal[]): { signal: AbortSignal; unlink(): void } {
  const controller = new AbortController();
  const links: [AbortSignal, () => void][] = [];
  const unlink = () => {
    for (const [source, listener] of links) source.removeEventListener('abort', listener);
    links.length = 0;
  };
  for (const source of sources) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const listener = () => {
      controller.abort(source.reason);
      unlink();
    };
    source.addEventListener('abort', listener, { once: true });
    links.push([source, listener]);
  }
  if (controller.signal.aborted) unlink();
  return { signal: controller.signal, unlink };
}
