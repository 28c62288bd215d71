import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, type IConstruct } from 'constructs';
import type { Severity } from '../config/index.ts';
import {
  compositePartName,
  serviceAlarmName,
  serviceDependenciesAlarmName,
  servicePageAlarmName,
} from '../naming.ts';
import {
  anyOfRule,
  compositeChunks,
  type IncidentMember,
  type SuppressionTiming,
} from '../paging/incident-plan.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import { truncate } from './text.ts';

/** Properties of a {@link ServiceIncident}. */
export interface ServiceIncidentProps {
  /** The project, as in the config: prefixes the composites' names. */
  readonly project: string;
  /** The service. */
  readonly service: string;
  /** Its alarms (`IncidentPlan.members`), none of which pages by itself. */
  readonly members: readonly IncidentMember[];
  /** The member alarms' constructs, by name: every composite is created after the alarms it names. */
  readonly alarms: ReadonlyMap<string, IConstruct>;
  /** Decides who each paging composite pages, by its severity. */
  readonly paging: AlarmActionStrategy;
  /**
   * The incidents of the services this one depends on: while any of them is in ALARM, this
   * service's pages are held (they would only echo the dependency's outage).
   * @default - none
   */
  readonly dependsOn?: readonly ServiceIncident[];
  /**
   * Suppression timing of each severity's paging composite (`IncidentPlan.suppression`); required
   * for each severity when `dependsOn` is not empty.
   * @default - no suppression
   */
  readonly suppression?: (severity: Severity) => SuppressionTiming | undefined;
}

/**
 * One page per incident of one service, with composite alarms (each $0.50 a month):
 *
 * - health: ALARM when any of the service's alarms is; no actions. It shows the service's state,
 *   and holds the pages of the services that depend on it (their actions suppressor).
 * - one paging composite per severity present: ALARM when any of that severity's alarms is; ALARM
 *   and OK actions by severity, so a P1 and a P3 problem of one service still reach the right
 *   people, each once. With dependencies, its actions suppressor is the dependency's health
 *   composite (several dependencies: a composite of their health composites, no actions).
 *
 * Rules name alarms by name, not ARN: shorter (CloudWatch caps a rule at 10,240 characters and 100
 * alarms) and readable in the console. A rule that would pass either limit is split into parts
 * (`-PART1`...), each a composite without actions, and the composite watches its parts.
 */
export class ServiceIncident extends Construct {
  /** The service. */
  readonly service: string;
  /** The health composite: ALARM when any of the service's alarms is. No actions. */
  readonly health: cloudwatch.CompositeAlarm;
  /** The paging composites, by severity. */
  readonly pages: ReadonlyMap<Severity, cloudwatch.CompositeAlarm>;
  /**
   * Every composite made (health, paging, parts, dependencies), by name.
   */
  readonly composites: ReadonlyMap<string, cloudwatch.CompositeAlarm>;

  private readonly alarms: ReadonlyMap<string, IConstruct>;
  private readonly made = new Map<string, cloudwatch.CompositeAlarm>();

