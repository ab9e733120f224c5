/**
 * The task contract shared by the API (which dispatches) and the worker (which runs): each task's job name,
 * its Pulp name, the type of its arguments and what it reserves while it runs. The reservations are a pure
 * function of the arguments, so the `reserved_resources` the API records at dispatch and the locks the worker
 * takes come from the same declaration and cannot drift apart.
 */

/** Content is not deleted while it is held shared; orphan cleanup and reclaim hold it exclusively. */
export interface ContentResource {
  kind: 'content';
}

/** An object of the API, by id: a repository (its versions) or a remote. */
export interface ObjectResource {
  kind: 'repository' | 'remote';
  id: string;
}

export type TaskResource = ContentResource | ObjectResource;

/** Exclusive: one holder at a time. Shared: any number of holders, none while someone holds it exclusively. */
export interface TaskReservationSpec {
  resource: TaskResource;
  mode: 'exclusive' | 'shared';
}

export interface ReclaimArgs {
  repositoryIds: string[];
  /** Versions whose files stay on disk. */
  keepVersionIds: string[];
}

export interface OrphanCleanupArgs {
  /** Content younger than this many minutes is kept even when nothing references it. */
  protectionMinutes: number;
}

export interface RepairArgs {
  repositoryId: string;
  versionNumber: number;
}

export interface SyncTaskArgs {
  repositoryId: string;
  remoteId: string;
  mirror: boolean;
}

/**
 * The arguments of a sync of `repository`, from the remote this run names (a request's `remote`, a schedule's
 * remote) or else the repository's own; null when neither names one, which each caller reports in its own terms.
 * Every sync is started with these, by hand or by a schedule.
 */
export function syncArgs(
  repository: { id: string; remoteId: string | null },
  remoteId: string | null | undefined,
  options: { mirror?: boolean | undefined },
): SyncTaskArgs | null {
  const from = remoteId ?? repository.remoteId;
  return from ? { repositoryId: repository.id, remoteId: from, mirror: options.mirror ?? false } : null;
}

/** A repository's new version from a starting point (its latest version, or any version) plus and minus units. */
export interface ModifyArgs {
  repositoryId: string;
  /** Content ids; a tag brings its manifest, an index its children, a manifest its blobs. */
  addContentIds: string[];
  /** Content ids, or `['*']` for everything the repository's latest version holds (as Pulp). */
  removeContentIds: string[];
  /** Start from this version's content instead of the repository's latest; may belong to another repository. */
  baseVersion: { repositoryId: string; number: number } | null;
  /** false: fail instead of replacing a tag of the same name that points at another manifest. */
  overwrite: boolean;
}

export interface PurgeTasksArgs {
  /** ISO timestamp: tasks that finished before it go. */
  finishedBefore: string;
  /** Final states only; running and waiting tasks are never purged. */
  states: string[];
}

/** Writes the content of repository versions (minus what `startVersions` already held) to tar files and a TOC. */
export interface ExportArgs {
  exportId: string;
  /** Versions to export, each `{repositoryId, number}`; at most one per repository. */
  versions: { repositoryId: string; number: number }[];
  /** Per repository, the version the receiving site already has: its content is left out (incremental). */
  startVersions: { repositoryId: string; number: number }[];
  /** Bytes per tar chunk; null writes a single tar file. */
  chunkSize: number | null;
}

/** Verifies an export's files against its TOC, stores what is missing and makes one version per exported version. */
export interface ImportArgs {
  importerId: string;
  /** Absolute, already checked against ALLOWED_IMPORT_PATHS (checked again by the worker). */
  tocPath: string;
  /** Exported repository name → local repository id, resolved by the API from the importer's mapping. */
  repositories: Record<string, string>;
}

/** Job name → argument type: the one map `dispatch` and `register` are typed by. */
export interface TaskArgs {
  sync: SyncTaskArgs;
  'orphan-cleanup': OrphanCleanupArgs;
  repair: RepairArgs;
  reclaim: ReclaimArgs;
  modify: ModifyArgs;
  'purge-tasks': PurgeTasksArgs;
  export: ExportArgs;
  import: ImportArgs;
}

export type TaskJobName = keyof TaskArgs;

/** Job payloads carry the task id only; the worker reads the arguments from the task record. */
export type TaskJobs = Record<TaskJobName, { taskId: string }>;

export interface TaskDeclaration<A> {
  /** The task's `name` as Pulp shows it. */
  name: string;
  /** What the task holds while it runs; the worker takes these as locks, the API lists them. */
  reserves(args: A): TaskReservationSpec[];
}

