/**
 * What a service deploys, built into whichever stack the plan gives it (lib/stack-plan.ts): its
 * monitors, its composites, its maintenance mute rules and its dashboard. `VigilStack` calls these
 * for every service when the config fits one stack; `MonitorStack` calls them for its share.
 * Construct ids are the ones `VigilStack` always used (`Monitor-<name>`, `Service-<service>`,
 * `Maintenance-<window>`, `Dashboard-<service>`), directly under the stack, so logical ids do not
 * depend on which stack a monitor is in.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { type MaintenanceWindow, type Monitor, toGroupEvent, type VigilConfig } from './config/index.ts';
import type { CheckScheduler } from './constructs/check-scheduler.ts';
import { GroupedServiceAlarm } from './constructs/grouped-service-alarm.ts';
import { HealthMonitor, scheduleMaxEventAge } from './constructs/health-monitor.ts';
import { MaintenanceMuteRules } from './constructs/maintenance-mute-rules.ts';
import { QueueAlarms } from './constructs/queue-alarms.ts';
import type { Remediation } from './constructs/remediation.ts';
import { ServiceDashboard } from './constructs/service-dashboard.ts';
import { ServiceIncident } from './constructs/service-incident.ts';
import { truncate } from './constructs/text.ts';
import { WarningAlarms } from './constructs/warning-alarms.ts';
import { monitorAlarmPeriodSeconds } from './monitors/alarm-timing.ts';
import { appGroups, invocationGroups } from './monitors/invocation-groups.ts';
import { groupedServiceAlarmName, monitorAlarmName } from './naming.ts';
import { serviceAlarmNames, warningAspects } from './paging/catalog.ts';
import type { IncidentPlan } from './paging/incident-plan.ts';
import { type AlarmActionStrategy, AllOfStrategy } from './paging/severity-action-strategy.ts';

/** What every part needs from the main stack. */
export interface ServiceContext {
  /** The validated, resolved config. */
  readonly config: VigilConfig;
  /** Which services page through composites. */
  readonly plan: IncidentPlan;
  /** Runs each monitor's check (the main stack's schedule group, role and canary). */
  readonly scheduler: CheckScheduler;
  /** Pages the raw topic of an alarm's severity. */
  readonly pageBySeverity: AlarmActionStrategy;
  /**
   * Self-healing: its alarm actions start the remediator from the alarms a remediation is bound to
   * (whether or not the alarm pages by itself), and its rows fill the dashboards' remediation row.
   * @default - no remediation
   */
  readonly remediation?: Remediation;
  /**
   * The schedules of the app-wide fast groups, made in the main stack, by member monitor name: a
   * shared fast monitor rides one of them wherever its alarm deploys.
   * @default - no shared fast monitor
   */
  readonly appSchedules?: ReadonlyMap<string, scheduler.Schedule>;
}

/** Who a member alarm of `service` pages, and the remediation it may start. */
function memberActions(ctx: ServiceContext, service: string): AlarmActionStrategy {
  const paging = ctx.plan.memberPaging(service, ctx.pageBySeverity);
  return ctx.remediation ? new AllOfStrategy([paging, ctx.remediation.alarmActions]) : paging;
}

/**
 * One schedule per invocation group of the service (lib/monitors/invocation-groups.ts; the
 * app-wide fast groups' are the main stack's, {@link addAppSchedules}) and one
 * {@link HealthMonitor} (and its queue alarms) per monitor; every alarm is added to `alarms` by
 * name. `part` is the part of a split service these monitors are (1 when not split).
 */
export function addHealthMonitors(
  scope: Construct,
  ctx: ServiceContext,
  monitors: readonly Monitor[],
  alarms: Map<string, cloudwatch.AlarmBase>,
  part = 1,
): Map<string, HealthMonitor> {
  const { project } = ctx.config;
  const shared = new Map<string, scheduler.Schedule>();
  for (const group of invocationGroups(monitors, { part })) {
    if (group.invocation !== 'shared' || group.scope !== 'service') continue;
    const first = group.monitors[0];
    if (!first) continue;
    const schedule = ctx.scheduler.addSchedule(scope, group.constructId, {
      name: group.scheduleName,
      expression: group.schedule,
      event: toGroupEvent(group.monitors),
      maxEventAge: scheduleMaxEventAge(monitorAlarmPeriodSeconds(first)),
      description: truncate(
        `Vigil checks of ${group.service}: ${group.monitors.map((m) => m.name).join(', ')}`,
        512,
      ),
    });
    for (const m of group.monitors) shared.set(m.name, schedule);
  }
  const made = new Map<string, HealthMonitor>();
  for (const monitor of monitors) {
    const paging = memberActions(ctx, monitor.service);
    const sharedSchedule = shared.get(monitor.name) ?? ctx.appSchedules?.get(monitor.name);
    const health = new HealthMonitor(scope, `Monitor-${monitor.name}`, {
      project,
      monitor,
      scheduler: ctx.scheduler,
      paging,
      ...(sharedSchedule && { sharedSchedule }),
    });
    made.set(monitor.name, health);
    if (health.alarm) alarms.set(monitorAlarmName(project, monitor.name), health.alarm);
    if (monitor.kind === 'queue') {
      const aspects = new QueueAlarms(health, 'QueueAlarms', {
        project,
        monitor,
        periodSeconds: health.periodSeconds,
        paging,
      });
      for (const [aspect, alarm] of aspects.alarms)
        alarms.set(monitorAlarmName(project, monitor.name, aspect), alarm);
    }
    if (warningAspects(monitor).length > 0) {
      const warnings = new WarningAlarms(health, 'WarningAlarms', {
        project,
        monitor,
        periodSeconds: health.periodSeconds,
        paging,
      });
      for (const [aspect, alarm] of warnings.alarms)
        alarms.set(monitorAlarmName(project, monitor.name, aspect), alarm);
    }
  }
  return made;
}

