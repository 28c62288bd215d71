/**
 * One page per incident: which services page through composite alarms, which alarms belong to
 * each, and how long a dependant's pages wait for its dependency. Pure, from the config alone, so
 * the stack, the catalog and the tests agree on it.
 *
 * A grouped service gets a health composite (ALARM when any of its alarms is; no actions) and one
 * paging composite per severity (ALARM when any of its alarms of that severity is; ALARM and OK
 * actions by severity); its member alarms take no actions of their own. A service is grouped when
 * it has two or more enabled monitors, depends on another service, or is depended on (an actions
 * suppressor must be an alarm, and only a composite can have one). Everything else, a single
 * monitor with its queue aspects included, pages from its own alarms directly: a composite costs
 * $0.50 a month, five standard alarms' worth, and a lone queue monitor would need three (health,
 * its severity, its warning severity) to save a few pages of one incident.
 *
 * A grouped-tier service (all its monitors `tier: 'grouped'`) has one member, its `FailedChecks`
 * alarm, which pages directly: the config refuses such a service in a dependency, so it never
 * needs composites.
 */
import type { Monitor, Severity, VigilConfig } from '../config/index.ts';
import { groupedAlarmRule } from '../constructs/grouped-service-alarm.ts';
import { alarmPeriodSeconds } from '../monitors/alarm-timing.ts';
import { groupedServiceAlarmName, monitorAlarmName } from '../naming.ts';
import { queueAspects } from './catalog.ts';
import type { AlarmActionStrategy } from './severity-action-strategy.ts';

/** "The rule expression of a composite alarm can include as many as 100 underlying alarms" (PutCompositeAlarm). */
export const COMPOSITE_MAX_ALARMS = 100;
/** `AlarmRule` is at most 10,240 characters (PutCompositeAlarm; CDK checks it too). */
export const COMPOSITE_MAX_RULE_CHARS = 10_240;

/**
 * Bounds of the actions-suppressor wait period, seconds. Every page of a dependant waits this long
 * for its dependency to go to ALARM, whether or not it does, so it stays short: at least one
 * minute (composite evaluation lag), at most ten.
 */
export const SUPPRESSOR_WAIT_BOUNDS = { min: 60, max: 600 } as const;
/** Bounds of the actions-suppressor extension period, seconds: a recovered dependency's grace. */
export const SUPPRESSOR_EXTENSION_BOUNDS = { min: 60, max: 900 } as const;
/** Slack added to both: metrics arrive and composites evaluate up to about a minute late. */
const EVALUATION_SLACK_SECONDS = 60;

/** One alarm of a service, as its composites see it. */
export interface IncidentMember {
  /** The alarm's name (`monitorAlarmName`). */
  readonly alarmName: string;
  readonly severity: Severity;
  /** The monitor; the service, for a grouped-tier service's one alarm. */
  readonly monitor: string;
  /** The queue aspect, for aspect alarms. */
  readonly aspect?: string;
  /** Seconds from the start of a failure to this alarm's ALARM, at the soonest (period x M). */
  readonly detectSeconds: number;
  /** Seconds from a recovery to this alarm's OK, at the latest (period x (N - M + 1)). */
  readonly recoverSeconds: number;
}

/** How long a dependant's paging composite waits for, and after, its dependency's health composite. */
export interface SuppressionTiming {
  /** `ActionsSuppressorWaitPeriod`: how long a new ALARM waits for the dependency to go to ALARM. */
  readonly waitSeconds: number;
  /** `ActionsSuppressorExtensionPeriod`: how long pages stay held once the dependency is OK again. */
  readonly extensionSeconds: number;
}

/** M of N over a period, as the alarm evaluates it (mirrors lib/constructs/queue-alarms.ts). */
function evaluation(m: Monitor, aspect?: string): { period: number; m: number; n: number } {
  const period = alarmPeriodSeconds(m.schedule);
  const { datapointsToAlarm, evaluationPeriods } = m.alarm;
  if (aspect === 'stalled' && m.kind === 'queue' && m.stalled) {
    return { period, m: m.stalled.checks - 1, n: m.stalled.checks };
  }
  if (aspect === 'dead-letters') return { period, m: 1, n: 2 };
  if (aspect === 'oldest-message') return { period: 60, m: datapointsToAlarm, n: evaluationPeriods };
  return { period, m: datapointsToAlarm, n: evaluationPeriods };
}

