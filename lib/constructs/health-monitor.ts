import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { type Monitor, toCanaryEvent } from '../config/index.ts';
import { monitorAlarmPeriodSeconds } from '../monitors/alarm-timing.ts';
import { isFast, targetSummary } from '../monitors/monitor-traits.ts';
import { METRIC_NAMESPACE, MetricNames, MONITOR_DIMENSION, monitorAlarmName } from '../naming.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import type { CheckScheduler } from './check-scheduler.ts';
import { truncate } from './text.ts';

/** Properties of a {@link HealthMonitor}. */
export interface HealthMonitorProps {
  /** The project, as in the config: prefixes the alarm name. */
  readonly project: string;
  /** The monitor, resolved (defaults applied). Must be enabled: a disabled monitor deploys nothing. */
  readonly monitor: Monitor;
  /** Runs the monitor's check on its schedule. */
  readonly scheduler: CheckScheduler;
  /**
   * The schedule of the invocation the monitor shares (`invocation: 'shared'`,
   * lib/monitors/invocation-groups.ts).
   * @default - a schedule of its own, named after the monitor, with the `{ monitor }` payload
   */
  readonly sharedSchedule?: scheduler.Schedule;
  /** Decides who the alarm pages, by the monitor's severity. */
  readonly paging: AlarmActionStrategy;
}

/**
 * The `Success` value below which a period breaches: the canary publishes 1 for a passing check and
 * 0 for a failing one, and the alarm reads each period's minimum, so one failed check in a period
 * makes that period breach.
 */
export const SUCCESS_THRESHOLD = 1;

/**
 * One monitor, of any kind: a schedule that runs its check, and an alarm that pages when the check
 * fails or stops reporting.
 *
 * - Schedule: the monitor's expression in UTC, no flexible window. A shared monitor (the default)
 *   rides its group's schedule (`{ monitors }`, made by `addHealthMonitors` in
 *   lib/service-parts.ts); an `own` one gets a schedule here, payload `{ monitor }`. An invocation
 *   the Scheduler cannot deliver is retried until it is one period old, then dead-lettered, so a
 *   stale check never reports into a later period.
 * - Alarm on `Vigil / Success {Monitor}`: minimum per period < 1, M of N periods (the monitor's
 *   `alarm`, default 2 of 3), missing data breaching, so a canary that stops reporting pages like
 *   a failing endpoint. The period is the schedule's cadence ({@link alarmPeriodSeconds}: a rate's
 *   interval, a daily cron's longest gap): one check per period, and M of N absorbs the occasional
 *   period a run lands just outside of.
 *
 * - Fast mode (`fast: true`, HTTP): the schedule still fires every minute (the Scheduler's floor);
 *   the invocation probes once and queues the minute's five later probes on the fast-probe queue
 *   (lib/constructs/fast-probe-queue.ts), each probe a high-resolution `Success` datapoint in its
 *   own 10 s period. A shared fast monitor rides the app-wide fast group's schedule, made in the
 *   main stack; the alarm is a high-resolution alarm (10 s period, $0.30 a
 *   month), default 2 of 3, missing data breaching. See docs/adr/0006-fast-mode.md.
 *
 * Kind-specific facts come from lib/monitors/monitor-traits.ts, so queue, backup and command
 * monitors use this construct unchanged.
 *
 * - Tiers: `full` and `lean` monitors get the same `Success` alarm (a lean monitor publishes no
 *   other metric); a `grouped` monitor gets its schedule only, and its service's
 *   `GroupedServiceAlarm` (lib/constructs/grouped-service-alarm.ts) pages for it.
 */
export class HealthMonitor extends Construct {
  /** The schedule running the check. */
  readonly schedule: scheduler.Schedule;
  /**
   * The alarm that pages; undefined for a `grouped` monitor, whose service's
   * `GroupedServiceAlarm` pages for it.
   */
  readonly alarm: cloudwatch.Alarm | undefined;
  /** The alarm period, seconds. */
  readonly periodSeconds: number;

  /** The monitor, resolved. */
  readonly monitor: Monitor;

