import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DRILL_DIMENSION, DrillMetricNames } from '../drills/catalog.ts';
import type { Drill } from '../drills/model.ts';
import { dashboardName, METRIC_NAMESPACE } from '../naming.ts';
import type { GroupedServiceAlarm } from './grouped-service-alarm.ts';
import type { HealthMonitor } from './health-monitor.ts';
import type { RemediationDashboardRow } from './remediation.ts';
import { alarmAnnotation } from './text.ts';

/** Properties of a {@link ServiceDashboard}. */
export interface ServiceDashboardProps {
  /** The project, as in the config: names the dashboard `vigil-<project>-<service>`. */
  readonly project: string;
  /** The service. */
  readonly service: string;
  /**
   * Shown at the top.
   * @default - none
   */
  readonly description?: string;
  /**
   * Services it depends on, shown at the top.
   * @default - none
   */
  readonly dependsOn?: readonly string[];
  /** Its enabled monitors: one row each (none for a grouped-tier service: see `grouped`). */
  readonly monitors: readonly HealthMonitor[];
  /**
   * The one alarm of a grouped-tier service: graphed as `FailedChecks` instead of monitor rows.
   * @default - none
   */
  readonly grouped?: GroupedServiceAlarm;
  /** Every alarm of the service (monitor, aspect and composite alarms), for the status widget. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /**
   * The service's remediations: their ladders and runs, in the remediation row.
   * @default - the row says the service does not remediate
   */
  readonly remediation?: RemediationDashboardRow;
  /**
   * More widgets, after the monitors (Vigil's own graphs on the `vigil` dashboard).
   * @default - none
   */
  readonly widgets?: readonly cloudwatch.IWidget[];
}

/** CloudWatch shows at most 100 alarms in one alarm status widget. */
const STATUS_WIDGET_MAX_ALARMS = 100;

/**
 * Monitor rows graphed on one dashboard: two widgets each, within CloudWatch's 500 widgets a
 * dashboard with room for the header, the status widgets (one per 100 alarms) and Vigil's own.
 */
export const MAX_MONITOR_ROWS = 200;

/** The text of the remediation row of a service that does not remediate. */
export const REMEDIATION_PLACEHOLDER =
  '### Remediation runs\nNone: no alarm of this service starts a remediation. Add `remediate` to a monitor or to the service (README "Remediation") to restart or roll back on an alarm, verified by the canary.';

/**
 * A service's CloudWatch dashboard (`vigil-<project>-<service>`, $3 a month beyond the account's
 * three free ones), the page's "Dashboard" link:
 *
 * - the status of every alarm of the service;
 * - per monitor, `Success` with the alarm's threshold line, and the value the kind measures:
 *   HTTP latency (p50 and p90, with `maxLatencyMs`), queue depth (with `warnDepth` and `maxDepth`),
 *   newest backup age (with `maxAgeHours`); a `lean` monitor's `Success` only (it publishes nothing
 *   else); a grouped-tier service's `FailedChecks` in place of monitor rows;
 * - the remediation row: each remediated alarm's ladder and guardrails, and the service's runs
 *   (started, succeeded, failed) beside the time from alarm to healthy; or a line saying the service
 *   does not remediate.
 */
