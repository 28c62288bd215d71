/**
 * When a CloudWatch alarm mute rule's window opened and closed, from its schedule alone: the sweep
 * pages what breached while a window held its pages, once the window has closed, and holds reminders
 * while one is open. Pure: the clock is a parameter.
 *
 * A mute rule's schedule is `{ Expression, Duration, Timezone }`: `cron(...)` (recurring) or
 * `at(yyyy-MM-ddThh:mm[:ss])` (once), an ISO 8601 duration (`PT2H`) and an IANA zone (default UTC).
 * CloudWatch documents mute-rule crons with five fields, `cron(0 2 * * SUN)` (what CDK's
 * `ScheduleExpression.cron` writes); EventBridge-style six-field crons, `cron(0 2 ? * SUN *)`, are
 * read too. Supported fields: numbers, lists, ranges and steps for minutes, hours, day of month and
 * month; names (MON..SUN), lists and ranges for the day of week. Numeric days of week are refused:
 * Unix counts Sunday as 0, EventBridge as 1, and a guess would open the window on the wrong day.
 */

/** A mute rule's schedule, as GetAlarmMuteRule returns it (`Rule.Schedule`). */
export interface MuteSchedule {
  readonly expression: string;
  /** ISO 8601 duration: `PT2H`, `P1DT12H`. */
  readonly duration: string;
  /** IANA zone of the expression. @default "UTC" */
  readonly timezone?: string;
}

/** One opening of a mute rule: pages are held from `start` (inclusive) to `end` (exclusive). */
export interface MuteWindow {
  readonly start: Date;
  readonly end: Date;
}

