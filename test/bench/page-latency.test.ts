/**
 * The failure-to-page simulator (bench/page-latency.ts) is seeded, so these are exact, untimed
 * checks of its model: a blip shorter than the confirmation delay never pages the default HTTP
 * profile, a persistent failure always does, and without confirmation the same blips do page.
 */
import { describe, expect, it } from 'vitest';
import { confirmAfterSeconds, simulate, type TimingProfile } from '../../bench/page-latency.ts';

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

  it('at 1 of 3 with missing data breaching, pages with no failure when checks jitter across a period boundary', () => {
    // Every other period empty: fewer real points than EvaluationPeriods, so the missing ones breach.
    const r = simulate({ ...confirmed, evaluationPeriods: 3 }, { blipS: 0 }, TRIALS, undefined, 3);
    expect(r.alarmed).toBeGreaterThan(0);
  });

  it('reads confirm.afterMs from the resolved monitor or the payload input, and confirm: false as none', () => {
    expect(confirmAfterSeconds({ confirm: { afterMs: 5000 } })).toBe(5);
    expect(confirmAfterSeconds({}, { confirm: { afterMs: 2500 } })).toBe(2.5);
    expect(confirmAfterSeconds({ confirm: false }, { confirm: { afterMs: 5000 } })).toBeUndefined();
    expect(confirmAfterSeconds({ name: 'no-field' })).toBeUndefined();
  });
});
