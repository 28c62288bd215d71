/**
 * Turns a check result into metrics and one log line. Pure apart from the Metrics and Logger it is
 * given, so tests can pass their own instances and read the EMF they print.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricResolution, type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Monitor } from '../../lib/config/resolve.ts';
import { COMPONENT_DIMENSION, MetricNames, MONITOR_DIMENSION, SERVICE_DIMENSION } from '../../lib/naming.ts';
import { type CheckResult, MEASUREMENT_METRICS, type MeasurementName } from './checks/result.ts';
import { type ConfirmedCheck, confirms } from './confirm.ts';

/** CloudWatch units of the published measurements. */
const MEASUREMENT_UNITS: Record<MeasurementName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  QueueDepth: MetricUnit.Count,
  InFlight: MetricUnit.Count,
  Delayed: MetricUnit.Count,
  DeadLetterDepth: MetricUnit.Count,
  OldestMessageAgeSeconds: MetricUnit.Seconds,
  BackupAgeSeconds: MetricUnit.Seconds,
  BackupSizeBytes: MetricUnit.Bytes,
  BackupCount: MetricUnit.Count,
  CertificateDaysLeft: MetricUnit.Count,
  DiskUsedPercent: MetricUnit.Percent,
  DiskFreeBytes: MetricUnit.Bytes,
  InodesUsedPercent: MetricUnit.Percent,
};

/** Components whose health the monitor asked to publish as metrics. */
export function componentsToPublish(
  monitor: Monitor,
  result: CheckResult,
): NonNullable<CheckResult['components']> {
  if (monitor.kind !== 'http') return [];
  const wanted = monitor.componentMetrics;
  if (wanted === false || !result.components) return [];
  return wanted === true ? result.components : result.components.filter((c) => wanted.includes(c.name));
}

/** How a fast-mode probe is recorded. */
export interface ProbeRecording {
  /** Epoch ms of the probe's slot: the EMF `Timestamp`, so each probe lands in its own 10 s period. */
  readonly timestamp: number;
}

/**
 * Adds the monitor's metrics to `metrics` (flushed by the handler's middleware), by its tier (each
 * metric costs $0.30 a month):
 * - `full`: `Success` always, `LatencyMs` when there was an answer, the kind's measurements,
 *   `ComponentHealthy` per component only where asked;
 * - `lean`: `Success` only; latency and measurements ride along as metadata (no cost);
 * - `grouped`: `FailedChecks` (1 failed, 0 passed) under `{Service}` only, the monitor as metadata:
 *   the service's one alarm sums it, and the page reads which monitor failed from the log line.
 *
 * For a fast-mode probe (`probe` given), `Success` and `LatencyMs` are high-resolution
 * (`StorageResolution: 1`, which the 10 s alarm needs) and the line carries the probe's timestamp;
 * the caller flushes one line per probe.
 *
 * For a check of a confirming monitor (`checked` given, ./confirm.ts), the line carries the first
 * probe's start as its timestamp, and, when a second probe was made, `confirmation` ("confirmed" or
 * "unconfirmed") and `firstProbeReason` as metadata: a blip stays searchable without a metric.
 */
