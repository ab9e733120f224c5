import { APP_CONFIG, APP_LOGGER, HeartbeatService, redisOptionsFromUrl } from '@app/core';
import type { AppConfig } from '@app/config';
import { FINAL_TASK_STATES, TaskEntity, TasksRepository } from '@app/domain';
import { TASK_QUEUE, TASKS, taskLocks, type TaskArgs, type TaskJobName } from '@app/queue';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { allowLinkedRequests } from '@app/registry-client';
import { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { advisoryLocks } from './advisory-lock';
import { watchForCancel } from './cancel-watcher';
import { RunningTask } from './running-task';
import { TaskCanceledError, TaskHandler } from './task-context';
import { TaskHandlers, TaskReservation } from './task-handlers';

/**
 * Runs queued tasks. Task state lives in PostgreSQL; BullMQ only delivers the job and, when a worker
 * dies, hands the stalled job to another worker, which picks the task up where its state says.
 */
@Injectable()
export class TaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tasks: TasksRepository,
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
    const task = await this.tasks.findById(job.data.taskId);
    if (!task || FINAL_TASK_STATES.includes(task.state)) return;
    const logger = this.logger.child({ taskId: task.id, correlationId: task.loggingCid, job: job.name });
    if (task.state === 'canceling') {
      await this.tasks.finish(task.id, 'canceled', null);
      return;
    }
    const name = job.name as TaskJobName;
    const handler = Object.hasOwn(TASKS, name) ? this.handlers.get(name) : undefined;
    if (!handler) {
      await this.tasks.finish(task.id, 'failed', `this worker does not know tasks of kind ${job.name}`);
      return;
    }

    const abort = new AbortController();
    allowLinkedRequests(abort.signal);
    // The one place task arguments are typed: the API stored them through the same `TaskArgs` entry.
    const args = task.args as unknown as TaskArgs[typeof name];
    const context = new RunningTask(task, args, abort.signal, logger, this.tasks);
    // Watching for cancel starts before the reservation: a task waiting for its lock can be canceled too.
    const stopWatching = watchForCancel(this.tasks, task.id, abort, () => void context.flush());
    let reservation: TaskReservation | null = null;
    try {
      // The locks its declaration names, the same one the API showed as `reserved_resources`.
      reservation = await advisoryLocks(this.dataSource, taskLocks(name, args), abort.signal);
      abort.signal.throwIfAborted();
      const resumed = task.state === 'running';
      if (!(await this.claim(task, logger))) return;
      logger.info({ resumed }, resumed ? 'task resumed after a worker stopped' : 'task started');
      await handler(context);
      await context.flush();
      await this.tasks.finish(task.id, 'completed', null, context.createdResources);
      logger.info('task completed');
    } catch (error) {
      await context.flush().catch(() => undefined);
      if (abort.signal.aborted || error instanceof TaskCanceledError) {
        await this.tasks.finish(task.id, 'canceled', null);
        logger.info('task canceled');
      } else {
        const description = error instanceof Error ? error.message : String(error);
        await this.tasks.finish(task.id, 'failed', description);
        logger.warn({ err: error }, 'task failed');
      }
    } finally {
      stopWatching();
      await reservation
        ?.release()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not release task reservation'));
    }
  }

  /**
   * Marks the task running on this worker, holding its reservation. A task can be delivered twice (re-enqueued
   * after Redis lost its job while a worker held it); the delivery that got the reservation second must not run
   * a task that ended meanwhile: false then, or TaskCanceledError when it is being canceled.
   */
  private async claim(task: TaskEntity, logger: Logger): Promise<boolean> {
    task.state = 'running';
    task.startedAt ??= new Date();
    task.worker = this.heartbeat.processName;
    if (await this.tasks.claim(task.id, task.startedAt, task.worker)) return true;
    const state = await this.tasks.stateOf(task.id);
    if (state === 'canceling') throw new TaskCanceledError();
    logger.info({ state }, 'task already ended; this delivery does nothing');
    return false;
  }
}

export type { TaskHandler };
