import { CronExpressionParser } from 'cron-parser';

/** Five fields (minute hour day-of-month month day-of-week); seconds and years are not accepted. */
export function cronProblem(expression: string, timezone: string): string | null {
  if (expression.trim().split(/\s+/).length !== 5) return 'cron must have five fields: minute hour day month weekday';
  if (!isTimezone(timezone)) return `unknown time zone ${JSON.stringify(timezone)}`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone, strict: false });
    return null;
  } catch (error) {
    return `cron is not valid: ${(error as Error).message}`;
  }
}

/**
 * The BullMQ/cron-parser pattern of a five-field expression firing at `second` past the minute (SCHEDULE_SECOND):
 * cron has minute resolution, this says where in the minute the tick falls.
 */
export function secondsPattern(expression: string, second = 0): string {
  return `${second} ${expression.trim()}`;
}

export function nextRun(expression: string, timezone: string, after = new Date(), second = 0): Date {
  return CronExpressionParser.parse(secondsPattern(expression, second), { tz: timezone, currentDate: after })
    .next()
    .toDate();
}

export function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
