import type { ProgressReport, TaskEntity } from '@app/domain';
import type { TaskArgs, TaskJobName } from '@app/queue';
import type { Logger } from 'pino';

/** What a task handler gets: its record, typed arguments, a cancellation signal, progress reporting and a logger. */
export interface TaskContext<K extends TaskJobName = TaskJobName> {
  readonly task: TaskEntity;
  /** The arguments it was dispatched with (`task.args`), typed by the task's entry in `TaskArgs`. */
  readonly args: TaskArgs[K];
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Creates or updates the report with this code; written to the database at most every half second. */
  progress(code: string, change: Partial<Omit<ProgressReport, 'code'>> & { message?: string }): void;
  /** Adds to `done` of the report with this code. */
  advance(code: string, by?: number): void;
  created(href: string): void;
}

/** A handler's verdict on the work; thrown errors fail the task with their message. */
export type TaskHandler<K extends TaskJobName = TaskJobName> = (context: TaskContext<K>) => Promise<void>;

/** Thrown when a task stops because it was canceled. */
export class TaskCanceledError extends Error {
  constructor() {
    super('the task was canceled');
  }
}
