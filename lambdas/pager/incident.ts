/**
 * What an incident looks like right now, from the states of its service's alarms: which monitors
 * fail, whether a less urgent alarm of the same incident was already in ALARM (an escalation), and
 * when a recovered alarm had gone to ALARM. Pure: the alarm states are read by the caller.
 */
import type { Severity } from '../../lib/config/schema.ts';
import type { PagerCatalog } from '../../lib/paging/catalog.ts';
import { moreUrgent } from './catalog.ts';
import type { AlarmFacts } from './events.ts';
import type { FailingMonitor, LastCheck } from './format.ts';

/**
 * The failing monitors of a page, in the service's monitor order, each with its alarms in ALARM.
 * A monitor or aspect alarm pages for its own monitor; a service composite for every monitor of the
 * service with an alarm in ALARM. `others` are the other alarms whose state is known (any state).
 */
export function failingMonitors(
  catalog: PagerCatalog,
  paging: AlarmFacts,
  others: readonly AlarmFacts[],
  lastChecks: ReadonlyMap<string, LastCheck> = new Map(),
): FailingMonitor[] {
  const entry = catalog.alarms[paging.name];
  if (!entry) return [];
  const own = entry.type === 'monitor' || entry.type === 'aspect' ? entry.monitor : undefined;
  const byMonitor = new Map<string, AlarmFacts[]>();
  for (const alarm of [paging, ...others]) {
    const a = catalog.alarms[alarm.name];
    if (alarm.state !== 'ALARM' || !a?.monitor || a.service !== entry.service) continue;
    if (own !== undefined && a.monitor !== own) continue;
    const list = byMonitor.get(a.monitor) ?? [];
    if (!list.some((x) => x.name === alarm.name)) list.push(alarm);
    byMonitor.set(a.monitor, list);
  }
  const order = catalog.services[entry.service]?.monitors ?? [];
  const names = [...byMonitor.keys()].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return names.map((monitor) => {
    // The monitor's own alarm first, then its aspects by name: stable text whatever the API order.
    const alarms = (byMonitor.get(monitor) ?? []).sort(
      (a, b) =>
        Number(catalog.alarms[a.name]?.type !== 'monitor') -
          Number(catalog.alarms[b.name]?.type !== 'monitor') || a.name.localeCompare(b.name),
    );
    const lastCheck = lastChecks.get(monitor);
    return { monitor, alarms, ...(lastCheck && { lastCheck }) };
  });
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/**
 * The most urgent severity, less urgent than `severity`, among the service's other alarms in ALARM:
 * a queue's P3 warning already in ALARM when its P2 critical fires makes the P2 page an escalation
 * from P3 under the same incident key.
 */
export function escalatedFrom(
  catalog: PagerCatalog,
  severity: Severity,
  others: readonly AlarmFacts[],
): Severity | undefined {
  let found: Severity | undefined;
  for (const alarm of others) {
    const a = catalog.alarms[alarm.name];
    if (alarm.state !== 'ALARM' || !a || a.type === 'heartbeat') continue;
    if (!moreUrgent(severity, a.severity)) continue;
    if (!found || moreUrgent(a.severity, found)) found = a.severity;
  }
  return found;
}

/** One DescribeAlarmHistory item, as much as is read of it. */
export interface HistoryItem {
  readonly Timestamp?: Date;
  readonly HistoryData?: string;
  readonly HistorySummary?: string;
}

/**
 * When the alarm last went to ALARM at or before `before`, from its state-update history (any
 * order); undefined when the history does not say.
 */
export function lastWentToAlarm(items: readonly HistoryItem[], before: Date): Date | undefined {
  let found: Date | undefined;
  for (const item of items) {
    if (!item.Timestamp || item.Timestamp.getTime() > before.getTime()) continue;
    if (newStateOf(item) !== 'ALARM') continue;
    if (!found || item.Timestamp.getTime() > found.getTime()) found = item.Timestamp;
  }
  return found;
}

function newStateOf(item: HistoryItem): string | undefined {
  if (item.HistoryData) {
    try {
      const data = JSON.parse(item.HistoryData) as { newState?: { stateValue?: unknown } };
      if (typeof data.newState?.stateValue === 'string') return data.newState.stateValue;
    } catch {
      // Fall back to the summary: "Alarm updated from OK to ALARM".
    }
  }
  return /\bto (ALARM|OK|INSUFFICIENT_DATA)\b/.exec(item.HistorySummary ?? '')?.[1];
}
