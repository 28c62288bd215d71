/**
 * When a drill is due: the fire times of an EventBridge Scheduler cron expression in its IANA time
 * zone, as Scheduler computes them, so the "did not run" sweep (lambdas/drill/sweep.ts) knows which
 * run it should find in SSM's history. Pure: the clock is a parameter.
 *
 * The six fields are `minutes hours day-of-month month day-of-week year`, with `*`, `?`, lists
 * (`1,15`), ranges (`MON-FRI`), steps (`0/15`, `*\/5`, `10-40/10`), and in the day fields `L`
 * (last day of the month; `5L` the last Thursday; `L` alone in day-of-week is Saturday), `W`
 * (`15W` the weekday nearest the 15th, `LW` the last weekday) and `#` (`SUN#1` the first Sunday).
 * Day of week counts 1 = SUN to 7 = SAT, as EventBridge does.
 *
 * Daylight saving time, as Scheduler documents it: a local time that does not exist (spring
 * forward) is skipped, and a local time that happens twice (fall back) fires once, at its first
 * occurrence.
 */

/** A cron expression the parser does not accept; the message names it and the field. */
export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAY_MS = 86_400_000;
/** How far {@link previousDue} and {@link nextDue} look: a Feb 29 cron can skip 8 years (2096 → 2104). */
const SEARCH_DAYS = 9 * 366;

/** A day-of-month rule: any day, a set of days, the last day (minus nothing), or the weekday nearest a day. */
type DomRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'lastWeekday' }
  | { readonly kind: 'nearestWeekday'; readonly day: number };

/** A day-of-week rule (1 = SUN): any day, a set of days, the last given weekday, or the nth one. */
type DowRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly n: number };

/** A parsed cron expression. */
export interface Cron {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number> | 'any';
  /** Lists of rules: a day matches when any rule of the list matches. */
  readonly dom: readonly DomRule[];
  readonly dow: readonly DowRule[];
}

/** Parses `cron(...)` (six fields); throws a {@link CronError} naming the expression and the field. */
export function parseCron(expression: string): Cron {
  const m = /^cron\((.*)\)$/.exec(expression.trim());
  const fields = m?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) {
    throw new CronError(
      `${expression}: not a 6-field EventBridge cron(minutes hours day-of-month month day-of-week year)`,
    );
  }
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const bad = (field: string, value: string) =>
    new CronError(`${expression}: "${value}" is not a valid ${field} field`);
  const list = (
    field: string,
    value: string,
    lo: number,
    hi: number,
    names?: readonly string[],
    base = 0,
  ) => {
    const out = new Set<number>();
    for (const part of value.split(',')) {
      for (const v of expand(part, lo, hi, names, base)) out.add(v);
    }
    if (out.size === 0) throw bad(field, value);
    return out;
  };
  const guard = <T>(field: string, value: string, parse: () => T): T => {
    try {
      return parse();
    } catch {
      throw bad(field, value);
    }
  };

  const minutes = guard('minutes', min, () => [...list('minutes', min, 0, 59)].sort((a, b) => a - b));
  const hours = guard('hours', hour, () => [...list('hours', hour, 0, 23)].sort((a, b) => a - b));
  const months = guard('month', month, () => list('month', month, 1, 12, MONTHS, 1));
  const years = year === '*' ? 'any' : guard('year', year, () => list('year', year, 1970, 2199));
  if ((dom === '?') === (dow === '?')) {
    throw new CronError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  const domRules = dom === '?' ? [] : guard('day-of-month', dom, () => dom.split(',').map(parseDom));
  const dowRules = dow === '?' ? [] : guard('day-of-week', dow, () => dow.split(',').map(parseDow));
  return { minutes, hours, months, years, dom: domRules, dow: dowRules };
}

/** One list item of a numeric field: `*`, `5`, `1-5`, `0/15`, `*\/5`, `10-40/10`, names allowed. */
function expand(part: string, lo: number, hi: number, names: readonly string[] | undefined, base: number) {
  const [range = '', stepText] = part.split('/');
  const step = stepText === undefined ? 1 : number(stepText);
  if (step < 1) throw new Error('step');
  let from: number;
  let to: number;
  if (range === '*') [from, to] = [lo, hi];
  else if (range.includes('-')) {
    const [a = '', b = ''] = range.split('-');
    [from, to] = [value(a, names, base), value(b, names, base)];
  } else {
    from = value(range, names, base);
    // `0/15`: from 0 to the end of the field, every 15.
    to = stepText === undefined ? from : hi;
  }
  if (from < lo || to > hi || from > to) throw new Error('range');
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function value(text: string, names: readonly string[] | undefined, base: number): number {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  return named >= 0 ? named + base : number(text);
}

function number(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`not a number: ${text}`);
  return Number(text);
}

function parseDom(part: string): DomRule {
  if (part === '*') return { kind: 'any' };
  if (part === 'L') return { kind: 'last' };
  if (part === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d+)W$/.exec(part);
  if (w) {
    const day = number(w[1] ?? '');
    if (day < 1 || day > 31) throw new Error('day');
    return { kind: 'nearestWeekday', day };
  }
  return { kind: 'set', days: new Set(expand(part, 1, 31, undefined, 0)) };
}

