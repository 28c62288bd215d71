import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Monitor } from '../config/index.ts';
import { METRIC_NAMESPACE, MONITOR_DIMENSION, monitorAlarmName } from '../naming.ts';
import { warningAspects } from '../paging/catalog.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';

/** Properties of {@link WarningAlarms}. */
export interface WarningAlarmsProps {
  /** The project, as in the config: prefixes alarm names. */
  readonly project: string;
  /** An https monitor with `certificate.warningAlarm`, or a command monitor with `disk.warnUsedPercent`. */
  readonly monitor: Monitor;
  /** The monitor's alarm period, seconds (the schedule's cadence). */
  readonly periodSeconds: number;
  /** Decides who each alarm pages. */
  readonly paging: AlarmActionStrategy;
}

/**
 * Warning alarms before a check fails, built like a queue's `warnDepth` (lib/constructs/queue-alarms.ts):
 * a threshold on a measurement the canary publishes, M of N like the monitor, paging the warning
 * severity (P3 by default), missing data not breaching (the `Success` alarm already pages for a
 * canary that stops reporting).
 *
 * - `certificate-warning`: `CertificateDaysLeft < certificate.warnDays` (minimum per period), the
 *   days left of the certificate of the chain that expires first;
 * - `disk-warning`: `DiskUsedPercent > disk.warnUsedPercent` (maximum per period, the fullest
 *   targeted instance).
 *
 * Only `full`-tier monitors publish these metrics, so only they get the alarms
 * (`warningAspects` in lib/paging/catalog.ts decides, for the catalog and the stack plan too).
 */
export class WarningAlarms extends Construct {
  /** The alarms made, by aspect. */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: WarningAlarmsProps) {
    super(scope, id);
    const { monitor, project, paging } = props;
    const period = Duration.seconds(props.periodSeconds);
    const alarms = new Map<string, cloudwatch.Alarm>();
    const { datapointsToAlarm, evaluationPeriods } = monitor.alarm;
    const runbook = monitor.runbook ? `\nRunbook: ${monitor.runbook}` : '';
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { [MONITOR_DIMENSION]: monitor.name },
        statistic,
        period,
      });

    for (const { aspect, severity } of warningAspects(monitor)) {
      let alarmProps: Pick<
        cloudwatch.AlarmProps,
        'alarmDescription' | 'metric' | 'threshold' | 'comparisonOperator'
      >;
      if (aspect === 'certificate-warning' && monitor.kind === 'http' && monitor.certificate) {
        const { warnDays, minDays } = monitor.certificate;
        alarmProps = {
          alarmDescription: `${monitor.name}: a TLS certificate of ${monitor.url} expires in under ${warnDays} days (warning level; the check fails under ${minDays}). Renew it.${runbook}`,
          metric: metric('CertificateDaysLeft', cloudwatch.Stats.MINIMUM),
          threshold: warnDays,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        };
      } else if (aspect === 'disk-warning' && monitor.kind === 'command' && monitor.disk?.warnUsedPercent) {
        const { path, warnUsedPercent, maxUsedPercent } = monitor.disk;
        alarmProps = {
          alarmDescription: `${monitor.name}: ${path} is more than ${warnUsedPercent}% full (warning level; the check fails over ${maxUsedPercent}%).${runbook}`,
          metric: metric('DiskUsedPercent', cloudwatch.Stats.MAXIMUM),
          threshold: warnUsedPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        };
      } else continue;
      const alarm = new cloudwatch.Alarm(this, aspect, {
        ...alarmProps,
        alarmName: monitorAlarmName(project, monitor.name, aspect),
        datapointsToAlarm,
        evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      paging.addActions(alarm, severity);
      alarms.set(aspect, alarm);
    }
    this.alarms = alarms;
  }
}
