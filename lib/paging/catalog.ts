/**
 * What the page formatter needs to know about the deployed monitors, derived from the config at
 * synth and embedded in the pager's bundle: for every alarm Vigil creates, which monitor and
 * service it belongs to, its severity, what it checks and where the runbook is. A page can then
 * say what broke and what to do without reading the config at run time.
 */
import type { Monitor, Severity, VigilConfig } from '../config/index.ts';
import { FAST_PROBE_INTERVAL_MS } from '../config/monitor-schema.ts';
import { DEFAULT_REPEAT_HOURS } from '../config/resolve-monitor.ts';
import type { Drill } from '../drills/model.ts';
import { isFast, targetSummary } from '../monitors/monitor-traits.ts';
import {
  drillCatalogMonitorName,
  drillSweepAlarmName,
  groupedServiceAlarmName,
  heartbeatAlarmName,
  incidentKey,
  monitorAlarmName,
  serviceAlarmName,
  servicePageAlarmName,
  VIGIL_SERVICE,
  watcherAlarmName,
} from '../naming.ts';
import { ladderSummary } from '../remediation/catalog.ts';

/** One alarm Vigil created, as a page describes it. */
export interface CatalogAlarm {
  /**
   * `monitor` (the check failed or stopped reporting; also a watcher of Vigil itself, whose monitor
   * entry has kind `watcher`), `aspect` (queue warning, stalled...), `service` (composite),
   * `heartbeat` (the scheduled proof that paging works).
   */
  readonly type: 'monitor' | 'aspect' | 'service' | 'heartbeat';
  readonly service: string;
  readonly severity: Severity;
  /** The monitor, for monitor and aspect alarms. */
  readonly monitor?: string;
  /** `warning`, `stalled`, `dead-letters`, `oldest-message`, for aspect alarms. */
  readonly aspect?: string;
  /** What the alarm means, for the heartbeat (monitors, watchers included, have their own). */
  readonly description?: string;
  /**
   * A grouped-tier service's one `FailedChecks` alarm (type `service`): it pages by itself, and the
   * pager reads which monitors failed from the canary log.
   */
  readonly grouped?: true;
}

/** A monitor, as pages describe it. */
export interface CatalogMonitor {
  readonly name: string;
  readonly service: string;
  /** The check's kind; `watcher` for the built-in monitors of Vigil itself ({@link VIGIL_WATCHERS}). */
  readonly kind: Monitor['kind'] | 'watcher';
  readonly severity: Severity;
  readonly description?: string;
  /** What it checks: "GET https://…/api/health", "SQS queue orders". */
  readonly target: string;
  /** The threshold in words: "2 of 3 checks fail (rate(1 minute))", "more than 1000 messages fails". */
  readonly threshold: string;
  readonly runbook?: string;
  readonly repeatHours: number;
  /**
   * The remediation ladders of the monitor's alarms in one line, for the email's "Remediation:"
   * line: "restart compose app on i-0abc, then roll ... back; cooldown 15 min, 3 runs a day".
   */
  readonly remediation?: string;
}

/** A service, as pages describe it. */
export interface CatalogService {
  readonly name: string;
  readonly description?: string;
  readonly dependsOn: readonly string[];
  /** Hours between reminders: the service's own, else the shortest of its monitors'. 0: none. */
  readonly repeatHours: number;
  /** Dashboard link for pages (the config's, else the service's Vigil dashboard, filled in by the stack). */
  readonly dashboard?: string;
  readonly incidentKey: string;
  readonly monitors: readonly string[];
}

export interface PagerCatalog {
  readonly project: string;
  readonly services: Readonly<Record<string, CatalogService>>;
  readonly monitors: Readonly<Record<string, CatalogMonitor>>;
  /** Every alarm by name. */
  readonly alarms: Readonly<Record<string, CatalogAlarm>>;
}

/**
 * Warning alarms of a `full`-tier monitor (lib/constructs/warning-alarms.ts): `certificate-warning`
 * for an https monitor with `certificate.warningAlarm`, `disk-warning` for a disk aspect with
 * `warnUsedPercent`. Lean and grouped monitors publish no such metric, so they get none.
 */