function parseDow(part: string): DowRule {
  if (part === '*') return { kind: 'any' };
  if (part === 'L') return { kind: 'set', days: new Set([7]) };
  const last = /^(\w+)L$/.exec(part);
  if (last) return { kind: 'last', day: weekday(last[1] ?? '') };
  const nth = /^(\w+)#(\d)$/.exec(part);
  if (nth) {
    const n = number(nth[2] ?? '');
    if (n < 1 || n > 5) throw new Error('nth');
    return { kind: 'nth', day: weekday(nth[1] ?? ''), n };
  }
  return { kind: 'set', days: new Set(expand(part, 1, 7, DAYS, 1)) };
}

function weekday(text: string): number {
  const day = value(text, DAYS, 1);
  if (day < 1 || day > 7) throw new Error('weekday');
  return day;
}

/** A calendar date (proleptic Gregorian), month 1-12. */
interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = SUN ... 7 = SAT. */
function dayOfWeek(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 1;
}

function domMatches(rule: DomRule, d: LocalDate): boolean {
  const last = daysInMonth(d.year, d.month);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'set':
      return rule.days.has(d.day);
    case 'last':
      return d.day === last;
    case 'lastWeekday':
      return d.day === nearestWeekday(d.year, d.month, last);
    case 'nearestWeekday':
      return rule.day <= last && d.day === nearestWeekday(d.year, d.month, rule.day);
  }
}

/** The weekday nearest `day` within its month (Saturday → Friday, Sunday → Monday, never across the month). */
function nearestWeekday(year: number, month: number, day: number): number {
  const dow = dayOfWeek({ year, month, day });
  const last = daysInMonth(year, month);
  if (dow === 7) return day === 1 ? 3 : day - 1;
  if (dow === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function dowMatches(rule: DowRule, d: LocalDate): boolean {
  const dow = dayOfWeek(d);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'set':
      return rule.days.has(dow);
    case 'last':
      return dow === rule.day && d.day + 7 > daysInMonth(d.year, d.month);
    case 'nth':
      return dow === rule.day && Math.ceil(d.day / 7) === rule.n;
  }
}

function dateMatches(cron: Cron, d: LocalDate): boolean {
  if (cron.years !== 'any' && !cron.years.has(d.year)) return false;
  if (!cron.months.has(d.month)) return false;
  if (cron.dom.length > 0) return cron.dom.some((r) => domMatches(r, d));
  return cron.dow.some((r) => dowMatches(r, d));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `epochMs` in `timeZone`, as epoch ms of the same fields in UTC. */
function wallClock(epochMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return wall + (epochMs % 1000);
}

/**
 * The instant the local time `wall` (fields as UTC epoch ms) happens in `timeZone`: the earliest one
 * when it happens twice (fall back), undefined when it never happens (spring forward).
 */
function instantOf(wall: number, timeZone: string): number | undefined {
  // An offset in effect a day before or after covers both sides of any transition.
  const offsets = new Set([
    wallClock(wall - DAY_MS, timeZone) - (wall - DAY_MS),
    wallClock(wall + DAY_MS, timeZone) - (wall + DAY_MS),
  ]);
  const hits = [...offsets].map((o) => wall - o).filter((t) => wallClock(t, timeZone) === wall);
  return hits.length === 0 ? undefined : Math.min(...hits);
}

/** The fire times on one local date, in order. */
function firesOn(cron: Cron, d: LocalDate, timeZone: string): number[] {
  if (!dateMatches(cron, d)) return [];
  const out: number[] = [];
  for (const h of cron.hours) {
    for (const m of cron.minutes) {
      const t = instantOf(Date.UTC(d.year, d.month - 1, d.day, h, m), timeZone);
      if (t !== undefined) out.push(t);
    }
  }
  return out.sort((a, b) => a - b);
}

function localDate(epochMs: number, timeZone: string): LocalDate {
  const w = new Date(wallClock(epochMs, timeZone));
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
}

function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * The latest time at or before `now` at which Scheduler fires `cron` (a `cron(...)` expression) in
 * `timeZone` (IANA), or undefined when it never fired in the last nine years. Throws a
 * {@link CronError} for an expression it cannot read.
 */
export function previousDue(cron: string | Cron, timeZone: string, now: Date): Date | undefined {
  const parsed = typeof cron === 'string' ? parseCron(cron) : cron;
  const limit = now.getTime();
  // From the day after now's local date: a zone ahead of UTC may already be there.
  const start = addDays(localDate(limit, timeZone), 1);
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    const fires = firesOn(parsed, addDays(start, -i), timeZone).filter((t) => t <= limit);
    const last = fires.at(-1);
    if (last !== undefined) return new Date(last);
  }
  return undefined;
}

/** The earliest time after `now` at which Scheduler fires `cron` in `timeZone`; see {@link previousDue}. */
export function nextDue(cron: string | Cron, timeZone: string, now: Date): Date | undefined {
  const parsed = typeof cron === 'string' ? parseCron(cron) : cron;
  const limit = now.getTime();
  const start = addDays(localDate(limit, timeZone), -1);
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    const first = firesOn(parsed, addDays(start, i), timeZone).find((t) => t > limit);
    if (first !== undefined) return new Date(first);
  }
  return undefined;
}
