/**
 * The mute-window evaluator, on a fake clock: when the windows Vigil creates (the runbooks' Sunday
 * 02:00-04:00 UTC maintenance, `vigil mute` one-offs) opened and closed.
 */
import { describe, expect, it } from 'vitest';
import {
  lastClosedWindow,
  lastStartAtOrBefore,
  MuteScheduleError,
  openWindow,
  parseIsoDuration,
} from '../../lambdas/pager/mute-schedule.ts';

const sunday = { expression: 'cron(0 2 * * SUN)', duration: 'PT2H' };
const at = (iso: string) => new Date(iso);

describe('weekly cron windows', () => {
  it('finds the Sunday 02:00-04:00 UTC window that just closed', () => {
    // 2026-03-01 is a Sunday.
    expect(lastClosedWindow(sunday, at('2026-03-01T04:05:00Z'))).toEqual({
      start: at('2026-03-01T02:00:00Z'),
      end: at('2026-03-01T04:00:00Z'),
    });
  });

  it('counts a window as closed from its end minute, and open until then', () => {
    expect(lastClosedWindow(sunday, at('2026-03-01T04:00:00Z'))?.end).toEqual(at('2026-03-01T04:00:00Z'));
    expect(openWindow(sunday, at('2026-03-01T03:59:59Z'))).toEqual({
      start: at('2026-03-01T02:00:00Z'),
      end: at('2026-03-01T04:00:00Z'),
    });
    expect(openWindow(sunday, at('2026-03-01T04:00:00Z'))).toBeUndefined();
    expect(openWindow(sunday, at('2026-03-01T01:59:59Z'))).toBeUndefined();
  });

  it("answers last week's window while this week's is still open", () => {
    expect(lastClosedWindow(sunday, at('2026-03-01T03:00:00Z'))?.start).toEqual(at('2026-02-22T02:00:00Z'));
  });

  it('reads the six-field EventBridge form the same way', () => {
    const eventBridge = { expression: 'cron(0 2 ? * SUN *)', duration: 'PT2H' };
    expect(lastClosedWindow(eventBridge, at('2026-03-04T12:00:00Z'))).toEqual(
      lastClosedWindow(sunday, at('2026-03-04T12:00:00Z')),
    );
  });

  it('opens on every listed day', () => {
    const weekend = { expression: 'cron(30 1 * * SAT,SUN)', duration: 'PT1H' };
    expect(lastStartAtOrBefore(weekend, at('2026-03-01T01:29:00Z'))).toEqual(at('2026-02-28T01:30:00Z'));
    expect(lastStartAtOrBefore(weekend, at('2026-03-01T01:30:00Z'))).toEqual(at('2026-03-01T01:30:00Z'));
    const weekdays = { expression: 'cron(0 22 * * MON-FRI)', duration: 'PT30M' };
    expect(lastStartAtOrBefore(weekdays, at('2026-03-02T12:00:00Z'))).toEqual(at('2026-02-27T22:00:00Z'));
  });

  it('evaluates the expression in the rule time zone', () => {
    const istanbul = { ...sunday, timezone: 'Europe/Istanbul' }; // UTC+3 all year
    expect(lastClosedWindow(istanbul, at('2026-03-01T02:00:00Z'))).toEqual({
      start: at('2026-02-28T23:00:00Z'),
      end: at('2026-03-01T01:00:00Z'),
    });
    const berlin = { ...sunday, timezone: 'Europe/Berlin' }; // CEST (UTC+2) in June
    expect(lastStartAtOrBefore(berlin, at('2026-06-07T12:00:00Z'))).toEqual(at('2026-06-07T00:00:00Z'));
  });

  it('reads steps and daily windows', () => {
    const halfHourly = { expression: 'cron(0/30 * * * *)', duration: 'PT5M' };
    expect(lastStartAtOrBefore(halfHourly, at('2026-03-01T10:44:00Z'))).toEqual(at('2026-03-01T10:30:00Z'));
    const nightly = { expression: 'cron(0 23 * * *)', duration: 'PT2H' };
    expect(lastClosedWindow(nightly, at('2026-03-02T00:30:00Z'))?.start).toEqual(at('2026-02-28T23:00:00Z'));
  });
});

describe('one-time at() windows', () => {
  const once = { expression: 'at(2026-03-05T22:00)', duration: 'PT1H' };

  it('has one window, from the given minute', () => {
    expect(lastClosedWindow(once, at('2026-03-05T23:10:00Z'))).toEqual({
      start: at('2026-03-05T22:00:00Z'),
      end: at('2026-03-05T23:00:00Z'),
    });
    expect(lastClosedWindow(once, at('2026-03-05T22:59:00Z'))).toBeUndefined();
    expect(openWindow(once, at('2026-03-05T22:30:00Z'))?.end).toEqual(at('2026-03-05T23:00:00Z'));
  });

  it('accepts seconds and a time zone', () => {
    const local = { expression: 'at(2026-03-05T22:00:30)', duration: 'PT1H', timezone: 'Europe/Istanbul' };
    expect(lastStartAtOrBefore(local, at('2026-03-06T00:00:00Z'))).toEqual(at('2026-03-05T19:00:30Z'));
  });
});

describe('durations and refusals', () => {
  it('reads ISO 8601 durations', () => {
    expect(['PT2H', 'PT90M', 'P1DT12H', 'P1W', 'PT30S'].map(parseIsoDuration)).toEqual([
      7_200_000, 5_400_000, 129_600_000, 604_800_000, 30_000,
    ]);
  });

  it('refuses what it cannot read, naming the fix', () => {
    expect(() => parseIsoDuration('2h')).toThrow(MuteScheduleError);
    expect(() => parseIsoDuration('PT')).toThrow('"PT" is not ISO 8601; e.g. "PT2H" or "P1DT12H"');
    expect(() =>
      lastStartAtOrBefore({ expression: 'cron(0 2 * * 0)', duration: 'PT2H' }, new Date()),
    ).toThrow('write days of week as names (SUN, MON-FRI), not numbers');
    expect(() => lastStartAtOrBefore({ expression: 'rate(1 day)', duration: 'PT2H' }, new Date())).toThrow(
      'is neither cron(...) nor at(yyyy-MM-ddThh:mm)',
    );
    expect(() =>
      lastStartAtOrBefore({ expression: 'cron(0 25 * * SUN)', duration: 'PT2H' }, new Date()),
    ).toThrow('"25" is not a valid hour');
    expect(() =>
      lastStartAtOrBefore(
        { expression: 'cron(0 2 * * SUN)', duration: 'PT2H', timezone: 'Mars/Olympus' },
        new Date(),
      ),
    ).toThrow('time zone "Mars/Olympus" is not known');
  });
});
