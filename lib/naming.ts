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
