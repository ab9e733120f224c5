import type { ProgressReport, TaskEntity, TasksRepository } from '@app/domain';
import type { TaskArgs, TaskJobName } from '@app/queue';
import type { Logger } from 'pino';
import type { TaskContext } from './task-context';

const PROGRESS_FLUSH_MS = 500;

/** A handler's view of its task: progress kept in memory and written at most every half second. */
export class RunningTask implements TaskContext {
  readonly createdResources: string[] = [];
  private readonly reports: ProgressReport[];
  private dirty = false;
  private lastFlush = 0;
  private flushing: Promise<void> | null = null;

  constructor(
    readonly task: TaskEntity,
    readonly args: TaskArgs[TaskJobName],
    readonly signal: AbortSignal,
    readonly logger: Logger,
    private readonly tasks: TasksRepository,
  ) {
    this.reports = task.progressReports ?? [];
  }

  progress(code: string, change: Partial<Omit<ProgressReport, 'code'>>): void {
    let report = this.reports.find((r) => r.code === code);
    if (!report) {
      report = { code, message: change.message ?? code, state: 'running', total: null, done: 0, suffix: null };
      this.reports.push(report);
    }
    Object.assign(report, change);
    this.touch();
  }

  advance(code: string, by = 1): void {
    const report = this.reports.find((r) => r.code === code);
    if (report) report.done += by;
    else this.progress(code, { done: by });
    this.touch();
  }

  created(href: string): void {
    this.createdResources.push(href);
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (!this.dirty) return;
    this.dirty = false;
    this.lastFlush = Date.now();
    this.flushing = this.tasks
      .saveProgress(
        this.task.id,
        this.reports.map((r) => ({ ...r })),
      )
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  private touch(): void {
    this.dirty = true;
    if (Date.now() - this.lastFlush >= PROGRESS_FLUSH_MS) void this.flush().catch(() => (this.dirty = true));
  }
}