export function recordResult(
  metrics: Metrics,
  monitor: Monitor,
  result: CheckResult,
  probe?: ProbeRecording,
  checked?: ConfirmedCheck,
): void {
  const resolution = probe ? MetricResolution.High : MetricResolution.Standard;
  if (probe) metrics.setTimestamp(probe.timestamp);
  else if (checked && confirms(monitor)) metrics.setTimestamp(checked.startedAt);
  if (checked?.confirmation) {
    metrics.addMetadata('confirmation', checked.confirmation.confirmed ? 'confirmed' : 'unconfirmed');
    metrics.addMetadata('firstProbeReason', checked.confirmation.first.reason);
  }
  if (monitor.tier !== 'full') {
    recordSlim(metrics, monitor, result);
    return;
  }
  metrics.addDimension(MONITOR_DIMENSION, monitor.name);
  metrics.addMetric(MetricNames.success, MetricUnit.Count, result.ok ? 1 : 0, resolution);
  if (result.latencyMs !== undefined) {
    metrics.addMetric(MetricNames.latencyMs, MetricUnit.Milliseconds, result.latencyMs, resolution);
  }
  for (const name of MEASUREMENT_METRICS) {
    const value = result.measurements?.[name];
    if (value === undefined) continue;
    if (publishes(monitor, name)) metrics.addMetric(name, MEASUREMENT_UNITS[name], value);
    else metrics.addMetadata(name, String(value));
  }
  // Not metrics (no cost): searchable context in the same EMF line.
  metrics.addMetadata('reason', result.ok ? 'ok' : result.reason);
  for (const [name, value] of Object.entries(result.measurements ?? {})) {
    if (!MEASUREMENT_METRICS.includes(name as MeasurementName)) metrics.addMetadata(name, String(value));
  }
  for (const component of componentsToPublish(monitor, result)) {
    const single = metrics.singleMetric();
    single.clearDefaultDimensions(); // singleMetric() brings back Powertools' `service` dimension
    single.addDimensions({ [MONITOR_DIMENSION]: monitor.name, [COMPONENT_DIMENSION]: component.name });
    single.addMetric(MetricNames.componentHealthy, MetricUnit.Count, component.state === 'healthy' ? 1 : 0);
  }
}

/**
 * Whether a full-tier monitor publishes a measurement as a metric. `CertificateDaysLeft` only when
 * the certificate warning alarm reads it: every https monitor measures it, and a metric per monitor
 * ($0.30 a month) for a number that moves once a day, with nothing watching it, is not worth it;
 * the check itself warns and fails on it, and the log line keeps it.
 */
export function publishes(monitor: Monitor, name: MeasurementName): boolean {
  if (name === 'CertificateDaysLeft')
    return monitor.kind === 'http' && monitor.certificate?.warningAlarm === true;
  return true;
}

/** `lean` and `grouped`: one metric, everything else as EMF metadata (searchable, free). */
function recordSlim(metrics: Metrics, monitor: Monitor, result: CheckResult): void {
  if (monitor.tier === 'grouped') {
    metrics.addDimension(SERVICE_DIMENSION, monitor.service);
    metrics.addMetric(MetricNames.failedChecks, MetricUnit.Count, result.ok ? 0 : 1);
    metrics.addMetadata('monitor', monitor.name);
  } else {
    metrics.addDimension(MONITOR_DIMENSION, monitor.name);
    metrics.addMetric(MetricNames.success, MetricUnit.Count, result.ok ? 1 : 0);
  }
  metrics.addMetadata('reason', result.ok ? 'ok' : result.reason);
  if (result.latencyMs !== undefined) metrics.addMetadata(MetricNames.latencyMs, String(result.latencyMs));
  for (const [name, value] of Object.entries(result.measurements ?? {})) {
    if (value !== undefined) metrics.addMetadata(name, String(value));
  }
}

/**
 * One structured line per check: the whole result, so a page or a query can say what broke; with a
 * confirmation probe, its `confirmation` (the first probe's failure, confirmed or not).
 */
export function logResult(
  logger: Logger,
  monitor: Monitor,
  result: CheckResult,
  probe?: { readonly index: number },
  checked?: ConfirmedCheck,
): void {
  // `service` is a key Powertools Logger reserves for its own service name.
  const fields = {
    monitor: monitor.name,
    monitorService: monitor.service,
    severity: monitor.severity,
    ...(probe && { probe: probe.index + 1 }),
    ...(checked?.confirmation && { confirmation: checked.confirmation }),
    result,
  };
  if (result.ok) logger.info('check passed', fields);
  else logger.warn(`check failed: ${result.reason}`, fields);
}
