import type { ProgressReport, TaskEntity } from '@app/domain';
import type { Logger } from 'pino';

/** What a task handler gets: its record, a cancellation signal, progress reporting and a logger. */
export interface TaskContext {
  readonly task: TaskEntity;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Creates or updates the report with this code; written to the database at most every half second. */
  progress(code: string, change: Partial<Omit<ProgressReport, 'code'>> & { message?: string }): void;
  /** Adds to `done` of the report with this code. */
  advance(code: string, by?: number): void;
  created(href: string): void;
}

/** A handler's verdict on the work; thrown errors fail the task with their message. */
export type TaskHandler = (context: TaskContext) => Promise<void>;

/** Thrown when a task stops because it was canceled. */
export class TaskCanceledError extends Error {
  constructor() {
    super('the task was canceled');
  }
}