export class ServiceDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const name = dashboardName(props.project, props.service);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: name });

    const header = [
      `# ${props.service}`,
      ...(props.description ? [props.description] : []),
      ...(props.dependsOn && props.dependsOn.length > 0
        ? [
            `Depends on: ${props.dependsOn.map((d) => `[${d}](#dashboards/dashboard/${dashboardName(props.project, d)})`).join(', ')} (its pages are held while one of them is down).`,
          ]
        : []),
    ].join('\n\n');
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: header, width: 24, height: 2 }));

    for (let i = 0; i < props.alarms.length; i += STATUS_WIDGET_MAX_ALARMS) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: `${props.service}: alarms`,
          alarms: props.alarms.slice(i, i + STATUS_WIDGET_MAX_ALARMS),
          width: 24,
          height: Math.min(6, 2 + Math.ceil(Math.min(props.alarms.length - i, STATUS_WIDGET_MAX_ALARMS) / 4)),
        }),
      );
    }

    // CloudWatch allows 500 widgets a dashboard: beyond MAX_MONITOR_ROWS monitors the alarm status
    // widgets above still show every alarm, and the rest of the rows are left out, saying so.
    if (props.grouped) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${props.service}: failed checks (grouped, every ${props.grouped.periodSeconds} s)`,
          left: [props.grouped.metricFailedChecks().with({ label: 'FailedChecks (sum)' })],
          leftAnnotations: [alarmAnnotation(props.grouped.alarm)],
          leftYAxis: { min: 0, showUnits: false },
          width: 24,
          height: 6,
        }),
      );
    }
    const rows = props.monitors.filter((h) => h.alarm !== undefined);
    for (const health of rows.slice(0, MAX_MONITOR_ROWS)) this.dashboard.addWidgets(...monitorRow(health));
    if (rows.length > MAX_MONITOR_ROWS) {
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({
          markdown: `${rows.length - MAX_MONITOR_ROWS} more monitors are not graphed here (CloudWatch allows 500 widgets a dashboard); their alarms are in the status widgets above.`,
          width: 24,
          height: 1,
        }),
      );
    }
    if (props.widgets && props.widgets.length > 0) this.dashboard.addWidgets(...props.widgets);
    this.dashboard.addWidgets(...remediationRow(props.service, props.remediation));
  }
}

/** The remediation row: the ladders in words and the runs graphed, or the placeholder. */
function remediationRow(service: string, row: RemediationDashboardRow | undefined): cloudwatch.IWidget[] {
  if (!row) return [new cloudwatch.TextWidget({ markdown: REMEDIATION_PLACEHOLDER, width: 24, height: 2 })];
  return [
    new cloudwatch.TextWidget({
      markdown: ['### Remediation runs', ...row.ladders].join('\n'),
      width: 24,
      height: Math.min(8, 2 + row.ladders.length),
    }),
    new cloudwatch.GraphWidget({
      title: `${service}: remediation runs (per hour)`,
      left: [...row.runs],
      leftYAxis: { min: 0, showUnits: false },
      width: 12,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: `${service}: alarm to healthy (s, slowest run per hour)`,
      left: [row.secondsToHealthy],
      leftYAxis: { min: 0, showUnits: false },
      width: 12,
      height: 6,
    }),
  ];
}

/** A monitor's row: its `Success` against the alarm threshold, and the value its kind measures. */
function monitorRow(health: HealthMonitor): cloudwatch.IWidget[] {
  const m = health.monitor;
  const success = new cloudwatch.GraphWidget({
    title: `${m.name}: success (${m.severity}, ${m.schedule})`,
    left: [health.metricSuccess().with({ label: 'Success (1 passed, 0 failed)' })],
    leftAnnotations: health.alarm ? [alarmAnnotation(health.alarm)] : [],
    leftYAxis: { min: 0, max: 1, showUnits: false },
    width: m.tier === 'lean' ? 24 : 12,
    height: 6,
  });
  // A lean monitor publishes Success only: nothing else to graph.
  if (m.tier === 'lean') return [success];
  const line = (value: number, label: string, color?: string): cloudwatch.HorizontalAnnotation => ({
    value,
    label,
    ...(color !== undefined && { color }),
  });
  switch (m.kind) {
    case 'http':
      return [
        success,
        new cloudwatch.GraphWidget({
          title: `${m.name}: latency (ms)`,
          left: [
            health.metricLatencyMs(cloudwatch.Stats.p(50)).with({ label: 'p50' }),
            health.metricLatencyMs(cloudwatch.Stats.p(90)).with({ label: 'p90' }),
          ],
          leftAnnotations:
            m.maxLatencyMs !== undefined
              ? [line(m.maxLatencyMs, `maxLatencyMs ${m.maxLatencyMs}`, cloudwatch.Color.RED)]
              : [],
          leftYAxis: { min: 0, showUnits: false },
          width: 12,
          height: 6,
        }),
      ];
    case 'queue':
      return [
        success,
        new cloudwatch.GraphWidget({
          title: `${m.name}: queue depth`,
          left: [health.metricQueueDepth().with({ label: 'QueueDepth (max)' })],
          leftAnnotations: [
            ...(m.warnDepth !== undefined
              ? [line(m.warnDepth, `warnDepth ${m.warnDepth}`, cloudwatch.Color.ORANGE)]
              : []),
            ...(m.maxDepth !== undefined
              ? [line(m.maxDepth, `maxDepth ${m.maxDepth}`, cloudwatch.Color.RED)]
              : []),
          ],
          leftYAxis: { min: 0, showUnits: false },
          width: 12,
          height: 6,
        }),
      ];
    case 'backup':
      return [
        success,
        new cloudwatch.GraphWidget({
          title: `${m.name}: newest backup age (s)`,
          left: [health.metricBackupAgeSeconds().with({ label: 'BackupAgeSeconds (max)' })],
          leftAnnotations: [line(m.maxAgeHours * 3600, `maxAgeHours ${m.maxAgeHours}`, cloudwatch.Color.RED)],
          leftYAxis: { min: 0, showUnits: false },
          width: 12,
          height: 6,
        }),
      ];
    case 'command':
      return [success];
  }
}

/**
 * The DR drills row of a service's dashboard: per drill, pass or fail (`DrillSucceeded`), and RTO
 * and RPO (`DrillRtoSeconds`, `DrillRpoSeconds`) against their targets, one datapoint a drill
 * (published by the drill function when an execution ends), graphed by the day.
 */
export function drillRow(drills: readonly Drill[]): cloudwatch.IWidget[] {
  if (drills.length === 0) return [];
  const metric = (name: string, drill: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: name,
      dimensionsMap: { [DRILL_DIMENSION]: drill },
      statistic,
      period: Duration.days(1),
      label: drill,
    });
  const lines = drills.map(
    (d) =>
      `- **${d.name}** (${d.target.kind}, proves ${d.monitor}): ${d.schedule} ${d.timeZone}, RTO ${d.rtoMinutes} min, RPO ${d.rpoHours} h${d.gameDay ? ', game day' : ''}`,
  );
  return [
    new cloudwatch.TextWidget({
      markdown: ['### DR drills', ...lines].join('\n'),
      width: 24,
      height: Math.min(8, 2 + drills.length),
    }),
    new cloudwatch.GraphWidget({
      title: 'DR drills: passed (1) or failed (0)',
      left: drills.map((d) => metric(DrillMetricNames.succeeded, d.name, cloudwatch.Stats.MINIMUM)),
      leftYAxis: { min: 0, max: 1, showUnits: false },
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'DR drills: RTO (s), restore start to verified',
      left: drills.map((d) => metric(DrillMetricNames.rtoSeconds, d.name, cloudwatch.Stats.MAXIMUM)),
      leftAnnotations: drills.map((d) => ({
        value: d.rtoMinutes * 60,
        label: `${d.name} RTO ${d.rtoMinutes} min`,
        color: cloudwatch.Color.RED,
      })),
      leftYAxis: { min: 0, showUnits: false },
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'DR drills: RPO (s), drill start minus the newest data',
      left: drills.map((d) => metric(DrillMetricNames.rpoSeconds, d.name, cloudwatch.Stats.MAXIMUM)),
      leftAnnotations: drills.map((d) => ({
        value: d.rpoHours * 3600,
        label: `${d.name} RPO ${d.rpoHours} h`,
        color: cloudwatch.Color.RED,
      })),
      leftYAxis: { min: 0, showUnits: false },
      width: 8,
      height: 6,
    }),
  ];
}

/**
 * The console link of a project's service dashboards, with `{service}` where the service goes:
 * what the pager puts in pages (`DASHBOARD_URL_TEMPLATE`).
 */
export function dashboardUrlTemplate(project: string): string {
  return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboardName(project, '{service}')}`;
}