  constructor(scope: Construct, id: string, props: HealthMonitorProps) {
    super(scope, id);
    const { monitor } = props;
    if (!monitor.enabled) {
      throw new Error(`monitor "${monitor.name}" is disabled (enabled: false); leave it out instead`);
    }
    this.monitor = monitor;
    this.periodSeconds = monitorAlarmPeriodSeconds(monitor);

    this.schedule =
      props.sharedSchedule ??
      props.scheduler.addSchedule(this, 'Schedule', {
        name: monitor.name,
        expression: monitor.schedule,
        event: toCanaryEvent(monitor),
        maxEventAge: scheduleMaxEventAge(this.periodSeconds),
        description: truncate(`Vigil check: ${targetSummary(monitor)}`, 512),
      });

    // A grouped monitor publishes no metric of its own: its service's FailedChecks alarm pages.
    if (monitor.tier === 'grouped') {
      this.alarm = undefined;
      return;
    }
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: monitorAlarmName(props.project, monitor.name),
      alarmDescription: this.describe(),
      metric: this.metricSuccess(),
      threshold: SUCCESS_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: monitor.alarm.evaluationPeriods,
      datapointsToAlarm: monitor.alarm.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    props.paging.addActions(this.alarm, monitor.severity);
  }

  /** `Success` of this monitor: minimum per alarm period (0 if any check in it failed). */
  metricSuccess(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: MetricNames.success,
      dimensionsMap: { [MONITOR_DIMENSION]: this.monitor.name },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.seconds(this.periodSeconds),
    });
  }

  /** `LatencyMs` of this monitor (HTTP): time to the final answer per check, ms. */
  metricLatencyMs(statistic: string = cloudwatch.Stats.p(90)): cloudwatch.Metric {
    return this.metricMeasurement(MetricNames.latencyMs, statistic);
  }

  /** `QueueDepth` of this monitor (queue): messages waiting at each check, maximum per period. */
  metricQueueDepth(): cloudwatch.Metric {
    return this.metricMeasurement('QueueDepth', cloudwatch.Stats.MAXIMUM);
  }

  /** `BackupAgeSeconds` of this monitor (backup): age of the newest backup at each check, maximum per period. */
  metricBackupAgeSeconds(): cloudwatch.Metric {
    return this.metricMeasurement('BackupAgeSeconds', cloudwatch.Stats.MAXIMUM);
  }

  private metricMeasurement(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [MONITOR_DIMENSION]: this.monitor.name },
      statistic,
      period: Duration.seconds(this.periodSeconds),
    });
  }

  /** What a paged person reads first: what broke, what is checked, and where the runbook is. */
  private describe(): string {
    const m = this.monitor;
    const { datapointsToAlarm, evaluationPeriods } = m.alarm;
    return truncate(
      [
        ...(m.description ? [m.description] : []),
        `Checks: ${targetSummary(m)}`,
        ...(m.runbook ? [`Runbook: ${m.runbook}`] : []),
        isFast(m)
          ? `${m.severity} · service ${m.service} · fast mode · ALARM when ${datapointsToAlarm} of ${evaluationPeriods} probes (every ${this.periodSeconds} s) fail or do not report.`
          : `${m.severity} · service ${m.service} · ALARM when ${datapointsToAlarm} of ${evaluationPeriods} ${evaluationPeriods === 1 ? 'check' : 'checks'} (${m.schedule}) ${evaluationPeriods === 1 ? 'fails or does' : 'fail or do'} not report.${m.kind === 'http' && m.confirm !== false ? ` A failed check is one confirmed by a second probe ${m.confirm.afterMs / 1000} s after the first.` : ''}`,
      ].join('\n'),
      1024,
    );
  }
}

/**
 * How long the Scheduler keeps retrying an invocation: one alarm period, so a late check never
 * reports into a later period. The Scheduler allows 60 s to 1 day; a fast monitor (period 10 s)
 * still runs once a minute.
 */
export function scheduleMaxEventAge(periodSeconds: number): Duration {
  return Duration.seconds(Math.min(Math.max(periodSeconds, 60), 86_400));
}
