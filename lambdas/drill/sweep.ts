/**
 * "Did not run": CloudWatch cannot alarm on a monthly datapoint (an alarm's Period times
 * EvaluationPeriods is at most 7 days), so the drill function is swept on a schedule instead. Each
 * sweep answers for a window of time: for each drill, the last due time of its Scheduler cron (in
 * its time zone, lib/drills/due.ts) is a miss when its grace ended inside the window and SSM's
 * history holds no execution of the drill started at or after it.
 *
 * The window is `(end - everyHours, end]`, `end` the sweep's hour: consecutive sweeps `everyHours`
 * apart cover time without gaps or overlaps, however late in its hour each runs, so a miss pages
 * once, not on every sweep.
 *
 * How late a miss is paged, at worst: the grace ({@link DRILL_GRACE_MINUTES}, 2 h) plus the sweep
 * period plus the minutes into its hour the sweep runs. The stack sweeps every 6 hours
 * (lib/constructs/dr-drills.ts SWEEP_SCHEDULE), so a miss is paged at most 2 h + 6 h + 59 min after its
 * due time, inside the bar of a day; swept daily it could be 2 h + 24 h + 59 min, over it.
 * Pure: the clock is a parameter.
 */

import { previousDue } from '../../lib/drills/due.ts';
import type { Drill } from '../../lib/drills/model.ts';

/** How long after its due time a drill has to start before it counts as not run. */
export const DRILL_GRACE_MINUTES = 120;

/** The default hours between sweeps (a daily schedule). */
export const DEFAULT_SWEEP_HOURS = 24;

/** The span one sweep answers for: `start` exclusive, `end` inclusive. */
export interface SweepWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The window of a sweep at `now`: `everyHours` ending at the start of `now`'s hour. */
export function sweepWindow(now: Date, everyHours: number): SweepWindow {
  const hour = 3_600_000;
  const end = Math.floor(now.getTime() / hour) * hour;
  return { start: new Date(end - everyHours * hour), end: new Date(end) };
}

/**
 * The due time this sweep must look for a run of, or undefined: the drill's last due time whose
 * grace ended inside the window. A drill added after that due time is not asked about it, unless
 * its grace ended in this very window.
 */
export function dueInWindow(
  drill: Drill,
  window: SweepWindow,
  graceMinutes = DRILL_GRACE_MINUTES,
): Date | undefined {
  const grace = graceMinutes * 60_000;
  const due = previousDue(drill.schedule, drill.timeZone, new Date(window.end.getTime() - grace));
  if (!due) return undefined;
  const graceEnds = due.getTime() + grace;
  return graceEnds > window.start.getTime() && graceEnds <= window.end.getTime() ? due : undefined;
}

/** Runs of a drill started at or after a time, as SSM's history lists them. */
export interface StartedRun {
  readonly executionId: string;
  readonly startedAt: Date;
}

/** The verdict on one drill in one sweep. */
export type SweepVerdict =
  /** Its grace did not end in this window: nothing to ask. */
  | { readonly kind: 'not-due' }
  /** Due, and a run started at or after the due time (on time, late, or by hand). */
  | { readonly kind: 'ran'; readonly dueAt: Date; readonly run: StartedRun; readonly lateBy: number }
  /** Due, its grace over, no run started: page "did not run". */
  | { readonly kind: 'missed'; readonly dueAt: Date };

/** Judges one drill from the runs started at or after its due time (the earliest is the one that counts). */
export function sweepVerdict(dueAt: Date | undefined, runs: readonly StartedRun[]): SweepVerdict {
  if (!dueAt) return { kind: 'not-due' };
  const started = runs
    .filter((r) => r.startedAt.getTime() >= dueAt.getTime())
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const run = started[0];
  if (!run) return { kind: 'missed', dueAt };
  return { kind: 'ran', dueAt, run, lateBy: run.startedAt.getTime() - dueAt.getTime() };
}
