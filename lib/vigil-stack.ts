import { Aspects, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AlarmCreationBatches } from './alarm-batches.ts';
import type { VigilConfig } from './config/index.ts';
import { CanaryFunction } from './constructs/canary-function.ts';
import { CheckScheduler } from './constructs/check-scheduler.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { DrDrills } from './constructs/dr-drills.ts';
import { FastProbeQueue } from './constructs/fast-probe-queue.ts';
import type { GroupedServiceAlarm } from './constructs/grouped-service-alarm.ts';
import type { HealthMonitor } from './constructs/health-monitor.ts';
import type { MaintenanceMuteRules } from './constructs/maintenance-mute-rules.ts';
import { NotifyTopics } from './constructs/notify-topics.ts';
import { Pager } from './constructs/pager.ts';
import { PagingTopics } from './constructs/paging-topics.ts';
import { Remediation } from './constructs/remediation.ts';
import { dashboardUrlTemplate, ServiceDashboard } from './constructs/service-dashboard.ts';
import type { ServiceIncident } from './constructs/service-incident.ts';
import { VigilWatchers } from './constructs/vigil-watchers.ts';
import { alarmPeriodSeconds } from './monitors/alarm-timing.ts';
import { awsAccessOf } from './monitors/aws-access.ts';
import { assertDeployable } from './monitors/deployment-checks.ts';
import { isFast, secretRefsOf } from './monitors/monitor-traits.ts';
import { heartbeatAlarmName, VIGIL_SERVICE, watcherAlarmName } from './naming.ts';
import { buildPagerCatalog, VIGIL_SEVERITY, withInfraAlarms } from './paging/catalog.ts';
import { IncidentPlan } from './paging/incident-plan.ts';
import {
  type AlarmActionStrategy,
  AllOfStrategy,
  SeverityActionStrategy,
} from './paging/severity-action-strategy.ts';
import {
  addAppSchedules,
  addGroupedServiceAlarm,
  addHealthMonitors,
  addMaintenance,
  addServiceDashboard,
  addServiceIncident,
  type ServiceContext,
} from './service-parts.ts';
import { stackNameFor } from './stack-plan.ts';

export { stackNameFor };

/** Properties of a {@link VigilStack}. */
export interface VigilStackProps extends StackProps {
  /** The validated, resolved config (`loadConfig` / `parseConfig`). */
  readonly config: VigilConfig;
  /**
   * The config file, named in error messages.
   * @default - not named
   */
  readonly configSource?: string;
  /**
   * The canary's handler file.
   * @default lambdas/canary/handler.ts
   */
  readonly canaryEntry?: string;
  /**
   * The pager's handler file.
   * @default lambdas/pager/handler.ts
   */
  readonly pagerEntry?: string;
  /**
   * The monitors are deployed by `MonitorStack`s (a config too big for one stack, see
   * lib/stack-plan.ts): this stack then holds only what they share.
   * @default false - every monitor is in this stack
   */
  readonly sharedOnly?: boolean;
}

/**
 * Everything one config deploys: raw alarm topics and readable topics by severity, the canary and
 * its schedules, one schedule and alarm per enabled monitor, one page per incident (service
 * composites, held while a dependency is down), maintenance windows, the pager, alarms on Vigil
 * itself, and a dashboard per service.
 */
