/**
 * What the page formatter needs to know about the deployed monitors, derived from the config at
 * synth and embedded in the pager's bundle: for every alarm Vigil creates, which monitor and
 * service it belongs to, its severity, what it checks and where the runbook is. A page can then
 * say what broke and what to do without reading the config at run time.
 */
import type { Monitor, Severity, VigilConfig } from '../config/index.ts';
import { targetSummary } from '../monitors/monitor-traits.ts';
import { incidentKey, monitorAlarmName, serviceAlarmName, servicePageAlarmName } from '../naming.ts';

/** One alarm Vigil created, as a page describes it. */
export interface CatalogAlarm {
  /** `monitor` (the check failed or stopped reporting), `aspect` (queue warning, stalled...), `service` (composite). */
  readonly type: 'monitor' | 'aspect' | 'service' | 'heartbeat';
  readonly service: string;
  readonly severity: Severity;
  /** The monitor, for monitor and aspect alarms. */
  readonly monitor?: string;
  /** `warning`, `stalled`, `dead-letters`, `oldest-message`, for aspect alarms. */
  readonly aspect?: string;
}

/** A monitor, as pages describe it. */
export interface CatalogMonitor {
  readonly name: string;
  readonly service: string;
  readonly kind: Monitor['kind'];
  readonly severity: Severity;
  readonly description?: string;
  /** What it checks: "GET https://…/api/health", "SQS queue orders". */
  readonly target: string;
  /** The threshold in words: "2 of 3 checks fail (rate(1 minute))", "more than 1000 messages". */
  readonly threshold: string;
  readonly runbook?: string;
  readonly repeatHours: number;
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

/** Aspect alarms a queue monitor gets (see lib/constructs/queue-alarms.ts), with their severities. */
export function queueAspects(monitor: Monitor): { aspect: string; severity: Severity }[] {
  if (monitor.kind !== 'queue') return [];
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

function thresholdOf(m: Monitor): string {
  const { datapointsToAlarm, evaluationPeriods } = m.alarm;
  const base = `${datapointsToAlarm} of ${evaluationPeriods} checks fail (${m.schedule})`;
  switch (m.kind) {
    case 'http':
      return m.maxLatencyMs !== undefined ? `${base}; slower than ${m.maxLatencyMs} ms fails` : base;
    case 'queue':
      return m.maxDepth !== undefined ? `${base}; more than ${m.maxDepth} messages fails` : base;
    case 'backup':
      return `${base}; newest backup older than ${m.maxAgeHours} h fails`;
    case 'command':
      return `${base}; exit code other than 0 within ${m.timeoutSeconds} s fails`;
  }
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
    };
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
