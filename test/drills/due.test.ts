/**
 * The due times of drill schedules, as EventBridge Scheduler fires them, with a fixed clock: the
 * default first-Sunday cron, `L`, `W` and `#`, ranges, lists and steps, and daylight saving time in
 * zones that observe it (Scheduler skips a local time that does not exist and fires once for one
 * that happens twice).
 */
import { describe, expect, it } from 'vitest';
import { CronError, nextDue, parseCron, previousDue } from '../../lib/drills/due.ts';
import { DEFAULT_DRILL_SCHEDULE } from '../../lib/drills/model.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

describe('the default schedule: first Sunday of the month, 03:00', () => {
  it('is due on the first Sunday at 03:00 UTC', () => {
    // December 2026: the 6th is the first Sunday.
    expect(iso(nextDue(DEFAULT_DRILL_SCHEDULE, 'UTC', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-12-06T03:00:00.000Z',
    );
    expect(iso(previousDue(DEFAULT_DRILL_SCHEDULE, 'UTC', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-11-01T03:00:00.000Z',
    );
  });

  it('counts the due time itself as due (previous) and looks past it (next)', () => {
    const due = at('2026-12-06T03:00:00Z');
    expect(iso(previousDue(DEFAULT_DRILL_SCHEDULE, 'UTC', due))).toBe('2026-12-06T03:00:00.000Z');
    expect(iso(nextDue(DEFAULT_DRILL_SCHEDULE, 'UTC', due))).toBe('2027-01-03T03:00:00.000Z');
    expect(iso(previousDue(DEFAULT_DRILL_SCHEDULE, 'UTC', at('2026-12-06T02:59:59Z')))).toBe(
      '2026-11-01T03:00:00.000Z',
    );
  });

  it('takes the first Sunday when the month starts on a Sunday', () => {
    // 2026-11-01 is a Sunday.
    expect(iso(nextDue(DEFAULT_DRILL_SCHEDULE, 'UTC', at('2026-10-31T12:00:00Z')))).toBe(
      '2026-11-01T03:00:00.000Z',
    );
  });

  it('fires at 03:00 local time in a zone ahead of UTC, on the local date', () => {
    // Istanbul is UTC+3 all year: 03:00 local is midnight UTC.
    expect(iso(nextDue(DEFAULT_DRILL_SCHEDULE, 'Europe/Istanbul', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-12-06T00:00:00.000Z',
    );
    // A zone behind UTC: 03:00 in Sao Paulo (UTC-3) is 06:00 UTC.
    expect(iso(nextDue(DEFAULT_DRILL_SCHEDULE, 'America/Sao_Paulo', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-12-06T06:00:00.000Z',
    );
  });
});

describe('daylight saving time (Europe/Berlin, America/New_York)', () => {
  it('keeps 03:00 local across the change: UTC+1 in winter, UTC+2 in summer', () => {
    const cron = 'cron(0 3 ? * SUN#1 *)';
    // 2027-03-07 (first Sunday, before the change on 2027-03-28): CET, 02:00 UTC.
    expect(iso(nextDue(cron, 'Europe/Berlin', at('2027-03-01T00:00:00Z')))).toBe('2027-03-07T02:00:00.000Z');
    // 2027-04-04, after the change: CEST, 01:00 UTC.
    expect(iso(nextDue(cron, 'Europe/Berlin', at('2027-03-08T00:00:00Z')))).toBe('2027-04-04T01:00:00.000Z');
  });

  it('skips a local time that does not exist when clocks spring forward', () => {
    // 2027-03-28 in Berlin: 02:00 jumps to 03:00, so 02:30 never happens that day.
    const cron = 'cron(30 2 * * ? *)';
    expect(iso(nextDue(cron, 'Europe/Berlin', at('2027-03-27T12:00:00Z')))).toBe('2027-03-29T00:30:00.000Z');
    expect(iso(previousDue(cron, 'Europe/Berlin', at('2027-03-28T23:00:00Z')))).toBe(
      '2027-03-27T01:30:00.000Z',
    );
  });

  it('fires once, at the first occurrence, for a local time that happens twice when clocks fall back', () => {
    // 2026-11-01 in New York: 02:00 EDT falls back to 01:00 EST, so 01:30 happens at 05:30 and 06:30 UTC.
    const cron = 'cron(30 1 * * ? *)';
    expect(iso(nextDue(cron, 'America/New_York', at('2026-11-01T00:00:00Z')))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(iso(nextDue(cron, 'America/New_York', at('2026-11-01T05:30:00Z')))).toBe(
      '2026-11-02T06:30:00.000Z',
    );
    expect(iso(previousDue(cron, 'America/New_York', at('2026-11-01T07:00:00Z')))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
});

describe('cron syntax', () => {
  it('L in day-of-month is the last day, leap years included', () => {
    const cron = 'cron(0 4 L * ? *)';
    expect(iso(nextDue(cron, 'UTC', at('2028-02-01T00:00:00Z')))).toBe('2028-02-29T04:00:00.000Z');
    expect(iso(nextDue(cron, 'UTC', at('2027-02-01T00:00:00Z')))).toBe('2027-02-28T04:00:00.000Z');
  });

  it('5L is the last Thursday; L alone in day-of-week is Saturday', () => {
    expect(iso(nextDue('cron(0 4 ? * 5L *)', 'UTC', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-12-31T04:00:00.000Z',
    );
    expect(iso(nextDue('cron(0 4 ? * L *)', 'UTC', at('2026-12-01T00:00:00Z')))).toBe(
      '2026-12-05T04:00:00.000Z',
    );
  });

  it('W is the weekday nearest the day, LW the last weekday, never in another month', () => {
    // 2026-11-15 is a Sunday: the nearest weekday is Monday the 16th.
    expect(iso(nextDue('cron(0 4 15W * ? *)', 'UTC', at('2026-11-01T00:00:00Z')))).toBe(
      '2026-11-16T04:00:00.000Z',
    );
    // 2026-08-01 is a Saturday: 1W is Monday the 3rd, not Friday in July.
    expect(iso(nextDue('cron(0 4 1W * ? *)', 'UTC', at('2026-07-05T00:00:00Z')))).toBe(
      '2026-08-03T04:00:00.000Z',
    );
    // 2027-01-31 is a Sunday: LW is Friday the 29th.
    expect(iso(nextDue('cron(0 4 LW * ? *)', 'UTC', at('2027-01-02T00:00:00Z')))).toBe(
      '2027-01-29T04:00:00.000Z',
    );
  });

  it('reads ranges, lists, steps and names', () => {
    // Quarterly: 02:15 and 02:45 on the first Saturday of JAN, APR, JUL and OCT.
    const cron = 'cron(15/30 2 ? JAN-OCT/3 SAT#1 *)';
    expect(iso(nextDue(cron, 'UTC', at('2026-12-01T00:00:00Z')))).toBe('2027-01-02T02:15:00.000Z');
    expect(iso(nextDue(cron, 'UTC', at('2027-01-02T02:15:00Z')))).toBe('2027-01-02T02:45:00.000Z');
    expect(iso(nextDue(cron, 'UTC', at('2027-01-02T02:45:00Z')))).toBe('2027-04-03T02:15:00.000Z');
    // Weekdays at 01:00 and 13:00.
    const weekdays = 'cron(0 1,13 ? * MON-FRI *)';
    expect(iso(nextDue(weekdays, 'UTC', at('2026-12-04T13:00:00Z')))).toBe('2026-12-07T01:00:00.000Z');
    expect(iso(previousDue(weekdays, 'UTC', at('2026-12-06T12:00:00Z')))).toBe('2026-12-04T13:00:00.000Z');
  });

  it('honours the year field, and is undefined when the schedule never fires again', () => {
    expect(iso(nextDue('cron(0 3 1 1 ? 2027)', 'UTC', at('2026-06-01T00:00:00Z')))).toBe(
      '2027-01-01T03:00:00.000Z',
    );
    expect(nextDue('cron(0 3 1 1 ? 2027)', 'UTC', at('2027-06-01T00:00:00Z'))).toBeUndefined();
    expect(previousDue('cron(0 3 1 1 ? 2030)', 'UTC', at('2027-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('refuses what Scheduler refuses, naming the expression and the field', () => {
    expect(() => parseCron('rate(1 day)')).toThrow(
      new CronError(
        'rate(1 day): not a 6-field EventBridge cron(minutes hours day-of-month month day-of-week year)',
      ),
    );
    expect(() => parseCron('cron(0 3 1 * MON *)')).toThrow(
      new CronError('cron(0 3 1 * MON *): exactly one of day-of-month and day-of-week must be "?"'),
    );
    expect(() => parseCron('cron(0 25 ? * SUN *)')).toThrow(
      new CronError('cron(0 25 ? * SUN *): "25" is not a valid hours field'),
    );
    expect(() => parseCron('cron(0 3 ? * SUN#6 *)')).toThrow(
      new CronError('cron(0 3 ? * SUN#6 *): "SUN#6" is not a valid day-of-week field'),
    );
  });
});