export function warningAspects(monitor: Monitor): { aspect: string; severity: Severity }[] {
  if (monitor.tier !== 'full') return [];
  if (monitor.kind === 'http' && monitor.certificate?.warningAlarm) {
    return [{ aspect: 'certificate-warning', severity: monitor.certificate.warningSeverity }];
  }
  if (monitor.kind === 'command' && monitor.disk?.warnUsedPercent !== undefined) {
    return [{ aspect: 'disk-warning', severity: monitor.disk.warningSeverity }];
  }
  return [];
}

/**
 * Aspect alarms a monitor gets besides its `Success` alarm, with their severities: a queue's (see
 * lib/constructs/queue-alarms.ts) and the certificate and disk warnings ({@link warningAspects}).
 */
export function queueAspects(monitor: Monitor): { aspect: string; severity: Severity }[] {
  if (monitor.kind !== 'queue') return warningAspects(monitor);
  return [
    ...(monitor.warnDepth !== undefined ? [{ aspect: 'warning', severity: monitor.warningSeverity }] : []),
    ...(monitor.stalled ? [{ aspect: 'stalled', severity: monitor.severity }] : []),
    ...(monitor.source.kind === 'sqs' && monitor.source.deadLetterQueue
      ? [{ aspect: 'dead-letters', severity: monitor.severity }]
      : []),
    ...(monitor.source.kind === 'sqs' && monitor.maxOldestMessageAgeSeconds !== undefined
      ? [{ aspect: 'oldest-message', severity: monitor.severity }]
      : []),
  ];
}

/**
 * The alarm's rule in words: "1 of 3 checks fail (rate(1 minute), each failure confirmed by a second
 * probe 5 s later)", "1 of 1 check fails (rate(1 hour))", a fast monitor's "2 of 3 probes fail
 * (every 10 s)", then what fails a check of its kind. A confirming monitor says so, since its 1 of 3
 * still means two failed probes in a row (docs/adr/0013-confirmed-failures.md).
 */
function thresholdOf(m: Monitor): string {
  const { datapointsToAlarm, evaluationPeriods } = m.alarm;
  const checks = evaluationPeriods === 1 ? 'check fails' : 'checks fail';
  const confirmed =
    m.kind === 'http' && m.confirm !== false
      ? `, each failure confirmed by a second probe ${m.confirm.afterMs / 1000} s later`
      : '';
  const base =
    m.tier === 'grouped'
      ? `a failed check (${m.schedule}) counts toward the service's grouped alarm`
      : isFast(m)
        ? `${datapointsToAlarm} of ${evaluationPeriods} probes fail (every ${FAST_PROBE_INTERVAL_MS / 1000} s)`
        : `${datapointsToAlarm} of ${evaluationPeriods} ${checks} (${m.schedule}${confirmed})`;
  switch (m.kind) {
    case 'http':
      return m.maxLatencyMs !== undefined ? `${base}; slower than ${m.maxLatencyMs} ms fails` : base;
    case 'queue':
      return m.maxDepth !== undefined ? `${base}; more than ${m.maxDepth} messages fails` : base;
    case 'backup':
      return `${base}; newest backup older than ${m.maxAgeHours} h fails`;
    case 'command':
      return [
        base,
        ...(m.command !== undefined ? [`exit code other than 0 within ${m.timeoutSeconds} s fails`] : []),
        ...(m.disk ? [`${m.disk.path} over ${m.disk.maxUsedPercent}% used fails`] : []),
      ].join('; ');
  }
}

/** True when every enabled monitor of `service` is `tier: 'grouped'` (and it has one). */
export function isGroupedTierService(config: VigilConfig, service: string): boolean {
  const own = config.monitors.filter((m) => m.enabled && m.service === service);
  return own.length > 0 && own.every((m) => m.tier === 'grouped');
}

