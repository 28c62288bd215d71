/**
 * "Did not run", with a fixed clock: which due time a sweep asks about (its grace ended inside the
 * sweep's window), and the verdict from the runs SSM lists: due, not due, ran, ran late, still in
 * its grace, a window that closed before the grace ended.
 */
import { describe, expect, it } from 'vitest';
import { dueInWindow, sweepVerdict, sweepWindow } from '../../lambdas/drill/sweep.ts';
import { drillNamed } from './drill-fixtures.ts';

const drill = drillNamed('madef-monthly'); // cron(0 3 ? * SUN#1 *) UTC: due 2026-12-06T03:00Z
const DUE = new Date('2026-12-06T03:00:00Z');
const at = (iso: string) => new Date(iso);

describe('sweep window and due time', () => {
  it('aligns the window to the hour, however late in it the sweep runs', () => {
    expect(sweepWindow(at('2026-12-06T06:00:40Z'), 24)).toEqual({
      start: at('2026-12-05T06:00:00Z'),
      end: at('2026-12-06T06:00:00Z'),
    });
    expect(sweepWindow(at('2026-12-06T06:59:59Z'), 1)).toEqual({
      start: at('2026-12-06T05:00:00Z'),
      end: at('2026-12-06T06:00:00Z'),
    });
  });

  it('asks about the due time whose 2 h grace ended in the window', () => {
    expect(dueInWindow(drill, sweepWindow(at('2026-12-06T06:00:10Z'), 24))).toEqual(DUE);
    // Hourly: the sweep at 05:xx answers for (04:00, 05:00]; the grace ends at 05:00.
    expect(dueInWindow(drill, sweepWindow(at('2026-12-06T05:30:00Z'), 1))).toEqual(DUE);
  });

  it('does not ask while the drill is still in its grace', () => {
    expect(dueInWindow(drill, sweepWindow(at('2026-12-06T04:59:00Z'), 1))).toBeUndefined();
    expect(dueInWindow(drill, sweepWindow(at('2026-12-06T04:30:00Z'), 24))).toBeUndefined();
  });

  it('asks once: the next daily sweep no longer asks about it', () => {
    expect(dueInWindow(drill, sweepWindow(at('2026-12-07T06:00:10Z'), 24))).toBeUndefined();
  });

  it('a drill not due for weeks is not asked about', () => {
    expect(dueInWindow(drill, sweepWindow(at('2026-12-20T06:00:00Z'), 24))).toBeUndefined();
  });

  it('works in the drill time zone across daylight saving time', () => {
    // madef-s3: cron(30 4 ? * MON#1 *) Europe/Berlin; 2027-04-05 04:30 CEST = 02:30 UTC, grace to 04:30 UTC.
    const berlin = drillNamed('madef-s3');
    expect(dueInWindow(berlin, sweepWindow(at('2027-04-05T05:00:00Z'), 1))).toEqual(
      at('2027-04-05T02:30:00Z'),
    );
    // 2027-03-01 04:30 CET = 03:30 UTC, grace to 05:30 UTC.
    expect(dueInWindow(berlin, sweepWindow(at('2027-03-01T06:00:00Z'), 1))).toEqual(
      at('2027-03-01T03:30:00Z'),
    );
  });
});

describe('sweep verdict', () => {
  it('missed: due and no run started since', () => {
    expect(sweepVerdict(DUE, [])).toEqual({ kind: 'missed', dueAt: DUE });
  });

  it('a run that started before the due time does not count', () => {
    const before = { executionId: 'manual', startedAt: at('2026-12-06T02:59:00Z') };
    expect(sweepVerdict(DUE, [before])).toEqual({ kind: 'missed', dueAt: DUE });
  });

  it('ran on time, and ran late (after its grace, before the sweep)', () => {
    const onTime = { executionId: 'a', startedAt: at('2026-12-06T03:00:21Z') };
    expect(sweepVerdict(DUE, [onTime])).toEqual({ kind: 'ran', dueAt: DUE, run: onTime, lateBy: 21_000 });
    const late = { executionId: 'b', startedAt: at('2026-12-06T05:40:00Z') };
    expect(sweepVerdict(DUE, [late, onTime])).toEqual({
      kind: 'ran',
      dueAt: DUE,
      run: onTime,
      lateBy: 21_000,
    });
    expect(sweepVerdict(DUE, [late])).toMatchObject({ kind: 'ran', lateBy: 9_600_000 });
  });

  it('not due', () => {
    expect(sweepVerdict(undefined, [])).toEqual({ kind: 'not-due' });
  });
});
