import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { watcherAlarmName } from '../naming.ts';
import { VIGIL_SEVERITY, VIGIL_WATCHERS, type VigilWatcher } from '../paging/catalog.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import { alarmAnnotation } from './text.ts';

/** Properties of {@link VigilWatchers}. */
export interface VigilWatchersProps {
  /** The project, as in the config: prefixes the alarm names. */
  readonly project: string;
  /** The canary function. */
  readonly canary: lambda.IFunction;
  /**
   * The longest the canary may go without an invocation when all is well, seconds: the fastest
   * monitor's alarm period (its schedule's longest gap).
   * @default - no enabled monitor: the canary is never invoked, and `canary-stopped` is not made
   */
  readonly canaryMaxGapSeconds?: number;
  /** Where undeliverable check invocations and failed canary/pager invocations go. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The pager function. */
  readonly pager: lambda.IFunction;
  /** Who the watchers page (the raw alarm topics, by severity). */
  readonly paging: AlarmActionStrategy;
  /**
   * Who the pager's own failure pages: it cannot be left to the pager alone to say it is broken.
   * @default `paging`
   */
  readonly pagerFailurePaging?: AlarmActionStrategy;
}

/** The shortest `canary-stopped` period: five minutes, as Lambda's own dashboards read it. */
const MIN_STOPPED_PERIOD_SECONDS = 300;

/**
 * Watching the watcher: alarms on Vigil itself, each paging {@link VIGIL_SEVERITY} under the
 * built-in service `vigil` (what each means is in {@link VIGIL_WATCHERS}):
 *
 * - `canary-errors`: canary `Errors` > 0 in 5 minutes (Sum). A failing check is a result, not an
 *   error, so any error is the canary itself breaking.
 * - `canary-stopped`: canary `Invocations` < 1 in a period, missing data breaching (no invocation
 *   publishes no data point): the schedules stopped. The period is 5 minutes, or twice the fastest
 *   monitor's gap when that is longer, so a healthy schedule always lands at least once in it.
 * - `undelivered`: the dead-letter queue's `ApproximateNumberOfMessagesVisible` > 0 (Maximum, 5
 *   minutes): an invocation that never ran. Stays in ALARM until the queue is read and purged.
 * - `pager-errors`: pager `Errors` > 0 in 5 minutes; also pages {@link VigilWatchersProps.pagerFailurePaging}.
 *
 * Other than `canary-stopped`, missing data is not breaching: no invocation means no error.
 */
export class VigilWatchers extends Construct {
  /** The alarms, by watcher. */
  readonly alarms: ReadonlyMap<VigilWatcher, cloudwatch.Alarm>;
  /** Period of `canary-stopped`, seconds (undefined when it is not made). */
  readonly stoppedPeriodSeconds?: number;

  constructor(scope: Construct, id: string, props: VigilWatchersProps) {
    super(scope, id);
    const fiveMinutes = Duration.minutes(5);
    if (props.canaryMaxGapSeconds !== undefined) {
      this.stoppedPeriodSeconds = Math.max(
        MIN_STOPPED_PERIOD_SECONDS,
        Math.ceil((2 * props.canaryMaxGapSeconds) / 60) * 60,
      );
    }
    const alarms = new Map<VigilWatcher, cloudwatch.Alarm>();
    const add = (
      watcher: VigilWatcher,
      alarmProps: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription' | 'evaluationPeriods'>,
      paging: AlarmActionStrategy = props.paging,
    ) => {
      const alarm = new cloudwatch.Alarm(this, watcher, {
        ...alarmProps,
        alarmName: watcherAlarmName(props.project, watcher),
        alarmDescription: `Vigil ${VIGIL_SEVERITY} · service vigil · ${VIGIL_WATCHERS[watcher].description}`,
        evaluationPeriods: 1,
      });
      paging.addActions(alarm, VIGIL_SEVERITY);
      alarms.set(watcher, alarm);
    };

    add('canary-errors', {
      metric: props.canary.metricErrors({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.stoppedPeriodSeconds !== undefined) {
      add('canary-stopped', {
        metric: props.canary.metricInvocations({
          statistic: cloudwatch.Stats.SUM,
          period: Duration.seconds(this.stoppedPeriodSeconds),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
    add('undelivered', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: fiveMinutes,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add(
      'pager-errors',
      {
        metric: props.pager.metricErrors({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      props.pagerFailurePaging ?? props.paging,
    );
    this.alarms = alarms;
  }

  /** Graphs of Vigil's own health, for the `vigil` dashboard. */
  widgets(): cloudwatch.IWidget[] {
    const titles: Record<VigilWatcher, string> = {
      'canary-stopped': 'Canary invocations',
      'canary-errors': 'Canary errors',
      undelivered: 'Dead-letter queue: messages visible',
      'pager-errors': 'Pager errors',
    };
    return [...this.alarms].map(
      ([watcher, alarm]) =>
        new cloudwatch.GraphWidget({
          title: titles[watcher],
          left: [alarm.metric],
          leftAnnotations: [alarmAnnotation(alarm)],
          width: 6,
          height: 6,
        }),
    );
  }
}
