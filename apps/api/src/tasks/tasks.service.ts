import { hrefs, prnOf } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { FINAL_TASK_STATES, TaskEntity } from '@app/domain';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { applyOrdering, applyReferenceFilters, Page, paginate } from '../common/paginate';
import { hrefOfReference } from '../common/references';
import { TaskListQuery, TaskResponse } from './dto/task.dto';

const ORDERING = {
  pulp_created: 't.createdAt',
  started_at: 't.startedAt',
  finished_at: 't.finishedAt',
  name: 't.name',
  state: 't.state',
};

@Injectable()
export class TasksService {
  private readonly tasks: Repository<TaskEntity>;

  constructor(
    dataSource: DataSource,
    private readonly dispatcher: TaskDispatcher,
  ) {
    this.tasks = dataSource.getRepository(TaskEntity);
  }

  async list(query: TaskListQuery, req: Request): Promise<Page<TaskResponse>> {
    const qb = this.tasks.createQueryBuilder('t');
    applyReferenceFilters(qb, query, 'task');
    if (query.state) qb.andWhere('t.state = :state', { state: query.state });
    if (query.state__in) qb.andWhere('t.state IN (:...states)', { states: query.state__in.split(',') });
    if (query.name !== undefined) qb.andWhere('t.name = :name', { name: query.name });
    if (query.name__contains !== undefined) {
      qb.andWhere('strpos(t.name, :fragment) > 0', { fragment: query.name__contains });
    }
    // Tasks record hrefs; a prn is turned into the href it names (one that names nothing matches nothing).
    if (query.reserved_resources !== undefined) {
      const reserved =
        (await hrefOfReference(this.tasks.manager, query.reserved_resources)) ?? query.reserved_resources;
      qb.andWhere('t.reserved_resources && ARRAY[:res, :shared]::text[]', {
        res: reserved,
        shared: `shared:${reserved}`,
      });
    }
    if (query.created_resources !== undefined) {
      const created = (await hrefOfReference(this.tasks.manager, query.created_resources)) ?? query.created_resources;
      qb.andWhere(':created = ANY(t.created_resources)', { created });
    }
    applyOrdering(qb, query.ordering, ORDERING, '-pulp_created');
    return paginate(qb, query, req, (rows) => rows.map(toTaskResponse));
  }

  async get(id: string): Promise<TaskResponse> {
    return toTaskResponse(await this.find(id));
  }

  private async find(id: string): Promise<TaskEntity> {
    const task = await this.tasks.findOne({ where: { id } });
    if (!task) throw new NotFoundException('no task with this id');
    return task;
  }

  /**
   * A waiting task is canceled at once; a running one becomes `canceling` and its worker stops it
   * (it checks between steps and aborts its downloads), then marks it `canceled`.
   */
  async cancel(id: string): Promise<TaskResponse> {
    const task = await this.find(id);
    if (FINAL_TASK_STATES.includes(task.state)) {
      throw new ConflictException(`the task is already ${task.state}`);
    }
    if (task.state === 'waiting' && (await this.dispatcher.removeWaitingJob(task.id))) {
      const changed = await this.tasks.update(
        { id: task.id, state: 'waiting' },
        { state: 'canceled', finishedAt: new Date() },
      );
      if (changed.affected) return this.get(id);
    }
    await this.tasks
      .createQueryBuilder()
      .update()
      .set({ state: 'canceling' })
      .where('id = :id AND state IN (:...states)', { id, states: ['waiting', 'running'] })
      .execute();
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const task = await this.find(id);
    if (!FINAL_TASK_STATES.includes(task.state)) {
      throw new ConflictException(`the task is ${task.state}; cancel it or wait until it ends`);
    }
    await this.tasks.delete({ id: task.id });
  }
}

export function toTaskResponse(task: TaskEntity): TaskResponse {
  return {
    pulp_href: hrefs.task(task.id),
    prn: prnOf('task', task.id),
    pulp_created: task.createdAt.toISOString(),
    pulp_last_updated: task.updatedAt.toISOString(),
    name: task.name,
    state: task.state,
    logging_cid: task.loggingCid,
    started_at: task.startedAt?.toISOString() ?? null,
    finished_at: task.finishedAt?.toISOString() ?? null,
    worker: task.worker,
    progress_reports: task.progressReports,
    created_resources: task.createdResources,
    reserved_resources: task.reservedResources,
    error: task.error,
  };
}
