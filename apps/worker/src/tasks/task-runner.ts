import { APP_CONFIG, APP_LOGGER, HeartbeatService, redisOptionsFromUrl } from '@app/core';
import type { AppConfig } from '@app/config';
import { FINAL_TASK_STATES, ProgressReport, TaskEntity } from '@app/domain';
import { TASK_QUEUE, TASKS, taskLocks, type TaskArgs, type TaskJobName } from '@app/queue';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource, In } from 'typeorm';
import { TaskCanceledError, TaskContext, TaskHandler } from './task-context';
import { advisoryLocks } from './advisory-lock';
import { TaskHandlers, TaskReservation } from './task-handlers';

const PROGRESS_FLUSH_MS = 500;
const CANCEL_POLL_MS = 1000;

/**
 * Runs queued tasks. Task state lives in PostgreSQL; BullMQ only delivers the job and, when a worker
 * dies, hands the stalled job to another worker, which picks the task up where its state says.
 */
@Injectable()
export class TaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: TaskHandlers,
    private readonly heartbeat: HeartbeatService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Registrations run in onModuleInit: by now every task the API may dispatch has its handler, or the build
    // is wrong and would fail those tasks one by one.
    const unhandled = (Object.keys(TASKS) as TaskJobName[]).filter((name) => !this.handlers.get(name));
    if (unhandled.length) throw new Error(`no handler registered for tasks: ${unhandled.join(', ')}`);
    this.worker = new Worker(TASK_QUEUE, (job) => this.run(job), {
      connection: redisOptionsFromUrl(this.config.redisUrl),
      prefix: this.config.redisPrefix,
      concurrency: this.config.workerConcurrency,
      // A killed worker's job is handed to another after the lock lapses; keep that short.
      lockDuration: 15_000,
      stalledInterval: 10_000,
      maxStalledCount: 10,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'task queue error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async run(job: Job<{ taskId: string }>): Promise<void> {
    const tasks = this.dataSource.getRepository(TaskEntity);
    const task = await tasks.findOne({ where: { id: job.data.taskId } });
    if (!task || FINAL_TASK_STATES.includes(task.state)) return;
    const logger = this.logger.child({ taskId: task.id, correlationId: task.loggingCid, job: job.name });
    if (task.state === 'canceling') {
      await this.finish(task.id, 'canceled', null);
      return;
    }
    const name = job.name as TaskJobName;
    const handler = Object.hasOwn(TASKS, name) ? this.handlers.get(name) : undefined;
    if (!handler) {
      await this.finish(task.id, 'failed', `this worker does not know tasks of kind ${job.name}`);
      return;
    }

    const abort = new AbortController();
    // The one place task arguments are typed: the API stored them through the same `TaskArgs` entry.
    const args = task.args as unknown as TaskArgs[typeof name];
    const context = new RunningTask(task, args, abort.signal, logger, this.dataSource);
    // Watching for cancel starts before the reservation: a task waiting for its lock can be canceled too.
    const watch = setInterval(() => {
      void tasks
        .findOne({ where: { id: task.id }, select: { id: true, state: true } })
        .then((current) => {
          if (current?.state === 'canceling') abort.abort(new TaskCanceledError());
        })
        .catch(() => undefined);
      void context.flush();
    }, CANCEL_POLL_MS);
    let reservation: TaskReservation | null = null;
    try {
      // The locks its declaration names, the same one the API showed as `reserved_resources`.
      reservation = await advisoryLocks(this.dataSource, taskLocks(name, args), abort.signal);
      abort.signal.throwIfAborted();
      const resumed = task.state === 'running';
      task.state = 'running';
      task.startedAt ??= new Date();
      task.worker = this.heartbeat.processName;
      const claimed = await tasks.update(
        { id: task.id, state: In(['waiting', 'running']) },
        { state: 'running', startedAt: task.startedAt, worker: task.worker },
      );
      // A task can be delivered twice (re-enqueued after Redis lost its job while a worker held it); the
      // delivery that got the reservation second must not run a task that ended meanwhile.
      if (!claimed.affected) {
        const current = await tasks.findOne({ where: { id: task.id }, select: { id: true, state: true } });
        if (current?.state === 'canceling') throw new TaskCanceledError();
        logger.info({ state: current?.state }, 'task already ended; this delivery does nothing');
        return;
      }
      logger.info({ resumed }, resumed ? 'task resumed after a worker stopped' : 'task started');
      await handler(context);
      await context.flush();
      await this.finish(task.id, 'completed', null, context.createdResources);
      logger.info('task completed');
    } catch (error) {
      await context.flush().catch(() => undefined);
      if (abort.signal.aborted || error instanceof TaskCanceledError) {
        await this.finish(task.id, 'canceled', null);
        logger.info('task canceled');
      } else {
        const description = error instanceof Error ? error.message : String(error);
        await this.finish(task.id, 'failed', description);
        logger.warn({ err: error }, 'task failed');
      }
    } finally {
      clearInterval(watch);
      await reservation
        ?.release()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not release task reservation'));
    }
  }

  private async finish(
    id: string,
    state: 'completed' | 'failed' | 'canceled',
    error: string | null,
    created?: string[],
  ) {
    await this.dataSource.getRepository(TaskEntity).update(
      { id },
      {
        state,
        finishedAt: new Date(),
        error: error ? { description: error } : null,
        ...(created ? { createdResources: created } : {}),
      },
    );
  }
}

class RunningTask implements TaskContext {
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
    private readonly dataSource: DataSource,
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
    this.flushing = this.dataSource
      .getRepository(TaskEntity)
      .update({ id: this.task.id }, { progressReports: this.reports.map((r) => ({ ...r })) })
      .then(() => undefined)
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  private touch(): void {
    this.dirty = true;
    if (Date.now() - this.lastFlush >= PROGRESS_FLUSH_MS) void this.flush().catch(() => (this.dirty = true));
  }
}

export type { TaskHandler };
