import { TaskEntity } from '@app/domain';
import { TASK_NAMES, TASK_QUEUE, TaskJobName } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_LOGGER } from './tokens';

/** Creates a task record and the job that runs it; the job id is the task id, so it cannot run twice. */
@Injectable()
export class TaskDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(TASK_QUEUE) private readonly queue: Queue,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async dispatch(
    job: TaskJobName,
    args: Record<string, unknown>,
    reservedResources: string[],
    loggingCid: string = randomUUID(),
  ): Promise<TaskEntity> {
    const tasks = this.dataSource.getRepository(TaskEntity);
    const task = await tasks.save(
      tasks.create({ name: TASK_NAMES[job], args, reservedResources, state: 'waiting', loggingCid }),
    );
    try {
      await this.queue.add(job, { taskId: task.id }, { jobId: task.id, removeOnComplete: 1000, removeOnFail: 5000 });
    } catch (error) {
      this.logger.error({ err: error, taskId: task.id }, 'could not enqueue task');
      await tasks.update(
        { id: task.id },
        { state: 'failed', finishedAt: new Date(), error: { description: 'the task queue (Redis) is unavailable' } },
      );
      throw error;
    }
    return task;
  }

  /** Removes a job that has not started; returns false when a worker already holds it. */
  async removeWaitingJob(taskId: string): Promise<boolean> {
    const job = await this.queue.getJob(taskId);
    if (!job) return true;
    const state = await job.getState();
    if (state === 'active') return false;
    await job.remove().catch(() => undefined);
    return true;
  }
}
