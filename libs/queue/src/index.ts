/** The one BullMQ queue every task goes through; the job name says what kind of task it is. */
export const TASK_QUEUE = 'tasks';

/** Job payloads carry ids only; the worker reads everything else from PostgreSQL. */
export interface TaskJobs {
  sync: { taskId: string };
  'orphan-cleanup': { taskId: string };
  repair: { taskId: string };
  reclaim: { taskId: string };
  modify: { taskId: string };
  'purge-tasks': { taskId: string };
}

export type TaskJobName = keyof TaskJobs;

/** Task names as Pulp shows them, one per job kind. */
export const TASK_NAMES: Record<TaskJobName, string> = {
  sync: 'bootdepot.app.tasks.sync',
  'orphan-cleanup': 'bootdepot.app.tasks.orphan_cleanup',
  repair: 'bootdepot.app.tasks.repair',
  reclaim: 'bootdepot.app.tasks.reclaim_space',
  modify: 'bootdepot.app.tasks.add_and_remove',
  'purge-tasks': 'bootdepot.app.tasks.purge',
};

export interface ReclaimArgs extends Record<string, unknown> {
  repositoryIds: string[];
  /** Versions whose files stay on disk. */
  keepVersionIds: string[];
}

export interface OrphanCleanupArgs extends Record<string, unknown> {
  /** Content younger than this many minutes is kept even when nothing references it. */
  protectionMinutes: number;
}

export interface RepairArgs extends Record<string, unknown> {
  repositoryId: string;
  versionNumber: number;
}

/** Every process takes this lock in shared mode while it adds content; orphan cleanup takes it exclusively. */
export const CONTENT_GC_LOCK = 'bootdepot.content-gc';

export interface SyncTaskArgs extends Record<string, unknown> {
  repositoryId: string;
  remoteId: string;
  mirror: boolean;
}

/** A repository's new version from a starting point (its latest version, or any version) plus and minus units. */
export interface ModifyArgs extends Record<string, unknown> {
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

export interface PurgeTasksArgs extends Record<string, unknown> {
  /** ISO timestamp: tasks that finished before it go. */
  finishedBefore: string;
  /** Final states only; running and waiting tasks are never purged. */
  states: string[];
}

/** BullMQ job schedulers fire here; each firing creates an ordinary sync task. */
export const SCHEDULE_QUEUE = 'schedules';

export interface ScheduleJob {
  scheduleId: string;
}
export * from './cron';
export * from './sync-scheduler';
export * from './progress-codes';
