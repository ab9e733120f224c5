/** The one BullMQ queue every task goes through; the job name says what kind of task it is. */
export const TASK_QUEUE = 'tasks';

/** BullMQ job schedulers fire here; each firing creates an ordinary sync task. */
export const SCHEDULE_QUEUE = 'schedules';

export interface ScheduleJob {
  scheduleId: string;
}
export * from './cron';
export * from './sync-scheduler';
export * from './progress-codes';
export * from './tasks';
