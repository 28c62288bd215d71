import { Aspects, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AlarmCreationBatches } from './alarm-batches.ts';
import type { HealthMonitor } from './constructs/health-monitor.ts';
import type { MaintenanceMuteRules } from './constructs/maintenance-mute-rules.ts';
import type { ServiceDashboard } from './constructs/service-dashboard.ts';
import type { ServiceIncident } from './constructs/service-incident.ts';
import { muteRuleName } from './naming.ts';
import {
  addGroupedServiceAlarm,
  addHealthMonitors,
  addMaintenance,
  addServiceDashboard,
  addServiceIncident,
  type ServiceContext,
} from './service-parts.ts';
import { type MonitorStackPlan, stackNameFor } from './stack-plan.ts';

/** What the monitor stacks of one app build up together, in plan order. */
export interface MonitorRegistry {
  /** Every alarm made so far, by name (composites name the alarms of a service's other parts). */
  readonly alarms: Map<string, cloudwatch.AlarmBase>;
  /** Every service's composites made so far (a dependant's pages are held by them). */
  readonly incidents: Map<string, ServiceIncident>;
  /** Every monitor made so far, by name (part 1's dashboard shows the other parts' too). */
  readonly monitors: Map<string, HealthMonitor>;
}

/** Properties of a {@link MonitorStack}. */
export interface MonitorStackProps extends StackProps {
  /** The main stack's shared pieces: config, incident plan, scheduler, paging strategy. */
  readonly context: ServiceContext;
  /** This stack's service, part and monitors. */
  readonly share: MonitorStackPlan;
  /** Filled in by every monitor stack of the app, in plan order. */
  readonly registry: MonitorRegistry;
}

/**
 * One service (or one part of a big service) of a config too big for one stack: its monitors'
 * schedules and alarms and, in part 1, its composites and dashboard; and the mute rules of its
 * maintenance windows over the alarms it holds, named `<window>-<stack suffix>`. Topics, canary,
 * schedule group and pager stay in `vigil-<project>` and are referenced from here (CloudFormation
 * exports: a handful per app, not per monitor).
 */
export class MonitorStack extends Stack {
  /** This stack's service, part and monitors. */
  readonly share: MonitorStackPlan;
  /** Its monitors, by name. */
  readonly monitors: ReadonlyMap<string, HealthMonitor>;
  /** The service's composites (part 1 of a grouped service). */
  readonly incident?: ServiceIncident;
  /** The mute rules of each maintenance window covering the service, by window name. */
  readonly maintenance: ReadonlyMap<string, MaintenanceMuteRules>;
  /** The service's dashboard (part 1). */
  readonly dashboard?: ServiceDashboard;

  constructor(scope: Construct, id: string, props: MonitorStackProps) {
    super(scope, id, props);
    const { context: ctx, share, registry } = props;
    const { config } = ctx;
    this.share = share;

    const local = new Map<string, cloudwatch.AlarmBase>();
    this.monitors = addHealthMonitors(this, ctx, share.monitors, local, share.part);
    for (const [name, health] of this.monitors) registry.monitors.set(name, health);
    for (const [name, alarm] of local) registry.alarms.set(name, alarm);

    const grouped = share.part === 1 ? addGroupedServiceAlarm(this, ctx, share.service, local) : undefined;
    if (grouped) registry.alarms.set(grouped.alarm.alarmName, grouped.alarm);

    if (share.part === 1 && ctx.plan.isGrouped(share.service)) {
      this.incident = addServiceIncident(this, ctx, share.service, registry.alarms, registry.incidents);
      registry.incidents.set(share.service, this.incident);
      for (const [name, composite] of this.incident.composites) local.set(name, composite);
    }

    const suffix = share.stackName.slice(stackNameFor(config.project).length + 1);
    const maintenance = new Map<string, MaintenanceMuteRules>();
    for (const window of config.maintenance) {
      if (!window.services.includes(share.service)) continue;
      maintenance.set(
        window.name,
        addMaintenance(this, ctx, window, local, muteRuleName(config.project, `${window.name}-${suffix}`)),
      );
    }
    this.maintenance = maintenance;

    if (share.part === 1) {
      const all = [...registry.monitors.values()].filter((h) => h.monitor.service === share.service);
      this.dashboard = addServiceDashboard(this, ctx, share.service, all, registry.alarms, grouped);
    }
    Aspects.of(this).add(new AlarmCreationBatches());
  }
}
