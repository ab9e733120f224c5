import { APP_CONFIG, hrefs, prnOf } from '@app/core';
import { SyncScheduleEntity } from '@app/domain';
import type { AppConfig } from '@app/config';
import { cronProblem, nextRun, SCHEDULE_QUEUE, ScheduleJob, upsertSyncScheduler } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { NamedListQuery } from '../common/list-query.dto';
import { applyNameFilters, applyOrdering, applyReferenceFilters, Page, paginate } from '../common/paginate';
import { resolveReference } from '../common/references';
import { assertNameFree } from '../common/unique-name';
import { FieldErrors } from '../common/problem';

import { CreateScheduleRequest, ScheduleResponse, PatchedScheduleRequest } from './dto/schedule.dto';

const ORDERING = { name: 's.name', next_run_at: 's.nextRunAt', pulp_created: 's.createdAt' };

/**
 * Schedules are rows in PostgreSQL mirrored into BullMQ job schedulers (keyed by the schedule id, so
 * upserting twice is harmless and each tick produces exactly one job whichever worker takes it).
 */
@Injectable()
export class SchedulesService {
  private readonly schedules: Repository<SyncScheduleEntity>;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(SCHEDULE_QUEUE) private readonly queue: Queue<ScheduleJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.schedules = dataSource.getRepository(SyncScheduleEntity);
  }

  async list(query: NamedListQuery, req: Request): Promise<Page<ScheduleResponse>> {
    const qb = this.schedules.createQueryBuilder('s');
    applyNameFilters(qb, query);
    applyReferenceFilters(qb, query, 'schedule');
    applyOrdering(qb, query.ordering, ORDERING, 'name');
    return paginate(qb, query, req, (rows) => rows.map(present));
  }

  async get(id: string): Promise<ScheduleResponse> {
    return present(await this.find(id));
  }

  async create(body: CreateScheduleRequest): Promise<ScheduleResponse> {
    await assertNameFree(this.schedules, body.name, 'schedule');
    const schedule = this.schedules.create({ mirror: false, timezone: 'UTC', enabled: true, remoteId: null });
    await this.apply(schedule, body);
    const saved = await this.schedules.save(schedule);
    await this.sync(saved);
    return present(saved);
  }

  async update(id: string, body: PatchedScheduleRequest): Promise<ScheduleResponse> {
    const schedule = await this.find(id);
    if (body.name !== undefined && body.name !== schedule.name) {
      await assertNameFree(this.schedules, body.name, 'schedule');
    }
    await this.apply(schedule, body);
    const saved = await this.schedules.save(schedule);
    await this.sync(saved);
    return present(saved);
  }

  async delete(id: string): Promise<void> {
    const schedule = await this.find(id);
    await this.queue.removeJobScheduler(schedule.id);
    await this.schedules.delete({ id: schedule.id });
  }

  private async find(id: string): Promise<SyncScheduleEntity> {
    const schedule = await this.schedules.findOne({ where: { id } });
    if (!schedule) throw new NotFoundException('no sync schedule with this id');
    return schedule;
  }

  private async apply(schedule: SyncScheduleEntity, body: PatchedScheduleRequest): Promise<void> {
    if (body.name !== undefined) schedule.name = body.name;
    if (body.mirror !== undefined) schedule.mirror = body.mirror;
    if (body.enabled !== undefined) schedule.enabled = body.enabled;
    if (body.cron !== undefined) schedule.cron = body.cron.trim();
    if (body.timezone !== undefined) schedule.timezone = body.timezone;
    const manager = this.dataSource.manager;
    if (body.repository !== undefined) {
      schedule.repositoryId = await resolveReference(manager, 'repository', body.repository, 'repository');
    }
    if (body.remote !== undefined) {
      schedule.remoteId =
        body.remote === null ? null : await resolveReference(manager, 'remote', body.remote, 'remote');
    }
    const problem = cronProblem(schedule.cron, schedule.timezone);
    if (problem) throw FieldErrors.of(problem.includes('time zone') ? 'timezone' : 'cron', problem);
    schedule.nextRunAt = schedule.enabled
      ? nextRun(schedule.cron, schedule.timezone, new Date(), this.config.scheduleSecond)
      : null;
  }

  private async sync(schedule: SyncScheduleEntity): Promise<void> {
    if (!schedule.enabled) {
      await this.queue.removeJobScheduler(schedule.id);
      return;
    }
    await upsertSyncScheduler(this.queue, schedule, this.config.scheduleSecond);
  }
}

function present(schedule: SyncScheduleEntity): ScheduleResponse {
  return {
    pulp_href: hrefs.schedule(schedule.id),
    prn: prnOf('schedule', schedule.id),
    pulp_created: schedule.createdAt.toISOString(),
    pulp_last_updated: schedule.updatedAt.toISOString(),
    name: schedule.name,
    repository: hrefs.repository(schedule.repositoryId),
    remote: schedule.remoteId ? hrefs.remote(schedule.remoteId) : null,
    mirror: schedule.mirror,
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    next_run_at: schedule.nextRunAt?.toISOString() ?? null,
    last_task: schedule.lastTaskId ? hrefs.task(schedule.lastTaskId) : null,
  };
}