export class VigilStack extends Stack {
  /** The raw alarm topics (CloudWatch alarm JSON; HTTPS subscribers and the pager). */
  readonly paging: PagingTopics;
  /** The readable topics (the pager's pages; email and SMS subscribers). */
  readonly notify: NotifyTopics;
  /** The canary Lambda. */
  readonly canary: CanaryFunction;
  /** One per enabled monitor, by monitor name. */
  readonly monitors: ReadonlyMap<string, HealthMonitor>;
  /** Which services page through composites. */
  readonly plan: IncidentPlan;
  /** The composites of each grouped service, by service. */
  readonly incidents: ReadonlyMap<string, ServiceIncident>;
  /** The pager Lambda, its schedules and the heartbeat alarm. */
  readonly pager: Pager;
  /** The alarms on Vigil itself. */
  readonly watchers: VigilWatchers;
  /** The mute rules of each maintenance window, by window name. */
  readonly maintenance: ReadonlyMap<string, MaintenanceMuteRules>;
  /** One dashboard per service (and one for Vigil itself), by service. */
  readonly dashboards: ReadonlyMap<string, ServiceDashboard>;
  /** Every alarm of the stack, by name. */
  readonly alarms: ReadonlyMap<string, cloudwatch.AlarmBase>;
  /** The check schedules' group and role: every monitor's schedule, in whichever stack. */
  readonly scheduler: CheckScheduler;
  /** Pages the raw topic of an alarm's severity. */
  readonly pageBySeverity: AlarmActionStrategy;
  /** What the services' parts are built from (lib/service-parts.ts). */
  readonly context: ServiceContext;
  /** DR drills: documents, scratch-only roles, schedules, the drill function; undefined without drills. */
  readonly drills?: DrDrills;
  /** Self-healing: documents, roles, the remediator and its alarm actions; undefined when nothing remediates. */
  readonly remediation?: Remediation;
  /** Fast mode's queue of later slots and its event source mapping; undefined without an enabled fast monitor. */
  readonly fastProbes?: FastProbeQueue;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { project } = config;
    assertDeployable(config, props.configSource);
    const enabled = config.monitors.filter((m) => m.enabled);
    const alarms = new Map<string, cloudwatch.AlarmBase>();

    this.paging = new PagingTopics(this, 'Paging', { project, subscribers: config.paging });
    this.notify = new NotifyTopics(this, 'Notify', {
      project,
      key: this.paging.key,
      subscribers: config.paging,
    });
    // Who gets paged: the raw topic of the alarm's severity. Grouped services' own alarms page
    // nobody (plan.memberPaging): their composites do.
    const pageBySeverity = new SeverityActionStrategy(this.paging.topics);
    this.pageBySeverity = pageBySeverity;
    this.plan = IncidentPlan.of(config);

    const deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    this.canary = new CanaryFunction(this, 'Canary', {
      project,
      monitors: enabled,
      logRetentionDays: config.logRetentionDays,
      deadLetterQueue: deadLetters.queue,
      ...(props.canaryEntry !== undefined && { entry: props.canaryEntry }),
    });
    this.canary.grantSecretRead(enabled.flatMap(secretRefsOf));
    this.canary.grantAwsAccess(enabled.flatMap((m) => awsAccessOf(this, m)));

    this.scheduler = new CheckScheduler(this, 'Checks', {
      canary: this.canary.lambda,
      deadLetterQueue: deadLetters.queue,
    });
    // Fast mode (docs/adr/0006-fast-mode.md): one queue for the app's later slots, and the
    // schedules of the app-wide fast groups here, whichever stacks their members' alarms are in.
    if (enabled.some(isFast)) {
      this.fastProbes = new FastProbeQueue(this, 'FastProbes', {
        canary: this.canary.lambda,
        deadLetterQueue: deadLetters.queue,
      });
    }
    const appSchedules = addAppSchedules(this, this.scheduler, enabled);
    if (config.remediations.length > 0) {
      this.remediation = new Remediation(this, 'Remediation', {
        project,
        remediations: config.remediations,
        canary: this.canary.lambda,
        notifyTopics: this.notify.topics,
        topicKey: this.paging.key,
        dashboardUrlTemplate: dashboardUrlTemplate(project),
        logRetentionDays: config.logRetentionDays,
        deadLetterQueue: deadLetters.queue,
      });
    }
    this.context = {
      config,
      plan: this.plan,
      scheduler: this.scheduler,
      pageBySeverity,
      ...(this.remediation && { remediation: this.remediation }),
      ...(appSchedules.size > 0 && { appSchedules }),
    };
    const ownServices = props.sharedOnly ? [] : this.plan.services;

    const monitors = addHealthMonitors(this, this.context, props.sharedOnly ? [] : enabled, alarms);
    this.monitors = monitors;

