/**
 * What a sweep pages, decided statelessly from the alarms now in ALARM, the mute rules and the clock:
 * - a REMINDER when a reminder boundary (every `repeatHours` after the alarm went to ALARM) fell in
 *   the sweep's interval, unless a mute window holds the alarm right now;
 * - the page a mute window held: an alarm that went to ALARM inside a window that closed during the
 *   interval and is still in ALARM ("breached during maintenance window X and still breaching").
 *
 * The interval is the sweep period aligned to the clock, `(end - period, end]` with `end` the last
 * multiple of the period: consecutive sweeps then cover time without gaps or overlaps, however late
 * each invocation starts, so a boundary pages once, not on every sweep.
 */
import { muteRuleName } from '../../lib/naming.ts';
import type { PagerCatalog } from '../../lib/paging/catalog.ts';
import { isPagingAlarm, reminderHours } from './catalog.ts';
import type { AlarmFacts } from './events.ts';
import type { HeldBy } from './format.ts';
import { lastClosedWindow, type MuteSchedule, openWindow } from './mute-schedule.ts';

/** The span of time one sweep answers for: `start` exclusive, `end` inclusive. */
export interface SweepInterval {
  readonly start: Date;
  readonly end: Date;
}

/** The sweep interval containing `now`, aligned to multiples of `minutes` since the epoch. */
export function sweepInterval(now: Date, minutes: number): SweepInterval {
  const period = minutes * 60_000;
  const end = Math.floor(now.getTime() / period) * period;
  return { start: new Date(end - period), end: new Date(end) };
}

/** True when a reminder boundary (`since` + k × `hours`, k ≥ 1) lies in the interval. */
export function reminderDue(since: Date, hours: number, interval: SweepInterval): boolean {
  if (!(hours > 0)) return false;
  const every = hours * 3_600_000;
  const elapsed = interval.end.getTime() - since.getTime();
  if (elapsed < every) return false;
  const boundary = since.getTime() + Math.floor(elapsed / every) * every;
  return boundary > interval.start.getTime();
}

/** A mute rule, as GetAlarmMuteRule returns it. */
export interface MuteRule {
  readonly name: string;
  readonly schedule: MuteSchedule;
  readonly alarmNames: readonly string[];
}

/** What one sweep pages, and the rules it could not read. */
export interface SweepPlan {
  readonly reminders: readonly AlarmFacts[];
  readonly held: readonly { readonly alarm: AlarmFacts; readonly heldBy: HeldBy }[];
  readonly unreadableRules: readonly { readonly rule: string; readonly error: string }[];
}

/**
 * Decides a sweep's pages. `alarms` are the project's alarms in ALARM; only those the catalog says
 * page on their own (see `isPagingAlarm`) are reminded or released.
 */
export function planSweep(
  catalog: PagerCatalog,
  alarms: readonly AlarmFacts[],
  rules: readonly MuteRule[],
  interval: SweepInterval,
): SweepPlan {
  const inAlarm = new Set(alarms.map((a) => a.name));
  const paging = new Map(
    alarms.filter((a) => isPagingAlarm(catalog, a.name, inAlarm)).map((a) => [a.name, a]),
  );
  const unreadableRules: { rule: string; error: string }[] = [];
  const mutedNow = new Set<string>();
  const held = new Map<string, { alarm: AlarmFacts; heldBy: HeldBy }>();
  const prefix = muteRuleName(catalog.project, '');

  for (const rule of rules) {
    let closed: ReturnType<typeof lastClosedWindow>;
    try {
      if (openWindow(rule.schedule, interval.end)) for (const name of rule.alarmNames) mutedNow.add(name);
      closed = lastClosedWindow(rule.schedule, interval.end);
    } catch (error) {
      unreadableRules.push({
        rule: rule.name,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    if (!closed || closed.end.getTime() <= interval.start.getTime()) continue;
    const window = rule.name.startsWith(prefix) ? rule.name.slice(prefix.length) : rule.name;
    for (const name of rule.alarmNames) {
      const alarm = paging.get(name);
      if (!alarm || held.has(name)) continue;
      const at = alarm.since.getTime();
      // Went to ALARM while the window held its actions: CloudWatch never sent that page.
      if (at >= closed.start.getTime() && at < closed.end.getTime()) {
        held.set(name, { alarm, heldBy: { window, start: closed.start, end: closed.end } });
      }
    }
  }

  const reminders = [...paging.values()].filter(
    (a) =>
      !held.has(a.name) &&
      !mutedNow.has(a.name) &&
      reminderDue(a.since, reminderHours(catalog, a.name), interval),
  );
  // Another window still holding the alarm keeps its page until that one closes.
  const released = [...held.values()].filter((h) => !mutedNow.has(h.alarm.name));
  return { reminders, held: released, unreadableRules };
}
