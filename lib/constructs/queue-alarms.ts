import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { QueueMonitor } from '../config/index.ts';
import { SQS_QUEUE_URL } from '../config/schema.ts';
import { METRIC_NAMESPACE, MONITOR_DIMENSION, monitorAlarmName } from '../naming.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';

/** Properties of {@link QueueAlarms}. */
export interface QueueAlarmsProps {
  /** The project, as in the config: prefixes alarm names. */
  readonly project: string;
  /** The queue monitor (its `Success` alarm is the HealthMonitor's). */
  readonly monitor: QueueMonitor;
  /** The monitor's alarm period, seconds (the schedule's cadence). */
  readonly periodSeconds: number;
  /** Decides who each alarm pages. */
  readonly paging: AlarmActionStrategy;
}

/**
 * The queue alarms that are not "the check failed" (the HealthMonitor's `Success` alarm covers
 * `maxDepth` and the oldest-message age the canary sees, and a dead canary). Each is built from the
 * metrics the canary publishes, so none needs state in the canary:
 *
 * - warning depth: `QueueDepth > warnDepth`, M of N like the monitor, paging `warningSeverity`;
 * - stalled consumer: depth over `stalled.minDepth` and not falling for `stalled.checks` checks in a
 *   row, i.e. `checks - 1` non-negative differences in a row (`DIFF` has no value for the first
 *   point of the window);
 * - dead letters: any new message since the last check, `DIFF(DeadLetterDepth) > 0`; a standing
 *   backlog someone is still looking at does not keep paging, new arrivals do;
 * - oldest message (SQS): the queue's own `AWS/SQS ApproximateAgeOfOldestMessage`, since
 *   GetQueueAttributes does not report an age.
 *
 * Missing data is not breaching here: a canary that stops reporting already pages through `Success`.
 */
export class QueueAlarms extends Construct {
  /** The alarms made, by aspect (`warning`, `stalled`, `dead-letters`, `oldest-message`). */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  private readonly monitor: QueueMonitor;
  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: QueueAlarmsProps) {
    super(scope, id);
    const { monitor, project, paging } = props;
    this.monitor = monitor;
    this.period = Duration.seconds(props.periodSeconds);
    const alarms = new Map<string, cloudwatch.Alarm>();
    const add = (
      aspect: string,
      severity: QueueMonitor['severity'],
      alarmProps: Omit<cloudwatch.AlarmProps, 'alarmName'>,
    ) => {
      const alarm = new cloudwatch.Alarm(this, aspect, {
        ...alarmProps,
        alarmName: monitorAlarmName(project, monitor.name, aspect),
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      paging.addActions(alarm, severity);
      alarms.set(aspect, alarm);
    };
    const { datapointsToAlarm, evaluationPeriods } = monitor.alarm;

    if (monitor.warnDepth !== undefined) {
      add('warning', monitor.warningSeverity, {
        alarmDescription: `${monitor.name}: more than ${monitor.warnDepth} messages waiting (warning level; critical is ${monitor.maxDepth ?? 'not set'}).${runbook(monitor)}`,
        metric: this.metric('QueueDepth', cloudwatch.Stats.MAXIMUM),
        threshold: monitor.warnDepth,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        datapointsToAlarm,
        evaluationPeriods,
      });
    }
    if (monitor.stalled) {
      const { minDepth, checks } = monitor.stalled;
      add('stalled', monitor.severity, {
        alarmDescription: `${monitor.name}: consumer stalled: more than ${minDepth} messages and not falling for ${checks} checks in a row.${runbook(monitor)}`,
        metric: new cloudwatch.MathExpression({
          expression: `IF(depth > ${minDepth} AND DIFF(depth) >= 0, 1, 0)`,
          usingMetrics: { depth: this.metric('QueueDepth', cloudwatch.Stats.MAXIMUM) },
          period: this.period,
          label: 'stalled',
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: checks,
        datapointsToAlarm: checks - 1,
      });
    }
    if (monitor.source.kind === 'sqs' && monitor.source.deadLetterQueue) {
      add('dead-letters', monitor.severity, {
        alarmDescription: `${monitor.name}: new messages in dead-letter queue ${monitor.source.deadLetterQueue} since the last check.${runbook(monitor)}`,
        metric: new cloudwatch.MathExpression({
          expression: 'DIFF(dlq)',
          usingMetrics: { dlq: this.metric('DeadLetterDepth', cloudwatch.Stats.MAXIMUM) },
          period: this.period,
          label: 'new dead letters',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Two periods so DIFF has the previous check to compare with; one positive difference pages.
        evaluationPeriods: 2,
        datapointsToAlarm: 1,
      });
    }
    if (monitor.source.kind === 'sqs' && monitor.maxOldestMessageAgeSeconds !== undefined) {
      add('oldest-message', monitor.severity, {
        alarmDescription: `${monitor.name}: oldest message older than ${monitor.maxOldestMessageAgeSeconds} s (AWS/SQS ApproximateAgeOfOldestMessage).${runbook(monitor)}`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SQS',
          metricName: 'ApproximateAgeOfOldestMessage',
          dimensionsMap: { QueueName: queueName(monitor.source.queue) },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        threshold: monitor.maxOldestMessageAgeSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        datapointsToAlarm,
        evaluationPeriods,
      });
    }
    this.alarms = alarms;
  }

  /** A metric the canary publishes for this monitor. */
  metric(
    name: 'QueueDepth' | 'DeadLetterDepth' | 'OldestMessageAgeSeconds',
    statistic: string,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: name,
      dimensionsMap: { [MONITOR_DIMENSION]: this.monitor.name },
      statistic,
      period: this.period,
    });
  }
}

function queueName(queue: string): string {
  return SQS_QUEUE_URL.exec(queue)?.[2] ?? queue;
}

function runbook(monitor: QueueMonitor): string {
  return monitor.runbook ? `\nRunbook: ${monitor.runbook}` : '';
}
