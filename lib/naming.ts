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

/** Metric names, as published by the canary. */
export const MetricNames = {
  /** 1 when the check passed, 0 when it failed. Every monitor. */
  success: 'Success',
  /** Time to the final answer, ms. HTTP monitors, when there was an answer. */
  latencyMs: 'LatencyMs',
  /** 1 when a health-document component is healthy, else 0. Only where the monitor asks. */
  componentHealthy: 'ComponentHealthy',
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