function member(project: string, m: Monitor, severity: Severity, aspect?: string): IncidentMember {
  const e = evaluation(m, aspect);
  return {
    alarmName: monitorAlarmName(project, m.name, aspect),
    severity,
    monitor: m.name,
    ...(aspect !== undefined && { aspect }),
    detectSeconds: e.period * e.m,
    recoverSeconds: e.period * (e.n - e.m + 1),
  };
}

/** `(ALARM("a") OR ALARM("b"))`, as `AlarmRule.anyOf` renders alarm names. */
export function anyOfRule(alarmNames: readonly string[]): string {
  return `(${alarmNames.map((n) => `ALARM("${n}")`).join(' OR ')})`;
}

/**
 * Splits alarm names into groups that each fit one composite's rule (at most
 * {@link COMPOSITE_MAX_ALARMS} alarms and {@link COMPOSITE_MAX_RULE_CHARS} characters), in order.
 * One group when they all fit.
 */
export function compositeChunks(alarmNames: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const name of alarmNames) {
    const next = [...current, name];
    if (
      current.length > 0 &&
      (next.length > COMPOSITE_MAX_ALARMS || anyOfRule(next).length > COMPOSITE_MAX_RULE_CHARS)
    ) {
      chunks.push(current);
      current = [name];
    } else {
      current = next;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const clamp = (value: number, bounds: { min: number; max: number }) =>
  Math.min(bounds.max, Math.max(bounds.min, value));

/**
 * Suppression timing of a paging composite whose members are `own`, held while any of
 * `dependencies` (each dependency's members) is down:
 *
 * - wait: the slowest dependency's soonest detection, minus this composite's soonest detection,
 *   plus a minute of slack: a shared outage makes the dependant page first when it checks more
 *   often, and the wait gives the dependency time to catch up. Bounded by {@link SUPPRESSOR_WAIT_BOUNDS}
 *   since every page of the dependant pays it.
 * - extension: the slowest own member's recovery, plus a minute: once the dependency is OK again,
 *   the dependant's alarms need that long to clear; if they have not, the page goes out (its own
 *   problem). Bounded by {@link SUPPRESSOR_EXTENSION_BOUNDS}.
 */
export function suppressionTiming(
  own: readonly IncidentMember[],
  dependencies: readonly (readonly IncidentMember[])[],
): SuppressionTiming {
  const soonest = (ms: readonly IncidentMember[]) => Math.min(...ms.map((m) => m.detectSeconds));
  const dependencyDetects = dependencies.filter((d) => d.length > 0).map(soonest);
  const lag = Math.max(0, ...dependencyDetects) - soonest(own);
  return {
    waitSeconds: clamp(lag + EVALUATION_SLACK_SECONDS, SUPPRESSOR_WAIT_BOUNDS),
    extensionSeconds: clamp(
      Math.max(0, ...own.map((m) => m.recoverSeconds)) + EVALUATION_SLACK_SECONDS,
      SUPPRESSOR_EXTENSION_BOUNDS,
    ),
  };
}

/** Alarms that take no actions: members of a grouped service, whose composites page instead. */
export const NO_ACTIONS: AlarmActionStrategy = {
  addActions: () => {},
};

/** Which services page as one incident, and how (see the module comment). */
export class IncidentPlan {
  /** The plan of `config`'s enabled monitors. */
  static of(config: VigilConfig): IncidentPlan {
    return new IncidentPlan(config);
  }

  /** Services with at least one enabled monitor, each after the services it depends on. */
  readonly services: readonly string[];
  /** Services that page through composites. */
  readonly grouped: ReadonlySet<string>;
  /** Grouped-tier services: one `FailedChecks` alarm each, no per-monitor alarms. */
  readonly groupedTier: ReadonlySet<string>;

  private readonly membersOf = new Map<string, IncidentMember[]>();
  private readonly monitorCount = new Map<string, number>();
  private readonly dependenciesOf = new Map<string, string[]>();

  private constructor(config: VigilConfig) {
    const groupedTier = new Set<string>();
    for (const s of config.services) {
      const own = config.monitors.filter((m) => m.enabled && m.service === s.name);
      if (own.length === 0 || !own.every((m) => m.tier === 'grouped')) continue;
      groupedTier.add(s.name);
      const rule = groupedAlarmRule(own);
      this.membersOf.set(s.name, [
        {
          alarmName: groupedServiceAlarmName(config.project, s.name),
          severity: rule.severity,
          monitor: s.name,
          detectSeconds: rule.periodSeconds * rule.datapointsToAlarm,
          recoverSeconds: rule.periodSeconds * (rule.evaluationPeriods - rule.datapointsToAlarm + 1),
        },
      ]);
      this.monitorCount.set(s.name, 1);
    }
    this.groupedTier = groupedTier;
    for (const m of config.monitors) {
      if (!m.enabled || groupedTier.has(m.service)) continue;
      const list = this.membersOf.get(m.service) ?? [];
      list.push(member(config.project, m, m.severity));
      for (const a of queueAspects(m)) list.push(member(config.project, m, a.severity, a.aspect));
      this.membersOf.set(m.service, list);
      this.monitorCount.set(m.service, (this.monitorCount.get(m.service) ?? 0) + 1);
    }
    // A dependency with no enabled monitor is never down: it holds nothing.
    for (const s of config.services) {
      if (!this.membersOf.has(s.name)) continue;
      this.dependenciesOf.set(
        s.name,
        s.dependsOn.filter((d) => this.membersOf.has(d)),
      );
    }
    const dependedOn = new Set([...this.dependenciesOf.values()].flat());
    this.grouped = new Set(
      [...this.membersOf.keys()].filter(
        (s) =>
          (this.monitorCount.get(s) ?? 0) >= 2 ||
          (this.dependenciesOf.get(s)?.length ?? 0) > 0 ||
          dependedOn.has(s),
      ),
    );
    // Depth-first: each service after its dependencies (the config refuses cycles).
    const order: string[] = [];
    const visit = (s: string) => {
      if (order.includes(s)) return;
      for (const d of this.dependencies(s)) visit(d);
      order.push(s);
    };
    for (const s of config.services) if (this.membersOf.has(s.name)) visit(s.name);
    this.services = order;
  }

  /** True when `service` is grouped-tier: one `FailedChecks` alarm, no per-monitor alarms. */
  isGroupedTier(service: string): boolean {
    return this.groupedTier.has(service);
  }

  /** True when `service` pages through composites. */
  isGrouped(service: string): boolean {
    return this.grouped.has(service);
  }

  /** Every alarm of `service`, monitors in config order, each followed by its aspects. */
  members(service: string): readonly IncidentMember[] {
    return this.membersOf.get(service) ?? [];
  }

  /** The severities `service`'s alarms page at, most urgent first. */
  severities(service: string): Severity[] {
    const found = new Set(this.members(service).map((m) => m.severity));
    return (['P1', 'P2', 'P3', 'P4'] as const).filter((s) => found.has(s));
  }

  /** The services `service` depends on that have enabled monitors. */
  dependencies(service: string): readonly string[] {
    return this.dependenciesOf.get(service) ?? [];
  }

  /** Suppression timing of `service`'s `severity` paging composite, or undefined without dependencies. */
  suppression(service: string, severity: Severity): SuppressionTiming | undefined {
    const deps = this.dependencies(service);
    if (deps.length === 0) return undefined;
    return suppressionTiming(
      this.members(service).filter((m) => m.severity === severity),
      deps.map((d) => this.members(d)),
    );
  }

  /**
   * Who a member alarm of `service` pages: nobody when the service is grouped (its composites
   * page), else `paging`. The one place that decides whether a monitor's alarm pages by itself.
   */
  memberPaging(service: string, paging: AlarmActionStrategy): AlarmActionStrategy {
    return this.isGrouped(service) ? NO_ACTIONS : paging;
  }
}
