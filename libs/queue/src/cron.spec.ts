import { describe, expect, it } from 'vitest';
import { cronProblem, nextRun } from './cron';

describe('cron validation', () => {
  it('accepts five-field expressions in a named time zone', () => {
    expect(cronProblem('0 3 * * *', 'Europe/Prague')).toBeNull();
    expect(cronProblem('*/15 * * * 1-5', 'UTC')).toBeNull();
  });

  it.each([
    ['0 0 3 * * *', 'UTC', /five fields/],
    ['61 * * * *', 'UTC', /not valid/],
    ['0 3 * * *', 'Mars/Olympus', /unknown time zone/],
    ['', 'UTC', /five fields/],
  ])('refuses %j in %s', (cron, tz, message) => {
    expect(cronProblem(cron, tz)).toMatch(message);
  });

  it('computes the next run in the schedule time zone', () => {
    const next = nextRun('0 3 * * *', 'America/New_York', new Date('2026-01-10T12:00:00Z'));
    expect(next.toISOString()).toBe('2026-01-11T08:00:00.000Z');
  });

  it('places the tick at SCHEDULE_SECOND past the minute', () => {
    const after = new Date('2026-01-10T12:00:10Z');
    expect(nextRun('* * * * *', 'UTC', after, 25).toISOString()).toBe('2026-01-10T12:00:25.000Z');
    expect(nextRun('* * * * *', 'UTC', after, 5).toISOString()).toBe('2026-01-10T12:01:05.000Z');
    expect(nextRun('0 3 * * *', 'America/New_York', new Date('2026-01-10T12:00:00Z'), 30).toISOString()).toBe(
      '2026-01-11T08:00:30.000Z',
    );
  });
});
