/**
 * The failure-to-page simulator (bench/page-latency.ts) is seeded, so these are exact, untimed
 * checks of its model: CloudWatch's default sliding evaluation window sees a breach at the first
 * evaluation after its datapoint arrives (a wall-clock one only once the period ends), a blip
 * shorter than the confirmation delay never pages the default HTTP profile, a persistent failure
 * always does, and without confirmation the same blips do page.
 */
import { describe, expect, it } from 'vitest';
import {
  alarmsAt,
  confirmAfterSeconds,
  type Datapoint,
  DEFAULT_MODEL,
  profilesFromTemplate,
  simulate,
  type TimingProfile,
} from '../../bench/page-latency.ts';
import { toMonitorInput } from '../../lib/config/events.ts';
import { resolveMonitor } from '../../lib/config/resolve.ts';

/** A confirmed HTTP monitor as the lead's design has it: one check a minute, confirmed after 5 s, 1 of 1. */
const confirmed: TimingProfile = {
  schedule: 'rate(1 minute)',
  flexibleWindowS: 0,
  periodS: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'breaching',
  deadlineS: 10,
  confirmAfterS: 5,
};
/** Fast mode: six slots a minute through SQS, 10 s periods, 2 of 3. */
const fast: TimingProfile = {
  schedule: 'rate(1 minute)',
  flexibleWindowS: 0,
  periodS: 10,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: 'breaching',
  deadlineS: 5,
  fast: true,
};
const TRIALS = 2000;

describe('the evaluation window', () => {
  // A passing minute, then a breaching datapoint stamped at 100 s that arrives 1 s later.
  const points: Datapoint[] = [
    { timestamp: 40, breaching: false, arrival: 41 },
    { timestamp: 100, breaching: true, arrival: 101 },
  ];

  it('sliding (the default): the first evaluation after the datapoint arrives sees it', () => {
    expect(confirmed.evaluationWindow).toBeUndefined();
    expect(alarmsAt(points, 100.5, confirmed)).toBe(false); // not arrived yet
    expect(alarmsAt(points, 101, confirmed)).toBe(true); // window [41, 101) holds it
    expect(alarmsAt(points, 101, { ...confirmed, evaluationWindow: 'sliding' })).toBe(true);
  });

  it('wall-clock: the same datapoint is seen only once its clock period [60, 120) has ended', () => {
    const wallClock = { ...confirmed, evaluationWindow: 'wallClock' } as const;
    expect(alarmsAt(points, 101, wallClock)).toBe(false);
    expect(alarmsAt(points, 119.9, wallClock)).toBe(false);
    expect(alarmsAt(points, 120, wallClock)).toBe(true);
    expect(alarmsAt(points, 101, wallClock, { ...DEFAULT_MODEL, partialPeriod: true })).toBe(true);
  });

  it('sliding: periods are counted back from the evaluation, so a late datapoint falls in period 1', () => {
    // Stamped 100, arrived 165: at 165 the window [105, 165) is empty (missing), [45, 105) holds it.
    const late: Datapoint[] = [{ timestamp: 100, breaching: true, arrival: 165 }];
    expect(alarmsAt(late, 164, { ...confirmed, treatMissingData: 'notBreaching' })).toBe(false);
    expect(alarmsAt(late, 165, { ...confirmed, treatMissingData: 'notBreaching' })).toBe(true);
  });

  it('reads EvaluationWindow from the template: absent or SlidingWindow is sliding, WallClockWindow is wall-clock', () => {
    const monitor = resolveMonitor({ kind: 'http', name: 'api', url: 'https://example.com/health' });
    const alarm = (evaluationWindow?: unknown) => ({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        MetricName: 'Success',
        Dimensions: [{ Name: 'Monitor', Value: 'api' }],
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'breaching',
        ...(evaluationWindow !== undefined && { EvaluationWindow: evaluationWindow }),
      },
    });
    const schedule = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Input: JSON.stringify({ monitor: toMonitorInput(monitor) }) },
      },
    };
    const windowOf = (evaluationWindow?: unknown) =>
      profilesFromTemplate({ Resources: { Schedule: schedule, Alarm: alarm(evaluationWindow) } }).map(
        (m) => m.profile.evaluationWindow,
      );
    expect(windowOf()).toEqual(['sliding']);
    expect(windowOf({ SlidingWindow: {} })).toEqual(['sliding']);
    expect(windowOf({ WallClockWindow: {} })).toEqual(['wallClock']);
  });

  it('a sliding window pages the confirmed 1 of 1 profile about 20 s sooner than a wall-clock one', () => {
    const sliding = simulate(confirmed, 'error', TRIALS);
    const wallClock = simulate({ ...confirmed, evaluationWindow: 'wallClock' }, 'error', TRIALS);
    // Sliding: next check, then the next evaluation after its datapoint arrives; wall-clock adds
    // the wait for the period to end.
    expect(sliding.stats.median).toBeLessThan(80);
    expect(wallClock.stats.median).toBeGreaterThan(85);
  });
});

