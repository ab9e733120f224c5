import { createMetricsRegistry, httpMetrics } from '@app/core';
import { TasksRepository } from '@app/domain';
import { SYNC_PROGRESS, TASK_NAMES } from '@app/queue';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';

/** API-side metrics: requests, plus task states and queue depth read at scrape time. */
@Injectable()
export class MetricsService {
  readonly registry = createMetricsRegistry('api');
  readonly http = httpMetrics(this.registry);
  private readonly tasks = new Gauge({
    name: 'bootdepot_tasks',
    help: 'Tasks by name and state.',
    labelNames: ['name', 'state'] as const,
    registers: [this.registry],
  });
  private readonly queueDepth = new Gauge({
    name: 'bootdepot_queue_jobs',
    help: 'Jobs in the task queue by BullMQ state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly syncSeconds = new Gauge({
    name: 'bootdepot_sync_duration_seconds_sum',
    help: 'Total seconds spent in completed syncs (of the tasks still recorded).',
    registers: [this.registry],
  });
  private readonly syncCount = new Gauge({
    name: 'bootdepot_sync_duration_seconds_count',
    help: 'Completed syncs (of the tasks still recorded).',
    registers: [this.registry],
  });
  private readonly downloaded = new Gauge({
    name: 'bootdepot_sync_downloaded_bytes',
    help: 'Bytes downloaded from registries by syncs (of the tasks still recorded).',
    registers: [this.registry],
  });

  constructor(private readonly taskRecords: TasksRepository) {}

  async render(queue: Queue): Promise<string> {
    const rows = await this.taskRecords.countsByNameAndState();
    this.tasks.reset();
    for (const row of rows) this.tasks.set({ name: row.name, state: row.state }, row.count);
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
    for (const [state, n] of Object.entries(counts)) this.queueDepth.set({ state }, n);
    const sync = await this.taskRecords.completedTotals(TASK_NAMES.sync, SYNC_PROGRESS.bytes);
    this.syncSeconds.set(sync.seconds);
    this.syncCount.set(sync.count);
    this.downloaded.set(sync.done);
    return this.registry.metrics();
  }
}