const content = (mode: TaskReservationSpec['mode']): TaskReservationSpec => ({ resource: { kind: 'content' }, mode });
const repository = (id: string, mode: TaskReservationSpec['mode']): TaskReservationSpec => ({
  resource: { kind: 'repository', id },
  mode,
});

export const TASKS: { [K in TaskJobName]: TaskDeclaration<TaskArgs[K]> } = {
  // One writer of versions per repository; the remote is only read (it cannot be deleted meanwhile); content
  // held shared so orphan cleanup and reclaim never delete what the sync is about to reference.
  sync: {
    name: 'bootdepot.app.tasks.sync',
    reserves: (args) => [
      repository(args.repositoryId, 'exclusive'),
      { resource: { kind: 'remote', id: args.remoteId }, mode: 'shared' },
      content('shared'),
    ],
  },
  // Deletes unreferenced content: waits until no task is adding content (those hold it shared).
  'orphan-cleanup': {
    name: 'bootdepot.app.tasks.orphan_cleanup',
    reserves: () => [content('exclusive')],
  },
  // Reads one version (no sync or retention deletes it meanwhile) and rewrites files of content it references.
  repair: {
    name: 'bootdepot.app.tasks.repair',
    reserves: (args) => [repository(args.repositoryId, 'shared'), content('shared')],
  },
  // Deletes files: like orphan cleanup it must not overlap a task deciding what is stored.
  reclaim: {
    name: 'bootdepot.app.tasks.reclaim_space',
    reserves: (args) => [
      ...[...new Set(args.repositoryIds)].map((id) => repository(id, 'exclusive')),
      content('exclusive'),
    ],
  },
  // Writes a version of its repository; reads the base version's repository (which may be another one).
  modify: {
    name: 'bootdepot.app.tasks.add_and_remove',
    reserves: (args) => [
      repository(args.repositoryId, 'exclusive'),
      ...(args.baseVersion && args.baseVersion.repositoryId !== args.repositoryId
        ? [repository(args.baseVersion.repositoryId, 'shared')]
        : []),
      content('shared'),
    ],
  },
  // Touches only finished task records.
  'purge-tasks': {
    name: 'bootdepot.app.tasks.purge',
    reserves: () => [],
  },
  // Reads versions (no retention or delete removes them meanwhile) and blobs (orphan cleanup and reclaim wait).
  export: {
    name: 'bootdepot.app.tasks.export',
    reserves: (args) => [
      ...[...new Set([...args.versions, ...args.startVersions].map((v) => v.repositoryId))].map((id) =>
        repository(id, 'shared'),
      ),
      content('shared'),
    ],
  },
  // Writes versions of each target repository like a sync; stores blobs, so content is held shared.
  import: {
    name: 'bootdepot.app.tasks.import',
    reserves: (args) => [
      ...[...new Set(Object.values(args.repositories))].map((id) => repository(id, 'exclusive')),
      content('shared'),
    ],
  },
};

/** Task names as Pulp shows them, one per job kind. */
export const TASK_NAMES = Object.fromEntries(
  Object.entries(TASKS).map(([job, declaration]) => [job, declaration.name]),
) as Record<TaskJobName, string>;

/** Every process takes this lock in shared mode while it adds content; orphan cleanup takes it exclusively. */
export const CONTENT_GC_LOCK = 'bootdepot.content-gc';

/** The PostgreSQL advisory lock key of a resource (repositories keep the key syncs always used). */
export function lockKey(resource: TaskResource): string {
  switch (resource.kind) {
    case 'content':
      return CONTENT_GC_LOCK;
    case 'repository':
      return `bootdepot.sync:${resource.id}`;
    case 'remote':
      return `bootdepot.remote:${resource.id}`;
  }
}

export interface TaskLock {
  key: string;
  mode: 'exclusive' | 'shared';
}

/**
 * The locks a task takes, in the order it takes them. Every task takes object locks sorted by key, so two tasks
 * wanting the same two repositories never each hold one while polling for the other; the content lock comes
 * last, so a task waiting for its repository does not keep orphan cleanup waiting too.
 */
export function taskLocks<K extends TaskJobName>(job: K, args: TaskArgs[K]): TaskLock[] {
  const locks = TASKS[job].reserves(args).map((r) => ({ key: lockKey(r.resource), mode: r.mode }));
  const rank = (lock: TaskLock) => (lock.key === CONTENT_GC_LOCK ? 1 : 0);
  return locks.sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
