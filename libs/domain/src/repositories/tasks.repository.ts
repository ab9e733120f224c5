import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { type ProgressReport, TaskEntity, type TaskState } from '../entities/task.entity';
import { returnedRows } from '../returning';

/** An open task (waiting, running or canceling) and whether a worker with a live heartbeat holds it. */
export interface OpenTask {
  id: string;
  name: string;
  state: string;
  alive: boolean;
}

/** Task records read and written by intent; the task runner's own state changes live in the worker. */
@Injectable()
export class TasksRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<TaskEntity | null> {
    return this.dataSource.getRepository(TaskEntity).findOne({ where: { id } });
  }

  async stateOf(id: string): Promise<TaskState | null> {
    const task = await this.dataSource
      .getRepository(TaskEntity)
      .findOne({ where: { id }, select: { id: true, state: true } });
    return task?.state ?? null;
  }

  /**
   * Marks a waiting (or resumed running) task as running on `worker`; false when it is no longer waiting or
   * running, because another delivery of the same task finished it or it is being canceled.
   */
  async claim(id: string, startedAt: Date, worker: string): Promise<boolean> {
    const claimed = await this.dataSource
      .getRepository(TaskEntity)
      .update({ id, state: In(['waiting', 'running']) }, { state: 'running', startedAt, worker });
    return !!claimed.affected;
  }

  async saveProgress(id: string, reports: ProgressReport[]): Promise<void> {
    await this.dataSource.getRepository(TaskEntity).update({ id }, { progressReports: reports });
  }

  async finish(
    id: string,
    state: 'completed' | 'failed' | 'canceled',
    error: string | null,
    created?: string[],
  ): Promise<void> {
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

  /** Whether an unfinished task holds `href`, exclusively or shared. */
  async hasOpenTaskOn(href: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM tasks WHERE state IN ('waiting', 'running', 'canceling')
          AND reserved_resources && ARRAY[$1, $2]::text[] LIMIT 1`,
      [href, `shared:${href}`],
    );
    return rows.length > 0;
  }

  /**
   * Open tasks created more than `graceSeconds` ago (younger ones may sit between their INSERT and their
   * queue.add), each with whether its worker beat within `heartbeatSeconds`.
   */
  findOpenTasks(graceSeconds: number, heartbeatSeconds: number): Promise<OpenTask[]> {
    return this.dataSource.query(
      `SELECT t.id, t.name, t.state,
              EXISTS (SELECT 1 FROM workers w
                       WHERE w.name = t.worker AND w.last_heartbeat > now() - make_interval(secs => $2)) AS alive
         FROM tasks t
        WHERE t.state IN ('waiting', 'running', 'canceling') AND t.pulp_created < now() - make_interval(secs => $1)`,
      [graceSeconds, heartbeatSeconds],
    );
  }

  async countFinishedBefore(finishedBefore: Date | string, states: readonly string[]): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(
      'SELECT count(*)::int AS count FROM tasks WHERE finished_at < $1 AND state = ANY($2::text[])',
      [finishedBefore, states],
    );
    return row?.count ?? 0;
  }

  /** Deletes at most `limit` tasks that finished before the time in one of `states`; returns how many. */
  async deleteFinishedBefore(finishedBefore: Date | string, states: readonly string[], limit: number): Promise<number> {
    const deleted = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `DELETE FROM tasks WHERE id IN (
           SELECT id FROM tasks WHERE finished_at < $1 AND state = ANY($2::text[]) LIMIT $3)
         RETURNING id`,
        [finishedBefore, states, limit],
      ),
    );
    return deleted.length;
  }

  /** How many tasks of each name are in each state, for the metrics endpoint. */
  async countsByNameAndState(): Promise<{ name: string; state: string; count: number }[]> {
    const rows: { name: string; state: string; n: string }[] = await this.dataSource.query(
      'SELECT name, state, count(*) AS n FROM tasks GROUP BY name, state',
    );
    return rows.map((row) => ({ name: row.name, state: row.state, count: Number(row.n) }));
  }

  /**
   * Totals over completed tasks of one name: how many, the seconds they ran, and the sum of one progress
   * report's `done` (the bytes a sync downloaded).
   */
  async completedTotals(name: string, progressCode: string): Promise<{ count: number; seconds: number; done: number }> {
    const [row]: { seconds: string; n: string; done: string }[] = await this.dataSource.query(
      `SELECT coalesce(sum(extract(epoch FROM finished_at - started_at)), 0) AS seconds, count(*) AS n,
              coalesce((SELECT sum((r->>'done')::bigint) FROM tasks t, jsonb_array_elements(t.progress_reports) r
                         WHERE t.name = $1 AND r->>'code' = $2), 0) AS done
         FROM tasks WHERE name = $1 AND state = 'completed'`,
      [name, progressCode],
    );
    return { count: Number(row?.n ?? 0), seconds: Number(row?.seconds ?? 0), done: Number(row?.done ?? 0) };
  }
}
