/** The one BullMQ queue every task goes through; the job name says what kind of task it is. */
export const TASK_QUEUE = 'tasks';

/** Job payloads carry ids only; the worker reads everything else from PostgreSQL. */
export interface TaskJobs {
  sync: { taskId: string };
}

export type TaskJobName = keyof TaskJobs;

/** Task names as Pulp shows them, one per job kind. */
export const TASK_NAMES: Record<TaskJobName, string> = {
  sync: 'bootdepot.app.tasks.sync',
};

export interface SyncTaskArgs extends Record<string, unknown> {
  repositoryId: string;
  remoteId: string;
  mirror: boolean;
}

/** BullMQ job schedulers fire here; each firing creates an ordinary sync task. */
export const SCHEDULE_QUEUE = 'schedules';

export interface ScheduleJob {
  scheduleId: string;
}
export * from './cron';
