/**
 * How a monitor's schedule turns into its alarm's period, and the limits CloudWatch and EventBridge
 * Scheduler put on both. Pure functions: the constructs use them to build, and
 * {@link deploymentIssues} uses them to reject a config at synth with the path and the fix.
 */
import { FAST_PROBE_INTERVAL_MS, type Monitor, rateSeconds } from '../config/index.ts';
import { isFast } from './monitor-traits.ts';

/**
 * Largest `Input` EventBridge Scheduler accepts on a target: "The maximum size of the Input field
 * is 256 KB" (Scheduler API reference, Target).
 */
export const SCHEDULER_MAX_INPUT_BYTES = 256 * 1024;

/**
 * CloudWatch limits an alarm's evaluation range (period x evaluation periods) to one day when the
 * period is under an hour, and to seven days otherwise (PutMetricAlarm, Period).
 */
export function maxEvaluationRangeSeconds(periodSeconds: number): number {
  return periodSeconds < 3600 ? 86_400 : 604_800;
}

/**
 * The alarm period of `monitor`, in seconds: a fast monitor's probe interval (10 s), otherwise its
 * schedule's {@link alarmPeriodSeconds}. CloudWatch takes periods of 10, 20 or 30 s only on metrics
 * stored with StorageResolution 1, and they make the alarm a high-resolution alarm, billed $0.30 a
 * month instead of $0.10 (PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of
 * 60").
 */
export function monitorAlarmPeriodSeconds(monitor: Monitor): number {
  return isFast(monitor) ? FAST_PROBE_INTERVAL_MS / 1000 : alarmPeriodSeconds(monitor.schedule);
}

const CRON = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;
const MINUTES_PER_DAY = 24 * 60;

/** Thrown when a schedule's cadence cannot be turned into an alarm period. */
export class UnsupportedScheduleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedScheduleError';
  }
}

/**
 * The alarm period for a schedule, in seconds: the longest time between two runs, so no period can
 * pass without a run and a missing data point really means the canary did not report.
 *
 * - `rate(n unit)`: n units.
 * - `cron(...)` that runs every day (day-of-month, month, day-of-week and year all `*` or `?`):
 *   the longest gap between consecutive runs over a day, wrap-around at midnight included.
 *   `cron(0/5 * * * ? *)` gives 300; `cron(0 9,17 * * ? *)` gives 57,600 (17:00 to 09:00).
 * - Any other cron (weekdays only, some months...) is refused: with missing data treated as
 *   breaching, the alarm would page on every day the check does not run.
 *
 * @throws UnsupportedScheduleError for a cron that does not run every day, or a field this
 *   function cannot read (`L`, `W`, `#`, names).
 */
export function alarmPeriodSeconds(expression: string): number {
  const rate = rateSeconds(expression);
  if (rate !== undefined) return rate;
  const m = CRON.exec(expression);
  if (!m) throw new UnsupportedScheduleError(`${expression} is neither rate(...) nor a 6-field cron(...)`);
  const [, minuteField = '', hourField = '', dayOfMonth, month, dayOfWeek, year] = m;
  const any = (f: string | undefined) => f === '*' || f === '?';
  if (!any(dayOfMonth) || !any(month) || !any(dayOfWeek) || !any(year)) {
    throw new UnsupportedScheduleError(
      `${expression} does not run every day, and a missing check is treated as a failure, so the alarm would page whenever it does not run; use a cron whose day-of-month, month, day-of-week and year are * or ? (e.g. "cron(0/5 * * * ? *)"), or a rate(...)`,
    );
  }
  const minutes = expandCronField(minuteField, 0, 59, 'minutes', expression);
  const hours = expandCronField(hourField, 0, 23, 'hours', expression);
  const runs = hours.flatMap((h) => minutes.map((min) => h * 60 + min)).sort((a, b) => a - b);
  const first = runs[0] ?? 0;
  let longestGap = first + MINUTES_PER_DAY - (runs[runs.length - 1] ?? 0);
  for (let i = 1; i < runs.length; i++)
    longestGap = Math.max(longestGap, (runs[i] ?? 0) - (runs[i - 1] ?? 0));
  return longestGap * 60;
}

/** Expands one numeric cron field (`*`, `5`, `1-5`, `0/15`, `*\/10`, `8-17/2`, lists) to its values. */
function expandCronField(field: string, lo: number, hi: number, name: string, expression: string): number[] {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) {
      throw new UnsupportedScheduleError(
        `${expression}: cannot read the ${name} field "${field}"; use numbers, ranges (a-b), steps (a/n, */n) and lists`,
      );
    }
    const [, , start, end, step] = m;
    const from = start === undefined ? lo : Number(start);
    const to = end !== undefined ? Number(end) : start === undefined || step !== undefined ? hi : from;
    const by = step === undefined ? 1 : Number(step);
    if (from < lo || to > hi || from > to || by < 1) {
      throw new UnsupportedScheduleError(
        `${expression}: the ${name} field "${field}" is outside ${lo}-${hi} or has a zero step`,
      );
    }
    for (let v = from; v <= to; v += by) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}
