import { setMaxListeners } from 'node:events';

/**
 * Every request in flight links to the signal of the sync (or download batch) it belongs to, one listener each,
 * so such a signal legitimately carries up to SYNC_HEAD_CONCURRENCY (at most 256) HEADs' or the download
 * concurrency's worth of listeners at once; Node warns of a leak past 10 (MaxListenersExceededWarning). The bound
 * stays finite so that a real leak (listeners that are never removed) still shows.
 */
const REQUESTS_IN_FLIGHT_MAX = 1024;

/** Lets requests link to `signal` by the hundred without Node mistaking them for a leak. */
export function allowLinkedRequests(signal: AbortSignal): AbortSignal {
  setMaxListeners(REQUESTS_IN_FLIGHT_MAX, signal);
  return signal;
}

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
