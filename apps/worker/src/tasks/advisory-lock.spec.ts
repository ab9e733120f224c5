import { taskLocks } from '@app/queue';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { advisoryLocks } from './advisory-lock';

/**
 * PostgreSQL's advisory locks as far as these functions see them: per key, one exclusive holder or any number
 * of shared ones, each session (connection) holding its own.
 */
class FakeLocks {
  readonly holders = new Map<string, { mode: 'exclusive' | 'shared'; sessions: number[] }>();
  readonly log: string[] = [];
  connections = 0;
  released = 0;

  dataSource(): DataSource {
    return { createQueryRunner: () => this.runner(++this.connections) } as unknown as DataSource;
  }

  private runner(session: number) {
    return {
      connect: async () => undefined,
      release: async () => void this.released++,
      query: async (sql: string, [key]: [string]) => {
        const mode = sql.includes('_shared') ? 'shared' : 'exclusive';
        const held = this.holders.get(key);
        if (sql.includes('pg_try_advisory_lock')) {
          const free = !held || (held.mode === 'shared' && mode === 'shared');
          if (free) {
            this.holders.set(key, { mode, sessions: [...(held?.sessions ?? []), session] });
            this.log.push(`lock ${mode} ${key} #${session}`);
          }
          return [{ locked: free }];
        }
        held!.sessions.splice(held!.sessions.indexOf(session), 1);
        if (!held!.sessions.length) this.holders.delete(key);
        this.log.push(`unlock ${mode} ${key} #${session}`);
        return [];
      },
    };
  }
}

const repo = '6f0c1b9e-0000-4000-8000-00000000000a';
const other = '6f0c1b9e-0000-4000-8000-00000000000b';

describe('advisoryLocks', () => {
  it('takes a task’s locks in order on one connection and releases them in reverse', async () => {
    const pg = new FakeLocks();
    const args = {
      repositoryId: other,
      addContentIds: [],
      removeContentIds: [],
      baseVersion: { repositoryId: repo, number: 1 },
      overwrite: true,
    };
    const held = await advisoryLocks(pg.dataSource(), taskLocks('modify', args), new AbortController().signal);
    expect(pg.connections).toBe(1);
    await held.release();
    expect(pg.log).toEqual([
      `lock shared bootdepot.sync:${repo} #1`,
      `lock exclusive bootdepot.sync:${other} #1`,
      'lock shared bootdepot.content-gc #1',
      'unlock shared bootdepot.content-gc #1',
      `unlock exclusive bootdepot.sync:${other} #1`,
      `unlock shared bootdepot.sync:${repo} #1`,
    ]);
    expect(pg.holders.size).toBe(0);
    expect(pg.released).toBe(1);
  });

  it('makes orphan cleanup wait for a sync holding content shared', async () => {
    const pg = new FakeLocks();
    const sync = await advisoryLocks(
      pg.dataSource(),
      taskLocks('sync', { repositoryId: repo, remoteId: other, mirror: false }),
      new AbortController().signal,
    );
    let cleaned = false;
    const cleanup = advisoryLocks(
      pg.dataSource(),
      taskLocks('orphan-cleanup', { protectionMinutes: 0 }),
      new AbortController().signal,
    ).then((held) => {
      cleaned = true;
      return held;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cleaned).toBe(false);
    await sync.release();
    await (await cleanup).release();
    expect(pg.log.filter((line) => line.includes('content-gc'))).toEqual([
      'lock shared bootdepot.content-gc #1',
      'unlock shared bootdepot.content-gc #1',
      'lock exclusive bootdepot.content-gc #2',
      'unlock exclusive bootdepot.content-gc #2',
    ]);
  });

  it('gives back what it holds when canceled while waiting for the next lock', async () => {
    const pg = new FakeLocks();
    const first = await advisoryLocks(
      pg.dataSource(),
      [{ key: 'bootdepot.content-gc', mode: 'exclusive' }],
      new AbortController().signal,
    );
    const abort = new AbortController();
    const waiting = advisoryLocks(
      pg.dataSource(),
      taskLocks('sync', { repositoryId: repo, remoteId: other, mirror: false }),
      abort.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    abort.abort(new Error('canceled'));
    await expect(waiting).rejects.toThrow();
    expect([...pg.holders.keys()]).toEqual(['bootdepot.content-gc']);
    expect(pg.released).toBe(1);
    await first.release();
  });
});
