import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Monitor, Severity } from '../config/index.ts';
import { monitorAlarmPeriodSeconds } from '../monitors/alarm-timing.ts';
import { groupedServiceAlarmName, METRIC_NAMESPACE, MetricNames, SERVICE_DIMENSION } from '../naming.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import { truncate } from './text.ts';

/** Properties of a {@link GroupedServiceAlarm}. */
export interface GroupedServiceAlarmProps {
  /** The project, as in the config: prefixes the alarm name. */
  readonly project: string;
  /** The service, all of whose monitors are `tier: 'grouped'`. */
  readonly service: string;
  /** The service's enabled monitors, resolved. At least one. */
  readonly monitors: readonly Monitor[];
  /** Decides who the alarm pages, by the most urgent severity among the monitors. */
  readonly paging: AlarmActionStrategy;
}

/** A period breaches when at least one check in it failed. */
export const FAILED_CHECKS_THRESHOLD = 1;

/**
 * How a grouped service's one alarm evaluates, from its monitors (pure, so the incident plan and
 * the cost estimate agree with the construct):
 * - period: the longest of the monitors' alarm periods, so every monitor reports in every period
 *   and an hourly check's failure counts toward M of N like a minutely one's;
 * - M of N: the smallest M among the monitors, with the smallest N that is at least that M: the
 *   service pages as soon as its most sensitive monitor would have by itself (the strictest rule;
 *   a per-service alarm cannot be more lenient than a monitor asked for without missing its page);
 * - severity: the most urgent among the monitors.
 */
export function groupedAlarmRule(monitors: readonly Monitor[]): {
  periodSeconds: number;
  datapointsToAlarm: number;
  evaluationPeriods: number;
  severity: Severity;
} {
  if (monitors.length === 0) throw new Error('a grouped service alarm needs at least one monitor');
  const datapointsToAlarm = Math.min(...monitors.map((m) => m.alarm.datapointsToAlarm));
  const evaluationPeriods = Math.max(
    datapointsToAlarm,
    Math.min(...monitors.map((m) => m.alarm.evaluationPeriods)),
  );
  const severity =
    (['P1', 'P2', 'P3', 'P4'] as const).find((s) => monitors.some((m) => m.severity === s)) ?? 'P4';
  return {
    periodSeconds: Math.max(...monitors.map(monitorAlarmPeriodSeconds)),
    datapointsToAlarm,
    evaluationPeriods,
    severity,
  };
}

/**
 * The one alarm of a grouped-tier service (README "What it costs"): each check of its monitors
 * publishes `Vigil / FailedChecks {Service}` (1 failed, 0 passed), and the alarm pages when the Sum
 * per period is at least 1 in M of N periods ({@link groupedAlarmRule}), missing data breaching, so
 * a canary that stops reporting still pages. Which monitor failed is not in the metric: the pager
 * reads the service's failed checks from the canary log and names them in the page.
 */
export class GroupedServiceAlarm extends Construct {
  /** The alarm that pages for the service. */
  readonly alarm: cloudwatch.Alarm;
  /** The alarm period, seconds. */
  readonly periodSeconds: number;

  private readonly service: string;

  constructor(scope: Construct, id: string, props: GroupedServiceAlarmProps) {
    super(scope, id);
    this.service = props.service;
    const rule = groupedAlarmRule(props.monitors);
    this.periodSeconds = rule.periodSeconds;
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: groupedServiceAlarmName(props.project, props.service),
      alarmDescription: truncate(
        [
          `Checks: ${props.monitors.length} grouped monitor${props.monitors.length === 1 ? '' : 's'} of service ${props.service} (${props.monitors.map((m) => m.name).join(', ')})`,
          `${rule.severity} · service ${props.service} · grouped tier · ALARM when ${rule.datapointsToAlarm} of ${rule.evaluationPeriods} periods (${rule.periodSeconds} s) have a failed check or no report.`,
        ].join('\n'),
        1024,
      ),
      metric: this.metricFailedChecks(),
      threshold: FAILED_CHECKS_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: rule.evaluationPeriods,
      datapointsToAlarm: rule.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    props.paging.addActions(this.alarm, rule.severity);
  }

  /** `FailedChecks` of the service: failed checks per alarm period, all its monitors together. */
  metricFailedChecks(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: MetricNames.failedChecks,
      dimensionsMap: { [SERVICE_DIMENSION]: this.service },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.seconds(this.periodSeconds),
    });
  }
}