/** The severities a service's enabled monitors (and their aspects) page at, most severe first. */
export function serviceSeverities(config: VigilConfig, service: string): Severity[] {
  const found = new Set<Severity>();
  for (const m of config.monitors) {
    if (!m.enabled || m.service !== service) continue;
    found.add(m.severity);
    for (const a of queueAspects(m)) found.add(a.severity);
  }
  return (['P1', 'P2', 'P3', 'P4'] as const).filter((s) => found.has(s));
}

/**
 * Every alarm name of a service's enabled monitors: monitor alarms, queue aspect alarms and the
 * service's composites (whether or not the stack creates composites for it, a mute rule may name
 * an alarm that does not exist). What a maintenance window or `vigil mute SERVICE` mutes.
 */
export function serviceAlarmNames(config: VigilConfig, service: string): string[] {
  if (isGroupedTierService(config, service)) return [groupedServiceAlarmName(config.project, service)];
  const names: string[] = [];
  for (const m of config.monitors) {
    if (!m.enabled || m.service !== service) continue;
    names.push(monitorAlarmName(config.project, m.name));
    for (const a of queueAspects(m)) names.push(monitorAlarmName(config.project, m.name, a.aspect));
  }
  if (names.length > 0) {
    names.push(serviceAlarmName(config.project, service));
    for (const severity of serviceSeverities(config, service)) {
      names.push(servicePageAlarmName(config.project, service, severity));
    }
  }
  return names;
}

/** The monitor's remediations in words: its own alarm's ladder, and each aspect's ("stalled: ..."). */
function remediationOf(config: VigilConfig, monitor: string): { remediation?: string } {
  const own = (config.remediations ?? []).filter((r) => r.monitor === monitor);
  if (own.length === 0) return {};
  const words = own.map((r) => (r.aspect ? `on ${r.aspect}: ${ladderSummary(r)}` : ladderSummary(r)));
  return { remediation: words.join(' | ') };
}

/** Builds the catalog of a config's enabled monitors. Pure. */
export function buildPagerCatalog(config: VigilConfig): PagerCatalog {
  const enabled = config.monitors.filter((m) => m.enabled);
  const monitors: Record<string, CatalogMonitor> = {};
  const alarms: Record<string, CatalogAlarm> = {};
  for (const m of enabled) {
    monitors[m.name] = {
      name: m.name,
      service: m.service,
      kind: m.kind,
      severity: m.severity,
      ...(m.description !== undefined && { description: m.description }),
      target: targetSummary(m),
      threshold: thresholdOf(m),
      ...(m.runbook !== undefined && { runbook: m.runbook }),
      repeatHours: m.repeatHours,
      ...remediationOf(config, m.name),
    };
    if (m.tier === 'grouped') continue; // no alarm of its own: its service's grouped alarm pages
    alarms[monitorAlarmName(config.project, m.name)] = {
      type: 'monitor',
      service: m.service,
      severity: m.severity,
      monitor: m.name,
    };
    for (const a of queueAspects(m)) {
      alarms[monitorAlarmName(config.project, m.name, a.aspect)] = {
        type: 'aspect',
        service: m.service,
        severity: a.severity,
        monitor: m.name,
        aspect: a.aspect,
      };
    }
  }
  const services: Record<string, CatalogService> = {};
  for (const s of config.services) {
    const own = enabled.filter((m) => m.service === s.name);
    if (own.length === 0) continue;
    const shortest = Math.min(...own.map((m) => m.repeatHours).filter((h) => h > 0));
    services[s.name] = {
      name: s.name,
      ...(s.description !== undefined && { description: s.description }),
      dependsOn: s.dependsOn,
      repeatHours: s.repeatHours ?? (Number.isFinite(shortest) ? shortest : 0),
      ...(s.dashboard !== undefined && { dashboard: s.dashboard }),
      incidentKey: incidentKey(config.project, s.name),
      monitors: own.map((m) => m.name),
    };
    const top = serviceSeverities(config, s.name)[0] ?? 'P4';
    if (isGroupedTierService(config, s.name)) {
      alarms[groupedServiceAlarmName(config.project, s.name)] = {
        type: 'service',
        service: s.name,
        severity: top,
        grouped: true,
      };
      continue;
    }
    alarms[serviceAlarmName(config.project, s.name)] = { type: 'service', service: s.name, severity: top };
    for (const severity of serviceSeverities(config, s.name)) {
      alarms[servicePageAlarmName(config.project, s.name, severity)] = {
        type: 'service',
        service: s.name,
        severity,
      };
    }
  }
  return { project: config.project, services, monitors, alarms };
}

