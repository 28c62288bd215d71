/**
 * Names shared by the canary (which emits metrics) and the constructs (which alarm on them). One
 * place, so an alarm can never watch a metric under a name the canary does not publish.
 */

/** CloudWatch namespace of every Vigil metric. */
export const METRIC_NAMESPACE = 'Vigil';

/** The single dimension on per-monitor metrics. */
export const MONITOR_DIMENSION = 'Monitor';
/** Added beside {@link MONITOR_DIMENSION} on per-component metrics. */
export const COMPONENT_DIMENSION = 'Component';

/** The single dimension of a grouped service's `FailedChecks`. */
export const SERVICE_DIMENSION = 'Service';

/** Metric names, as published by the canary. */
export const MetricNames = {
  /** 1 when the check passed, 0 when it failed. Every monitor. */
  success: 'Success',
  /** Time to the final answer, ms. HTTP monitors, when there was an answer. */
  latencyMs: 'LatencyMs',
  /** 1 when a health-document component is healthy, else 0. Only where the monitor asks. */
  componentHealthy: 'ComponentHealthy',
  /** 1 when a check failed, 0 when it passed, under {@link SERVICE_DIMENSION}. Grouped-tier monitors only. */
  failedChecks: 'FailedChecks',
} as const;

/**
 * The alarm that pages for a monitor, or for one aspect of it (`warning`, `stalled`,
 * `dead-letters`, `oldest-message`). Alarm names are never typed by hand.
 */
export function monitorAlarmName(project: string, monitor: string, aspect?: string): string {
  return aspect ? `vigil-${project}-${monitor}-${aspect}` : `vigil-${project}-${monitor}`;
}

/** A service's health composite: ALARM when any of its monitors is; no actions (suppressor, dashboard). */
export function serviceAlarmName(project: string, service: string): string {
  return `vigil-${project}-service-${service}`;
}

/** The one alarm of a grouped-tier service: Sum of its monitors' `FailedChecks`. */
export function groupedServiceAlarmName(project: string, service: string): string {
  return `vigil-${project}-service-${service}-grouped`;
}

/** A service's paging composite for one severity: the one page per incident. */
export function servicePageAlarmName(project: string, service: string, severity: string): string {
  return `vigil-${project}-service-${service}-${severity}`;
}

/**
 * The stable key of a service's incident, the same on ALARM, reminder, escalation and OK, so a
 * pager de-duplicates and auto-resolves: `vigil/<project>/<service>`.
 */
export function incidentKey(project: string, service: string): string {
  return `vigil/${project}/${service}`;
}

/** The mute rule of a maintenance window or of `vigil mute`. */
export function muteRuleName(project: string, name: string): string {
  return `vigil-${project}-mute-${name}`;
}

/** Prefix of every alarm and mute rule a project creates. */
export function projectPrefix(project: string): string {
  return `vigil-${project}-`;
}

/**
 * Composite of a service's dependencies' health composites: the actions suppressor of the service's
 * paging composites when it depends on more than one service. The upper-case suffix cannot collide
 * with a service name (config names are lower case), like the `-P1` of {@link servicePageAlarmName}.
 */
export function serviceDependenciesAlarmName(project: string, service: string): string {
  return `vigil-${project}-service-${service}-DEPS`;
}

/**
 * Part `n` (1-based) of a composite whose rule would exceed CloudWatch's limits (100 alarms, 10,240
 * characters): the composite then watches its parts. Upper case, so it cannot collide with a name
 * made from config names.
 */
export function compositePartName(compositeName: string, n: number): string {
  return `${compositeName}-PART${n}`;
}

/** The service Vigil reports its own health under (canary, schedules, pager, heartbeat). */
export const VIGIL_SERVICE = 'vigil';

/**
 * An alarm on Vigil itself (`canary-errors`, `canary-stopped`, `undelivered`, `pager-errors`):
 * `vigil-<project>-vigil-<watcher>`.
 */
export function watcherAlarmName(project: string, watcher: string): string {
  return monitorAlarmName(project, VIGIL_SERVICE, watcher);
}

/** The heartbeat alarm the pager sets to ALARM on schedule, to prove the paging path end to end. */
export function heartbeatAlarmName(project: string): string {
  return watcherAlarmName(project, 'heartbeat');
}

/** A service's CloudWatch dashboard (`{service}` in {@link dashboardUrlTemplate}'s output stands for it). */
export function dashboardName(project: string, service: string): string {
  return `vigil-${project}-${service}`;
}

/**
 * The pager's catalog, a JSON file beside its bundle (`/var/task/vigil-catalog.json`), read once at
 * cold start: written at synth and copied in after esbuild runs, so its size has no limit but the
 * Lambda package's.
 */
export const PAGER_CATALOG_FILE = 'vigil-catalog.json';

/**
 * The SSM Automation document of one remediation action kind (`ecs-restart`, `compose-rollback`,
 * ...): one per kind and project, shared by every target (targets are parameters).
 */
export function remediationDocumentName(project: string, action: string): string {
  return `vigil-${project}-remediate-${action}`;
}

/** The SSM Automation document of one kind of DR drill (`rds-snapshot`, `s3-dump`, `host-dump`). */
export function drillDocumentName(project: string, kind: string): string {
  return `vigil-${project}-drill-${kind}`;
}

/**
 * Tag key put on every Automation execution Vigil starts, naming its target, so guardrails read the
 * target's history with `DescribeAutomationExecutions` filtered by `TagKey` (a filter on tag keys,
 * not values): `vigil:target:<target id>`, at most 128 characters.
 */
export function executionTargetTagKey(targetId: string): string {
  return `vigil:target:${targetId}`.slice(0, 128);
}

/** Tag key naming the monitor a remediation execution acts for (value: the monitor's name). */
export const EXECUTION_MONITOR_TAG = 'vigil:monitor';
/** Tag key naming the drill of a drill execution (value: the drill's name). */
export const EXECUTION_DRILL_TAG = 'vigil:drill-name';

/**
 * The alarm that pages when the drill sweep stopped answering for a drill (no `DrillOverdue`
 * datapoint in a day): the sweep pages a missed drill itself, this pages when nothing watches it.
 */
export function drillSweepAlarmName(project: string, drill: string): string {
  return `vigil-${project}-drill-${drill}-unwatched`;
}

/** The pager catalog's monitor entry of a drill's sweep alarm: `drill:<name>` cannot be a monitor's name. */
export function drillCatalogMonitorName(drill: string): string {
  return `drill:${drill}`;
}