describe('failure-to-page simulation', () => {
  it('never pages with no failure, or on a 1 s or 4 s blip, when confirmed after 5 s at 1 of 1', () => {
    for (const blipS of [0, 1, 4]) {
      const r = simulate(confirmed, { blipS }, TRIALS);
      expect(r.alarmed).toBe(0);
      expect(r.neverAlarmed).toBe(TRIALS);
    }
  });

  it('pages on every persistent failure with the default profile, error or hang', () => {
    for (const failure of ['error', 'hang'] as const) {
      const r = simulate(confirmed, failure, TRIALS);
      expect(r.neverAlarmed).toBe(0);
      expect(r.alarmed).toBe(TRIALS);
      // Three waits of up to a minute: the next check, its period's end, the next evaluation.
      expect(r.stats.max).toBeLessThan(200);
    }
  });

  it('pages on some 4 s blips without confirmation at 1 of 1 (what the second probe saves)', () => {
    const r = simulate({ ...confirmed, confirmAfterS: undefined }, { blipS: 4 }, TRIALS);
    expect(r.alarmed).toBeGreaterThan(TRIALS * 0.03);
  });

  it('a blip longer than the confirmation delay is confirmed and pages when the check falls in it', () => {
    const r = simulate(confirmed, { blipS: 30 }, TRIALS);
    expect(r.alarmed).toBeGreaterThan(0);
  });

  it('fast mode at 2 of 3 never pages on a one-probe blip and pages on a persistent failure', () => {
    expect(simulate(fast, { blipS: 4 }, TRIALS).alarmed).toBe(0);
    const persistent = simulate(fast, 'error', TRIALS);
    expect(persistent.alarmed).toBe(TRIALS);
    expect(persistent.stats.median).toBeLessThan(40);
  });

  it('at 1 of 3 with missing data breaching, pages with no failure when checks jitter across a window edge', () => {
    // Some periods empty: fewer real points than EvaluationPeriods, so the missing ones breach.
    const r = simulate({ ...confirmed, evaluationPeriods: 3 }, { blipS: 0 }, TRIALS, undefined, 3);
    expect(r.alarmed).toBeGreaterThan(0);
  });

  it('with invocation delay 0–5 s, confirmed 1 of 1 and fast 2 of 3 still never page with no failure or on a blip', () => {
    const slow = { ...DEFAULT_MODEL, invokeDelay: [0, 5] as const };
    for (const profile of [confirmed, fast]) {
      for (const blipS of [0, 1, 4]) expect(simulate(profile, { blipS }, TRIALS, slow, 3).alarmed).toBe(0);
    }
    // ...where 2 of 3 without confirmation, filling its empty periods as breaching, does.
    const unconfirmed = {
      ...confirmed,
      confirmAfterS: undefined,
      datapointsToAlarm: 2,
      evaluationPeriods: 3,
    };
    expect(simulate(unconfirmed, { blipS: 0 }, TRIALS, slow, 3).alarmed).toBeGreaterThan(0);
  });

  it('reads confirm.afterMs from the resolved monitor or the payload input, and confirm: false as none', () => {
    expect(confirmAfterSeconds({ confirm: { afterMs: 5000 } })).toBe(5);
    expect(confirmAfterSeconds({}, { confirm: { afterMs: 2500 } })).toBe(2.5);
    expect(confirmAfterSeconds({ confirm: false }, { confirm: { afterMs: 5000 } })).toBeUndefined();
    expect(confirmAfterSeconds({ name: 'no-field' })).toBeUndefined();
  });
});