/**
 * The schedules of the app-wide fast groups among `monitors` (every enabled monitor of the app), in
 * `scope` (the main stack), by member monitor name. One crashed invocation of a group leaves every
 * member without its minute's datapoints, so monitors of several services page at once (the
 * `canary-errors` watcher says why); `invocation: 'own'` keeps a fast monitor out.
 */
export function addAppSchedules(
  scope: Construct,
  checks: CheckScheduler,
  monitors: readonly Monitor[],
): Map<string, scheduler.Schedule> {
  const schedules = new Map<string, scheduler.Schedule>();
  for (const group of appGroups(monitors)) {
    const first = group.monitors[0];
    if (!first) continue;
    const schedule = checks.addSchedule(scope, group.constructId, {
      name: group.scheduleName,
      expression: group.schedule,
      event: toGroupEvent(group.monitors),
      maxEventAge: scheduleMaxEventAge(monitorAlarmPeriodSeconds(first)),
      description: truncate(
        `Vigil fast probes of every service: ${group.monitors.map((m) => m.name).join(', ')}`,
        512,
      ),
    });
    for (const m of group.monitors) schedules.set(m.name, schedule);
  }
  return schedules;
}

/**
 * The one alarm of a grouped-tier service, over all its enabled monitors (wherever their schedules
 * deploy); added to `alarms`. Undefined for any other service.
 */
export function addGroupedServiceAlarm(
  scope: Construct,
  ctx: ServiceContext,
  service: string,
  alarms: Map<string, cloudwatch.AlarmBase>,
): GroupedServiceAlarm | undefined {
  if (!ctx.plan.isGroupedTier(service)) return undefined;
  const grouped = new GroupedServiceAlarm(scope, `Grouped-${service}`, {
    project: ctx.config.project,
    service,
    monitors: ctx.config.monitors.filter((m) => m.enabled && m.service === service),
    paging: memberActions(ctx, service),
  });
  alarms.set(groupedServiceAlarmName(ctx.config.project, service), grouped.alarm);
  return grouped;
}

/**
 * The composites of a service that pages through composites, after those of the services it depends on (in `incidents`);
 * its composites are added to `alarms`. Member alarms may sit in other stacks (the parts of a big
 * service): the composite's `DependsOn` then becomes a dependency between the stacks.
 */
export function addServiceIncident(
  scope: Construct,
  ctx: ServiceContext,
  service: string,
  alarms: Map<string, cloudwatch.AlarmBase>,
  incidents: ReadonlyMap<string, ServiceIncident>,
): ServiceIncident {
  const incident = new ServiceIncident(scope, `Service-${service}`, {
    project: ctx.config.project,
    service,
    members: ctx.plan.members(service),
    alarms,
    paging: ctx.pageBySeverity,
    dependsOn: ctx.plan.dependencies(service).map((d) => {
      const dependency = incidents.get(d);
      if (!dependency) throw new Error(`service "${d}" has no composites before "${service}"`);
      return dependency;
    }),
    suppression: (severity) => ctx.plan.suppression(service, severity),
  });
  for (const [name, composite] of incident.composites) alarms.set(name, composite);
  return incident;
}

/**
 * The mute rules of `window`, naming the alarms of its services that `scope`'s stack creates.
 * No rule at all when the stack creates none of them.
 * @param ruleName the rule's name; default `muteRuleName(project, window.name)`
 */
export function addMaintenance(
  scope: Construct,
  ctx: ServiceContext,
  window: MaintenanceWindow,
  alarms: ReadonlyMap<string, cloudwatch.AlarmBase>,
  ruleName?: string,
): MaintenanceMuteRules {
  const stack = Stack.of(scope);
  const muted = window.services.flatMap((s) =>
    serviceAlarmNames(ctx.config, s).flatMap((name) => {
      const alarm = alarms.get(name);
      return alarm && Stack.of(alarm) === stack ? [alarm] : [];
    }),
  );
  return new MaintenanceMuteRules(scope, `Maintenance-${window.name}`, {
    project: ctx.config.project,
    window,
    alarms: muted,
    ...(ruleName !== undefined && { ruleName }),
  });
}

/**
 * The dashboard of a service with monitors. Alarms of other stacks are named by ARN built from
 * their names (`Alarm.fromAlarmName`), so a big service's dashboard exports nothing per alarm.
 */
export function addServiceDashboard(
  scope: Construct,
  ctx: ServiceContext,
  service: string,
  monitors: readonly HealthMonitor[],
  alarms: ReadonlyMap<string, cloudwatch.AlarmBase>,
  grouped?: GroupedServiceAlarm,
): ServiceDashboard | undefined {
  const declared = ctx.config.services.find((s) => s.name === service);
  if (!declared || monitors.length === 0) return undefined;
  const stack = Stack.of(scope);
  const remediation = ctx.remediation?.dashboardRow(service);
  return new ServiceDashboard(scope, `Dashboard-${service}`, {
    project: ctx.config.project,
    service,
    ...(declared.description !== undefined && { description: declared.description }),
    dependsOn: ctx.plan.dependencies(service),
    monitors,
    ...(grouped && { grouped }),
    ...(remediation && { remediation }),
    alarms: serviceAlarmNames(ctx.config, service).flatMap((name): cloudwatch.IAlarm[] => {
      const alarm = alarms.get(name);
      if (!alarm) return [];
      if (Stack.of(alarm) === stack) return [alarm];
      return [cloudwatch.Alarm.fromAlarmName(scope, `Dashboard-${service}-Alarm-${name}`, name)];
    }),
  });
}
