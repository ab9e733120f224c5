import type { Queue } from 'bullmq';
import { secondsPattern } from './cron';
import type { ScheduleJob } from './index';

export interface SchedulerSpec {
  id: string;
  cron: string;
  timezone: string;
}

/**
 * The BullMQ job scheduler of one sync schedule, keyed by the schedule id: upserting twice is harmless and
 * each tick makes one job. Both the API (on every change) and the workers (restoring what Redis lost) use it,
 * so a restored scheduler fires exactly like the original.
 */
export function upsertSyncScheduler(queue: Queue<ScheduleJob>, schedule: SchedulerSpec, second = 0) {
  return queue.upsertJobScheduler(
    schedule.id,
    { pattern: secondsPattern(schedule.cron, second), tz: schedule.timezone },
    { name: 'scheduled-sync', data: { scheduleId: schedule.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
}
