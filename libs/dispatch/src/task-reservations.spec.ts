import { lockKey, TASKS, taskLocks, type TaskArgs, type TaskJobName, type TaskLock } from '@app/queue';
import { describe, expect, it } from 'vitest';
import { hrefs, parseHref } from '@app/core';
import { CONTENT_RESOURCE_HREF, reservedResources } from './task-reservations';

const repo = '6f0c1b9e-0000-4000-8000-00000000000a';
const other = '6f0c1b9e-0000-4000-8000-00000000000b';
const remote = '6f0c1b9e-0000-4000-8000-00000000000c';

/** Arguments of every kind of task, in each shape that reserves something different. */
const examples: { [K in TaskJobName]: TaskArgs[K][] } = {
  sync: [{ repositoryId: repo, remoteId: remote, mirror: false }],
  'orphan-cleanup': [{ protectionMinutes: 0 }],
  repair: [{ repositoryId: repo, versionNumber: 1 }],
  reclaim: [
    { repositoryIds: [other, repo], keepVersionIds: [] },
    { repositoryIds: [repo, repo], keepVersionIds: [] },
  ],
  modify: [
    { repositoryId: repo, addContentIds: [], removeContentIds: ['*'], baseVersion: null, overwrite: true },
    {
      repositoryId: repo,
      addContentIds: [],
      removeContentIds: [],
      baseVersion: { repositoryId: repo, number: 2 },
      overwrite: true,
    },
    {
      repositoryId: other,
      addContentIds: [],
      removeContentIds: [],
      baseVersion: { repositoryId: repo, number: 2 },
      overwrite: false,
    },
  ],
  'purge-tasks': [{ finishedBefore: new Date(0).toISOString(), states: ['completed'] }],
  export: [
    {
      exportId: other,
      versions: [
        { repositoryId: repo, number: 2 },
        { repositoryId: other, number: 1 },
      ],
      startVersions: [{ repositoryId: repo, number: 1 }],
      chunkSize: null,
    },
  ],
  import: [{ importerId: other, tocPath: '/srv/import/toc.json', repositories: { a: repo, b: other, c: repo } }],
};

/** Reads a displayed `reserved_resources` entry back as the advisory lock it stands for. */
function lockOfDisplayed(entry: string): TaskLock {
  const mode = entry.startsWith('shared:') ? 'shared' : 'exclusive';
  const href = entry.replace(/^shared:/, '');
  if (href === CONTENT_RESOURCE_HREF) return { key: lockKey({ kind: 'content' }), mode };
  for (const kind of ['repository', 'remote'] as const) {
    const id = parseHref(kind, href);
    if (id) return { key: lockKey({ kind, id }), mode };
  }
  throw new Error(`reserved_resources entry ${entry} names no lockable resource`);
}

const byKey = (a: TaskLock, b: TaskLock) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe('task reservations', () => {
  it('has examples for every task', () => {
    expect(Object.keys(examples).sort()).toEqual(Object.keys(TASKS).sort());
  });

  for (const job of Object.keys(examples) as TaskJobName[]) {
    it(`${job}: the displayed reserved_resources are exactly the locks the worker takes`, () => {
      for (const args of examples[job] as TaskArgs[typeof job][]) {
        const displayed = reservedResources(job, args);
        expect(new Set(displayed).size).toBe(displayed.length);
        expect(displayed.map(lockOfDisplayed).sort(byKey)).toEqual([...taskLocks(job, args)].sort(byKey));
      }
    });
  }

  it('orphan cleanup shows and takes the content lock exclusively', () => {
    const args = { protectionMinutes: 5 };
    expect(reservedResources('orphan-cleanup', args)).toEqual(['/pulp/api/v3/orphans/cleanup/']);
    expect(taskLocks('orphan-cleanup', args)).toEqual([{ key: 'bootdepot.content-gc', mode: 'exclusive' }]);
  });

  it('sync reserves its repository, reads its remote and holds content shared', () => {
    expect(reservedResources('sync', examples.sync[0]!)).toEqual([
      hrefs.repository(repo),
      `shared:${hrefs.remote(remote)}`,
      'shared:/pulp/api/v3/orphans/cleanup/',
    ]);
  });

  it('modify from another repository holds that one shared; from its own, only its own', () => {
    const [, ownBase, otherBase] = examples.modify;
    expect(reservedResources('modify', ownBase!)).toEqual([hrefs.repository(repo), `shared:${CONTENT_RESOURCE_HREF}`]);
    expect(reservedResources('modify', otherBase!)).toEqual([
      hrefs.repository(other),
      `shared:${hrefs.repository(repo)}`,
      `shared:${CONTENT_RESOURCE_HREF}`,
    ]);
  });

  it('takes object locks in key order and the content lock last, whatever the declaration order', () => {
    // `other` sorts after `repo`: the promoting modify declares its own repository first but locks it second.
    expect(taskLocks('modify', examples.modify[2]!)).toEqual([
      { key: `bootdepot.sync:${repo}`, mode: 'shared' },
      { key: `bootdepot.sync:${other}`, mode: 'exclusive' },
      { key: 'bootdepot.content-gc', mode: 'shared' },
    ]);
    expect(taskLocks('reclaim', examples.reclaim[0]!).map((l) => l.key)).toEqual([
      `bootdepot.sync:${repo}`,
      `bootdepot.sync:${other}`,
      'bootdepot.content-gc',
    ]);
  });

  it('reclaim naming a repository twice reserves it once', () => {
    expect(reservedResources('reclaim', examples.reclaim[1]!)).toEqual([hrefs.repository(repo), CONTENT_RESOURCE_HREF]);
  });
});

/**
 * Compile-time checks, enforced by `npm run typecheck` (never called): a task's arguments are its own type, not
 * any record, so a caller that forgets one or passes another task's cannot compile.
 */
export function argumentTypeChecks(): void {
  // @ts-expect-error sync needs its remote
  reservedResources('sync', { repositoryId: repo, mirror: false });
  // @ts-expect-error repair takes a version number, not a base version
  reservedResources('repair', { repositoryId: repo, baseVersion: null });
}