/** Severity of every alarm on Vigil itself: a broken watcher is urgent, not a 3 a.m. emergency. */
export const VIGIL_SEVERITY: Severity = 'P2';

/** What a watcher of Vigil itself is, as its page shows it. */
export interface VigilWatcherSpec {
  /** What is watched, as a page's "Checks:" line. */
  readonly target: string;
  /** When it pages, in words. */
  readonly threshold: string;
  /** What it means and what to do. */
  readonly description: string;
}

/**
 * The alarms watching Vigil itself (lib/constructs/vigil-watchers.ts builds them), by watcher name.
 * Every one pages at {@link VIGIL_SEVERITY} under the built-in service {@link VIGIL_SERVICE}, and
 * appears in the catalog as a monitor of kind `watcher`, so the pager formats and reminds it like
 * any single-monitor service.
 */
export const VIGIL_WATCHERS = {
  'canary-errors': {
    target: 'the canary Lambda (AWS/Lambda Errors)',
    threshold: 'any invocation error in 5 minutes',
    description:
      'The canary Lambda itself failed (a failing check is a result, not an error). Read its log group for the error; until it is fixed, checks may not report.',
  },
  'canary-stopped': {
    target: 'the canary Lambda (AWS/Lambda Invocations)',
    threshold: 'no invocation in a period (5 minutes, or twice the fastest schedule when longer)',
    description:
      'The canary was not invoked: its schedules stopped, were deleted or cannot invoke it. Every monitor will soon page as not reporting; check the EventBridge Scheduler group and its role.',
  },
  undelivered: {
    target: 'the dead-letter queue of check schedules, the canary and the pager',
    threshold: 'any message visible',
    description:
      'Check invocations the Scheduler could not deliver, or canary/pager invocations that failed, are in the dead-letter queue. Read the messages for the error, then purge the queue: this alarm stays in ALARM while messages are there.',
  },
  'pager-errors': {
    target: 'the pager Lambda (AWS/Lambda Errors)',
    threshold: 'any invocation error in 5 minutes',
    description:
      'The pager Lambda failed: readable pages (email, SMS) and reminders may be missing, so this alarm also goes straight to the readable topic as raw alarm JSON. PagerDuty/Opsgenie still receive raw alarms. Read its log group.',
  },
} as const satisfies Record<string, VigilWatcherSpec>;

/** A watcher of {@link VIGIL_WATCHERS}. */
export type VigilWatcher = keyof typeof VIGIL_WATCHERS;

/** The catalog's monitor name of a watcher: `vigil-<watcher>` (its alarm is `vigil-<project>-vigil-<watcher>`). */
export function watcherMonitorName(watcher: VigilWatcher): string {
  return `${VIGIL_SERVICE}-${watcher}`;
}

/** What the heartbeat alarm means, for its description and its page. */
export const HEARTBEAT_DESCRIPTION =
  'Heartbeat: the pager sets this alarm to ALARM on schedule to prove the paging path end to end (CloudWatch, SNS, pager, your inbox); it returns to OK at its next evaluation. Nothing to do. If the heartbeat stops arriving, the paging path is broken.';

