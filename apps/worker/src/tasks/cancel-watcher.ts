import type { TasksRepository } from '@app/domain';
import { TaskCanceledError } from './task-context';

const CANCEL_POLL_MS = 1000;

/**
 * Polls the task's state and aborts `abort` once the API has set it `canceling`; `onTick` runs on every poll
 * (the runner flushes progress there). Returns the function that stops watching.
 */
export function watchForCancel(
  tasks: Pick<TasksRepository, 'stateOf'>,
  taskId: string,
  abort: AbortController,
  onTick: () => void,
  intervalMs = CANCEL_POLL_MS,
): () => void {
  const timer = setInterval(() => {
    void tasks
      .stateOf(taskId)
      .then((state) => {
        if (state === 'canceling') abort.abort(new TaskCanceledError());
      })
      .catch(() => undefined);
    onTick();
  }, intervalMs);
  return () => clearInterval(timer);
}
