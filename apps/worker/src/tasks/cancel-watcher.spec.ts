import type { TaskState } from '@app/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchForCancel } from './cancel-watcher';
import { TaskCanceledError } from './task-context';

afterEach(() => vi.useRealTimers());

describe('watchForCancel', () => {
  it('aborts with TaskCanceledError on the first poll that finds the task canceling, ticking on every poll', async () => {
    vi.useFakeTimers();
    let state: TaskState = 'running';
    const abort = new AbortController();
    const onTick = vi.fn();
    const stop = watchForCancel({ stateOf: async () => state }, 't', abort, onTick, 1000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(abort.signal.aborted).toBe(false);
    expect(onTick).toHaveBeenCalledTimes(2);
    state = 'canceling';
    await vi.advanceTimersByTimeAsync(1000);
    expect(abort.signal.reason).toBeInstanceOf(TaskCanceledError);
    stop();
  });

  it('polls no more once stopped', async () => {
    vi.useFakeTimers();
    const stateOf = vi.fn(async (): Promise<TaskState> => 'canceling');
    const abort = new AbortController();
    watchForCancel({ stateOf }, 't', abort, () => undefined, 1000)();
    await vi.advanceTimersByTimeAsync(5000);
    expect(stateOf).not.toHaveBeenCalled();
    expect(abort.signal.aborted).toBe(false);
  });
});