/** What the stack deploys around the config's monitors, for {@link withInfraAlarms}. */
export interface InfraAlarmOptions {
  /**
   * Services that page through composites (lib/paging/incident-plan.ts). The others' composite
   * entries are dropped, so the pager knows their monitor alarms page on their own.
   * @default - every service keeps its composites
   */
  readonly groupedServices?: ReadonlySet<string>;
  /**
   * The heartbeat's severity, when the config has one.
   * @default - no heartbeat
   */
  readonly heartbeat?: { readonly severity: Severity };
  /**
   * The config's DR drills: each has an alarm that pages when the drill sweep stopped watching it
   * (lib/constructs/dr-drills.ts), catalogued as a monitor of kind `watcher` of the drill's service.
   * @default - none
   */
  readonly drills?: readonly Pick<
    Drill,
    'name' | 'service' | 'severity' | 'schedule' | 'timeZone' | 'runbook'
  >[];
}

/**
 * `catalog` as deployed: composite entries only for the services that have composites, plus the
 * watchers of Vigil itself (monitors of kind `watcher`, alarm type `monitor`) and, when configured,
 * the heartbeat, under the built-in service {@link VIGIL_SERVICE} (reminders every
 * {@link DEFAULT_REPEAT_HOURS} of its severity). Pure; `catalog` is not changed.
 */
export function withInfraAlarms(catalog: PagerCatalog, options: InfraAlarmOptions = {}): PagerCatalog {
  const { project } = catalog;
  const grouped = options.groupedServices;
  const alarms: Record<string, CatalogAlarm> = Object.fromEntries(
    Object.entries(catalog.alarms).filter(
      ([, a]) => a.type !== 'service' || a.grouped || !grouped || grouped.has(a.service),
    ),
  );
  const monitors: Record<string, CatalogMonitor> = { ...catalog.monitors };
  const repeatHours = DEFAULT_REPEAT_HOURS[VIGIL_SEVERITY];
  for (const [watcher, spec] of Object.entries(VIGIL_WATCHERS) as [VigilWatcher, VigilWatcherSpec][]) {
    const name = watcherMonitorName(watcher);
    monitors[name] = {
      name,
      service: VIGIL_SERVICE,
      kind: 'watcher',
      severity: VIGIL_SEVERITY,
      description: spec.description,
      target: spec.target,
      threshold: spec.threshold,
      repeatHours,
    };
    alarms[watcherAlarmName(project, watcher)] = {
      type: 'monitor',
      service: VIGIL_SERVICE,
      severity: VIGIL_SEVERITY,
      monitor: name,
    };
  }
  if (options.heartbeat) {
    alarms[heartbeatAlarmName(project)] = {
      type: 'heartbeat',
      service: VIGIL_SERVICE,
      severity: options.heartbeat.severity,
      description: HEARTBEAT_DESCRIPTION,
    };
  }
  for (const drill of options.drills ?? []) {
    const name = drillCatalogMonitorName(drill.name);
    monitors[name] = {
      name,
      service: drill.service,
      kind: 'watcher',
      severity: drill.severity,
      description: `Nothing watches whether DR drill ${drill.name} runs when due: the drill sweep (every 6 hours) published nothing for it in a day. Read the drill function's log group and check its sweep schedule; run the drill by hand with vigil drill run ${drill.name} if its time has passed.`,
      target: `the DR drill sweep of ${drill.name} (due ${drill.schedule} ${drill.timeZone})`,
      threshold: 'no sweep in a day',
      ...(drill.runbook !== undefined && { runbook: drill.runbook }),
      repeatHours: 0,
    };
    alarms[drillSweepAlarmName(project, drill.name)] = {
      type: 'monitor',
      service: drill.service,
      severity: drill.severity,
      monitor: name,
    };
  }
  const vigil: CatalogService = {
    name: VIGIL_SERVICE,
    description: 'Vigil itself: the canary, its schedules, the pager and the heartbeat',
    dependsOn: [],
    repeatHours,
    incidentKey: incidentKey(project, VIGIL_SERVICE),
    monitors: Object.keys(VIGIL_WATCHERS).map((w) => watcherMonitorName(w as VigilWatcher)),
  };
  return { ...catalog, services: { ...catalog.services, [VIGIL_SERVICE]: vigil }, monitors, alarms };
}