/** A schedule this evaluator cannot read; names the expression and what to use instead. */
export class MuteScheduleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MuteScheduleError';
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Far enough back for a yearly cron; each day costs a few comparisons. */
const MAX_DAYS_BACK = 400;

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration (`PT2H`, `P2DT12H`, `PT90M`); weeks, days, hours, minutes, seconds. */
export function parseIsoDuration(duration: string): number {
  const m = DURATION.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T')) {
    throw new MuteScheduleError(
      `duration ${JSON.stringify(duration)} is not ISO 8601; e.g. "PT2H" or "P1DT12H"`,
    );
  }
  const [, w, d, h, min, s] = m.map((part) => Number(part ?? 0));
  return ((((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * MINUTE + (s ?? 0) * 1000;
}

/** The window that most recently closed at or before `t`, or undefined when none has yet. */
export function lastClosedWindow(schedule: MuteSchedule, t: Date): MuteWindow | undefined {
  const length = parseIsoDuration(schedule.duration);
  const start = lastStartAtOrBefore(schedule, new Date(t.getTime() - length));
  return start && { start, end: new Date(start.getTime() + length) };
}

/** The window open at `t`, or undefined. */
export function openWindow(schedule: MuteSchedule, t: Date): MuteWindow | undefined {
  const length = parseIsoDuration(schedule.duration);
  const start = lastStartAtOrBefore(schedule, t);
  if (!start || start.getTime() + length <= t.getTime()) return undefined;
  return { start, end: new Date(start.getTime() + length) };
}

/** The latest time at or before `t` the schedule opened a window. */
export function lastStartAtOrBefore(schedule: MuteSchedule, t: Date): Date | undefined {
  const zone = schedule.timezone || 'UTC';
  const expression = schedule.expression.trim();
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?\)$/.exec(expression);
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map((part) => Number(part ?? 0));
    const start = zonedTime(zone, y ?? 0, mo ?? 0, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
    return start.getTime() <= t.getTime() ? start : undefined;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron?.[1]) {
    throw new MuteScheduleError(
      `${JSON.stringify(expression)} is neither cron(...) nor at(yyyy-MM-ddThh:mm); e.g. "cron(0 2 * * SUN)"`,
    );
  }
  const spec = parseCron(cron[1], expression);
  const local = zonedParts(zone, t.getTime());
  const today = Date.UTC(local.year, local.month - 1, local.day);
  for (let back = 0; back <= MAX_DAYS_BACK; back++) {
    const date = new Date(today - back * DAY);
    if (
      !spec.matchesDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())
    ) {
      continue;
    }
    // Latest time of day first: the first one at or before t is the answer.
    for (const hour of spec.hoursDescending) {
      for (const minute of spec.minutesDescending) {
        const start = zonedTime(
          zone,
          date.getUTCFullYear(),
          date.getUTCMonth() + 1,
          date.getUTCDate(),
          hour,
          minute,
          0,
        );
        if (start.getTime() <= t.getTime()) return start;
      }
    }
  }
  return undefined;
}

interface CronSpec {
  readonly minutesDescending: readonly number[];
  readonly hoursDescending: readonly number[];
  matchesDay(year: number, month: number, dayOfMonth: number, dayOfWeek: number): boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Index = JavaScript's getUTCDay(). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseCron(body: string, expression: string): CronSpec {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new MuteScheduleError(
      `${expression}: expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = '', year = '*'] = fields;
  if (year !== '*') throw new MuteScheduleError(`${expression}: a year other than * is not supported`);
  const minutes = parseField(minute, 0, 59, expression, 'minute');
  const hours = parseField(hour, 0, 23, expression, 'hour');
  const days = isAny(dayOfMonth) ? undefined : parseField(dayOfMonth, 1, 31, expression, 'day of month');
  const months = parseField(month, 1, 12, expression, 'month', MONTHS, 1);
  if (/\d/.test(dayOfWeek)) {
    throw new MuteScheduleError(
      `${expression}: write days of week as names (SUN, MON-FRI), not numbers, which Unix and EventBridge count differently`,
    );
  }
  const weekdays = isAny(dayOfWeek)
    ? undefined
    : parseField(dayOfWeek, 0, 6, expression, 'day of week', WEEKDAYS, 0);
  return {
    minutesDescending: [...minutes].sort((a, b) => b - a),
    hoursDescending: [...hours].sort((a, b) => b - a),
    matchesDay: (_year, m, dom, dow) => {
      if (!months.has(m)) return false;
      // Both restricted: Unix cron matches either; neither restricted: every day.
      if (days && weekdays) return days.has(dom) || weekdays.has(dow);
      return (days?.has(dom) ?? true) && (weekdays?.has(dow) ?? true);
    },
  };
}

function isAny(field: string): boolean {
  return field === '*' || field === '?';
}

function parseField(
  field: string,
  min: number,
  max: number,
  expression: string,
  what: string,
  names?: readonly string[],
  firstName = 0,
): Set<number> {
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + firstName : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new MuteScheduleError(`${expression}: ${JSON.stringify(token)} is not a valid ${what}`);
    }
    return n;
  };
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new MuteScheduleError(`${expression}: ${JSON.stringify(item)} has an invalid step`);
    }
    let from: number;
    let to: number;
    if (isAny(range)) {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (to < from) throw new MuteScheduleError(`${expression}: ${JSON.stringify(item)} is an empty range`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Wall-clock time in an IANA zone, with nothing but Intl
// ---------------------------------------------------------------------------------------------

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (cause) {
      throw new MuteScheduleError(`time zone ${JSON.stringify(zone)} is not known to this runtime`, {
        cause,
      });
    }
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at instant `ms`. */
function zonedParts(zone: string, ms: number): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `zone` from UTC at instant `ms`, in ms (UTC+2 is +7,200,000). */
function offsetAt(zone: string, ms: number): number {
  const w = zonedParts(zone, ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the wall clock in `zone` reads the given time. Two passes settle the offset; in the
 * hour a daylight-saving change skips or repeats, one of the neighbouring instants is returned.
 */
function zonedTime(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = offsetAt(zone, asUtc);
  const guess = asUtc - first;
  const settled = offsetAt(zone, guess);
  return new Date(settled === first ? guess : asUtc - settled);
}