    const groupedAlarms = new Map<string, GroupedServiceAlarm>();
    for (const service of ownServices) {
      const grouped = addGroupedServiceAlarm(this, this.context, service, alarms);
      if (grouped) groupedAlarms.set(service, grouped);
    }

    const incidents = new Map<string, ServiceIncident>();
    for (const service of ownServices) {
      if (!this.plan.isGrouped(service)) continue;
      incidents.set(service, addServiceIncident(this, this.context, service, alarms, incidents));
    }
    this.incidents = incidents;

    const catalog = withInfraAlarms(buildPagerCatalog(config), {
      groupedServices: this.plan.grouped,
      ...(config.heartbeat && { heartbeat: { severity: config.heartbeat.severity } }),
      drills: config.drills,
    });
    this.pager = new Pager(this, 'Pager', {
      project,
      catalog,
      alarmTopics: this.paging.topics,
      notifyTopics: this.notify.topics,
      topicKey: this.paging.key,
      canaryLogGroup: this.canary.logGroup,
      dashboardUrlTemplate: dashboardUrlTemplate(project),
      logRetentionDays: config.logRetentionDays,
      deadLetterQueue: deadLetters.queue,
      paging: pageBySeverity,
      ...(config.heartbeat && { heartbeat: config.heartbeat }),
      ...(props.pagerEntry !== undefined && { entry: props.pagerEntry }),
    });
    if (this.pager.heartbeatAlarm) alarms.set(heartbeatAlarmName(project), this.pager.heartbeatAlarm);

    const fastest = Math.min(...enabled.map((m) => alarmPeriodSeconds(m.schedule)));
    this.watchers = new VigilWatchers(this, 'Watchers', {
      project,
      canary: this.canary.lambda,
      ...(Number.isFinite(fastest) && { canaryMaxGapSeconds: fastest }),
      deadLetterQueue: deadLetters.queue,
      pager: this.pager.lambda,
      paging: pageBySeverity,
      // The pager cannot page that it is broken: its failure also goes straight to people.
      pagerFailurePaging: new AllOfStrategy([pageBySeverity, new SeverityActionStrategy(this.notify.topics)]),
    });
    for (const [watcher, alarm] of this.watchers.alarms)
      alarms.set(watcherAlarmName(project, watcher), alarm);
    this.notify.allowAlarmToPublish(watcherAlarmName(project, 'pager-errors'), VIGIL_SEVERITY);
    this.alarms = alarms;

    const maintenance = new Map<string, MaintenanceMuteRules>();
    if (!props.sharedOnly) {
      for (const window of config.maintenance) {
        maintenance.set(window.name, addMaintenance(this, this.context, window, alarms));
      }
    }
    this.maintenance = maintenance;

    const dashboards = new Map<string, ServiceDashboard>();
    for (const service of ownServices) {
      const own = [...monitors.values()].filter((h) => h.monitor.service === service);
      const dashboard = addServiceDashboard(
        this,
        this.context,
        service,
        own,
        alarms,
        groupedAlarms.get(service),
      );
      if (dashboard) dashboards.set(service, dashboard);
    }
    dashboards.set(
      VIGIL_SERVICE,
      new ServiceDashboard(this, `Dashboard-${VIGIL_SERVICE}`, {
        project,
        service: VIGIL_SERVICE,
        description:
          'Vigil itself: the canary, its schedules, the dead-letter queue, the pager and the heartbeat.',
        monitors: [],
        alarms: [
          ...this.watchers.alarms.values(),
          ...(this.pager.heartbeatAlarm ? [this.pager.heartbeatAlarm] : []),
        ],
        widgets: this.watchers.widgets(),
      }),
    );
    this.dashboards = dashboards;
    if (config.drills.length > 0) {
      this.drills = new DrDrills(this, 'Drills', {
        config,
        notifyTopics: this.notify.topics,
        topicKey: this.paging.key,
        deadLetterQueue: deadLetters.queue,
        paging: pageBySeverity,
        dashboards,
      });
    }
    Aspects.of(this).add(new AlarmCreationBatches());
  }
}
