import { getEventListeners, getMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { allowLinkedRequests, linkedSignal } from './linked-signal';

describe('linkedSignal', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const task = new AbortController();
    const timeout = new AbortController();
    const { signal } = linkedSignal(task.signal, timeout.signal);
    expect(signal.aborted).toBe(false);
    timeout.abort(new Error('too slow'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('too slow');
  });

  it('is aborted at once when a source already is', () => {
    const task = new AbortController();
    task.abort('canceled');
    const { signal } = linkedSignal(task.signal, new AbortController().signal);
    expect(signal.reason).toBe('canceled');
  });

  it('leaves nothing on a long-lived source once unlinked, however many requests it served', () => {
    const task = new AbortController();
    for (let i = 0; i < 1000; i++) {
      const { signal, unlink } = linkedSignal(task.signal, new AbortController().signal);
      expect(signal.aborted).toBe(false);
      unlink();
    }
    expect(getEventListeners(task.signal, 'abort')).toHaveLength(0);
    const { signal } = linkedSignal(task.signal);
    task.abort('canceled');
    expect(signal.reason).toBe('canceled');
  });
});

describe('allowLinkedRequests', () => {
  it('lets a sync have hundreds of requests in flight without a leak warning, and keeps a bound', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const plain = new AbortController().signal;
      // Node warns past this many listeners on a signal: 32 HEADs in flight (SYNC_HEAD_CONCURRENCY) would.
      expect(getMaxListeners(plain)).toBe(10);
      const sync = allowLinkedRequests(new AbortController().signal);
      expect(getMaxListeners(sync)).toBe(1024);
      const links = Array.from({ length: 256 }, () => linkedSignal(sync));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      for (const link of links) link.unlink();
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