  constructor(scope: Construct, id: string, props: ServiceIncidentProps) {
    super(scope, id);
    const { project, service, members } = props;
    if (members.length === 0) throw new Error(`service "${service}" has no alarms to group`);
    this.service = service;
    this.alarms = props.alarms;

    this.health = this.anyOf('Health', serviceAlarmName(project, service), members, {
      alarmDescription: truncate(
        `${service}: ALARM while any of its ${members.length} alarms is. Takes no actions: the service's paging composites page, and services depending on ${service} are held while it is in ALARM.`,
      ),
    });

    const dependencies = props.dependsOn ?? [];
    let suppressor: cloudwatch.IAlarm | undefined;
    const first = dependencies[0];
    if (dependencies.length === 1 && first) suppressor = first.health;
    else if (dependencies.length > 1) {
      // Dependencies are few: a rule of health composite names fits well within CloudWatch's limits.
      const rule = cloudwatch.AlarmRule.fromString(
        anyOfRule(dependencies.map((d) => serviceAlarmName(project, d.service))),
      );
      const held = new cloudwatch.CompositeAlarm(this, 'Dependencies', {
        compositeAlarmName: serviceDependenciesAlarmName(project, service),
        alarmDescription: truncate(
          `${service}'s dependencies: ALARM while any of ${dependencies.map((d) => d.service).join(', ')} is. Takes no actions: it holds ${service}'s pages.`,
        ),
        alarmRule: rule,
      });
      for (const d of dependencies) held.node.addDependency(d.health);
      this.made.set(serviceDependenciesAlarmName(project, service), held);
      suppressor = held;
    }

    const pages = new Map<Severity, cloudwatch.CompositeAlarm>();
    for (const severity of (['P1', 'P2', 'P3', 'P4'] as const).filter((s) =>
      members.some((m) => m.severity === s),
    )) {
      const own = members.filter((m) => m.severity === severity);
      const timing = suppressor ? props.suppression?.(severity) : undefined;
      if (suppressor && !timing) {
        throw new Error(
          `service "${service}" depends on others but has no suppression timing for ${severity}`,
        );
      }
      const heldNote =
        dependencies.length > 0
          ? ` Held while ${dependencies.map((d) => d.service).join(' or ')} is in ALARM.`
          : '';
      const page = this.anyOf(severity, servicePageAlarmName(project, service, severity), own, {
        alarmDescription: truncate(
          `${service} ${severity}: one page per incident. ALARM while any of ${own.map((m) => m.alarmName).join(', ')} is in ALARM; OK when all are.${heldNote}`,
        ),
        ...(suppressor &&
          timing && {
            actionsSuppressor: suppressor,
            actionsSuppressorWaitPeriod: Duration.seconds(timing.waitSeconds),
            actionsSuppressorExtensionPeriod: Duration.seconds(timing.extensionSeconds),
          }),
      });
      props.paging.addActions(page, severity);
      pages.set(severity, page);
    }
    this.pages = pages;
    this.composites = this.made;
  }

  /**
   * A composite named `name`, ALARM when any of `members` is; split into parts without actions
   * when one rule cannot name them all.
   */
  private anyOf(
    id: string,
    name: string,
    members: readonly IncidentMember[],
    props: Omit<cloudwatch.CompositeAlarmProps, 'alarmRule' | 'compositeAlarmName'>,
  ): cloudwatch.CompositeAlarm {
    const chunks = compositeChunks(members.map((m) => m.alarmName));
    let names: string[];
    let after: IConstruct[];
    if (chunks.length === 1) {
      names = chunks[0] ?? [];
      after = names.map((n) => this.member(n));
    } else {
      const parts = chunks.map((chunk, i) => {
        const partName = compositePartName(name, i + 1);
        const part = new cloudwatch.CompositeAlarm(this, `${id}Part${i + 1}`, {
          compositeAlarmName: partName,
          alarmDescription: `Part ${i + 1} of ${name} (a rule names at most 100 alarms). Takes no actions.`,
          alarmRule: cloudwatch.AlarmRule.fromString(anyOfRule(chunk)),
        });
        for (const n of chunk) part.node.addDependency(this.member(n));
        this.made.set(partName, part);
        return part;
      });
      names = chunks.map((_, i) => compositePartName(name, i + 1));
      after = parts;
    }
    const composite = new cloudwatch.CompositeAlarm(this, id, {
      ...props,
      compositeAlarmName: name,
      alarmRule: cloudwatch.AlarmRule.fromString(anyOfRule(names)),
    });
    for (const construct of after) composite.node.addDependency(construct);
    this.made.set(name, composite);
    return composite;
  }

  private member(name: string): IConstruct {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`service "${this.service}": no alarm named ${name} in this stack`);
    return alarm;
  }
}
