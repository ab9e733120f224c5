import { TaskEntity } from '@app/domain';
import { TASK_NAMES, TASK_QUEUE, type TaskArgs, type TaskJobName } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { reservedResources } from './task-reservations';
import { APP_LOGGER } from '@app/core';

const JOB_OPTIONS = { removeOnComplete: 1000, removeOnFail: 5000 };
const JOB_NAMES = new Map(Object.entries(TASK_NAMES).map(([job, name]) => [name, job as TaskJobName]));

/** Creates a task record and the job that runs it; the job id is the task id, so it cannot run twice. */
@Injectable()
export class TaskDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(TASK_QUEUE) private readonly queue: Queue,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** `reserved_resources` come from the task's declaration in `TASKS`, the same one the worker locks by. */
  async dispatch<K extends TaskJobName>(
    job: K,
    args: TaskArgs[K],
    loggingCid: string = randomUUID(),
  ): Promise<TaskEntity> {
    const tasks = this.dataSource.getRepository(TaskEntity);
    const task = await tasks.save(
      tasks.create({
        name: TASK_NAMES[job],
        args: { ...args },
        reservedResources: reservedResources(job, args),
        state: 'waiting',
        loggingCid,
      }),
    );
    try {
      await this.queue.add(job, { taskId: task.id }, { jobId: task.id, ...JOB_OPTIONS });
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

  /**
   * Enqueues an open task again when Redis no longer has a job that can run it: the job ended while the task did
   * not, or it is gone (Redis lost its data) and no live worker holds the task. Same job id, so racing callers
   * add it once. Returns whether it re-enqueued.
   */
  async requeueIfLost(task: Pick<TaskEntity, 'id' | 'name'>, heldByLiveWorker: boolean): Promise<boolean> {
    const job = JOB_NAMES.get(task.name);
    if (!job) return false;
    const existing = await this.queue.getJob(task.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') return false;
      await existing.remove();
    } else if (heldByLiveWorker) {
      // Its worker still runs it and records the outcome in PostgreSQL; a second delivery would only wait.
      return false;
    }
    await this.queue.add(job, { taskId: task.id }, { jobId: task.id, ...JOB_OPTIONS });
    return true;
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
