import type { ProgressReport, TaskEntity, TasksRepository } from '@app/domain';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../tasks/task-context';
import { TaskPurgeService } from './task-purge.service';

/** Task records in memory: what the purge may delete is decided by the repository, not by this fake. */
function fakeTasks(matching: number, seen: { states: string[][]; limits: number[] }) {
  let left = matching;
  const tasks: Pick<TasksRepository, 'countFinishedBefore' | 'deleteFinishedBefore'> = {
    countFinishedBefore: async (_before, states) => {
      seen.states.push([...states]);
      return left;
    },
    deleteFinishedBefore: async (_before, states, limit) => {
      seen.states.push([...states]);
      seen.limits.push(limit);
      const deleted = Math.min(left, limit);
      left -= deleted;
      return deleted;
    },
  };
  return tasks as TasksRepository;
}

function context(args: TaskContext<'purge-tasks'>['args']) {
  const reports = new Map<string, Partial<ProgressReport>>();
  const ctx: TaskContext<'purge-tasks'> = {
    task: { id: 't' } as TaskEntity,
    args,
    signal: new AbortController().signal,
    logger: pino({ enabled: false }),
    progress: (code, change) => reports.set(code, { ...reports.get(code), ...change }),
    advance: (code, by = 1) => {
      const report = reports.get(code) ?? {};
      reports.set(code, { ...report, done: (report.done ?? 0) + by });
    },
    created: () => undefined,
  };
  return { ctx, reports };
}

describe('TaskPurgeService', () => {
  it('deletes in batches until none are left and reports the total under both Pulp codes', async () => {
    const seen = { states: [] as string[][], limits: [] as number[] };
    const { ctx, reports } = context({ finishedBefore: '2026-01-01T00:00:00Z', states: ['completed'] });
    await new TaskPurgeService(fakeTasks(2500, seen)).run(ctx);
    expect(seen.limits).toEqual([1000, 1000, 1000, 1000]);
    expect(reports.get('purge.tasks.key.core.Task')).toMatchObject({ state: 'completed', total: 2500, done: 2500 });
    expect(reports.get('purge.tasks.total')).toMatchObject({ state: 'completed', total: 2500, done: 2500 });
  });

  it('never passes a state that is not final to the repository', async () => {
    const seen = { states: [] as string[][], limits: [] as number[] };
    const { ctx } = context({ finishedBefore: '2026-01-01T00:00:00Z', states: ['failed', 'running', 'waiting'] });
    await new TaskPurgeService(fakeTasks(0, seen)).run(ctx);
    expect(seen.states).toEqual([['failed'], ['failed']]);
  });
});
