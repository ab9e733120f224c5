import type { AppConfig } from '@app/config';
import { APP_CONFIG, APP_LOGGER } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { TasksRepository } from '@app/domain';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';

const SWEEP_MS = 10_000;
/** A task younger than this may be between its INSERT and its queue.add in the API: not lost yet. */
const GRACE_SECONDS = 10;

/**
 * Task state lives in PostgreSQL, delivery in Redis. When Redis loses its data (a restart without persistence,
 * a failover to an empty replica) the jobs of queued tasks vanish and those tasks would stay `waiting`
 * forever; a job that ended while its task did not (the final UPDATE failed) strands the task the same way.
 * Every worker therefore re-enqueues open tasks that have no live job, unless a live worker (by its heartbeat)
 * is running them: that worker still finishes them and records the outcome in PostgreSQL.
 */
@Injectable()
export class TaskRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly dispatcher: TaskDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let requeued = 0;
    try {
      const open = await this.tasks.findOpenTasks(GRACE_SECONDS, 3 * this.config.heartbeatSeconds);
      for (const task of open) {
        if (await this.dispatcher.requeueIfLost(task, task.alive)) {
          requeued++;
          this.logger.warn({ taskId: task.id, state: task.state }, 'task had no job in the queue; enqueued it again');
        }
      }
    } catch (error) {
      // Redis or PostgreSQL unavailable: the next sweep tries again.
      this.logger.debug({ err: error }, 'task recovery sweep failed');
    } finally {
      this.sweeping = false;
    }
    return requeued;
  }
}
