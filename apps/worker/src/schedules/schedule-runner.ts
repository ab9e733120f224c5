import type { AppConfig } from '@app/config';
import { APP_CONFIG, APP_LOGGER, redisOptionsFromUrl } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { RepositoryEntity, SyncScheduleEntity, TaskEntity } from '@app/domain';
import {
  nextRun,
  OrphanCleanupArgs,
  SCHEDULE_QUEUE,
  ScheduleJob,
  syncArgs,
  TASK_NAMES,
  upsertSyncScheduler,
} from '@app/queue';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/** The job scheduler (and job name) of the default orphan cleanup. */
const ORPHAN_CLEANUP_SCHEDULER = 'orphan-cleanup';
const RESTORE_MS = 30_000;

/**
 * Turns each firing of a schedule's BullMQ job scheduler into an ordinary sync task. BullMQ makes one
 * job per tick, whichever worker takes it; a sync that finds the previous one of its repository still
 * running waits behind it, like any other sync.
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker<ScheduleJob> | undefined;
  private restoreTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduleOrphanCleanup();
    this.worker = new Worker<ScheduleJob>(SCHEDULE_QUEUE, (job) => this.fire(job), {
      connection: redisOptionsFromUrl(this.config.redisUrl),
      prefix: this.config.redisPrefix,
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'schedule queue error'));
    this.restoreTimer = setInterval(
      () =>
        void this.restoreSchedulers().catch((error: unknown) =>
          this.logger.debug({ err: error }, 'schedule restore failed'),
        ),
      RESTORE_MS,
    );
    this.restoreTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.restoreTimer);
    await this.worker?.close();
  }

  /**
   * PostgreSQL is the record of schedules, Redis only runs them: when Redis loses its data (a restart without
   * persistence) every job scheduler is gone and nothing would fire again. Put back the missing ones.
   */
  private async restoreSchedulers(): Promise<void> {
    const queue = new Queue<ScheduleJob>(SCHEDULE_QUEUE, {
      connection: redisOptionsFromUrl(this.config.redisUrl),
      prefix: this.config.redisPrefix,
    });
    try {
      const schedules = await this.dataSource.getRepository(SyncScheduleEntity).find({ where: { enabled: true } });
      for (const schedule of schedules) {
        if (await queue.getJobScheduler(schedule.id)) continue;
        await upsertSyncScheduler(queue, schedule, this.config.scheduleSecond);
        this.logger.warn({ schedule: schedule.name }, 'schedule was missing from Redis; restored it');
      }
      if (this.config.orphanCleanupCron && !(await queue.getJobScheduler(ORPHAN_CLEANUP_SCHEDULER))) {
        await this.scheduleOrphanCleanup();
      }
    } finally {
      await queue.close();
    }
  }

  /** Disk must not grow forever: orphan cleanup runs on a default schedule unless disabled. */
  private async scheduleOrphanCleanup(): Promise<void> {
    const queue = new Queue(SCHEDULE_QUEUE, {
      connection: redisOptionsFromUrl(this.config.redisUrl),
      prefix: this.config.redisPrefix,
    });
    try {
      if (this.config.orphanCleanupCron) {
        await queue.upsertJobScheduler(
          ORPHAN_CLEANUP_SCHEDULER,
          { pattern: this.config.orphanCleanupCron, tz: 'UTC' },
          { name: ORPHAN_CLEANUP_SCHEDULER, data: { scheduleId: ORPHAN_CLEANUP_SCHEDULER } },
        );
      } else {
        await queue.removeJobScheduler(ORPHAN_CLEANUP_SCHEDULER);
      }
    } finally {
      await queue.close();
    }
  }

  private async fire(job: Job<ScheduleJob>): Promise<void> {
    if (job.name === ORPHAN_CLEANUP_SCHEDULER) {
      const args: OrphanCleanupArgs = { protectionMinutes: this.config.orphanProtectionMinutes };
      await this.dispatcher.dispatch('orphan-cleanup', args);
      return;
    }
    const schedules = this.dataSource.getRepository(SyncScheduleEntity);
    const schedule = await schedules.findOne({ where: { id: job.data.scheduleId } });
    if (!schedule?.enabled) return;
    const repository = await this.dataSource
      .getRepository(RepositoryEntity)
      .findOne({ where: { id: schedule.repositoryId } });
    const args = repository ? syncArgs(repository, schedule.remoteId, { mirror: schedule.mirror }) : null;
    let taskId: string;
    if (!args) {
      taskId = await this.recordFailure(
        schedule,
        repository ? 'the repository has no remote and the schedule names none' : 'the repository no longer exists',
      );
    } else {
      const task = await this.dispatcher.dispatch('sync', args);
      taskId = task.id;
    }
    await schedules.update(
      { id: schedule.id },
      {
        lastTaskId: taskId,
        nextRunAt: nextRun(schedule.cron, schedule.timezone, new Date(), this.config.scheduleSecond),
      },
    );
    this.logger.info({ schedule: schedule.name, taskId }, 'scheduled sync started');
  }

  private async recordFailure(schedule: SyncScheduleEntity, reason: string): Promise<string> {
    const tasks = this.dataSource.getRepository(TaskEntity);
    const now = new Date();
    const task = await tasks.save(
      tasks.create({
        name: TASK_NAMES.sync,
        state: 'failed',
        args: { scheduleId: schedule.id },
        startedAt: now,
        finishedAt: now,
        error: { description: `schedule ${JSON.stringify(schedule.name)} could not start a sync: ${reason}` },
      }),
    );
    return task.id;
  }
}
