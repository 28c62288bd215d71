/**
 * Who is paged, decided in one place. Constructs never call `addAlarmAction` themselves: they hand
 * their alarm and its severity to an {@link AlarmActionStrategy}.
 * (Shape from cdk-monitoring-constructs `SnsAlarmActionStrategy`.)
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Severity } from '../config/index.ts';

/** Adds the actions an alarm of a given severity should take. */
export interface AlarmActionStrategy {
  /** Adds `alarm`'s ALARM (and, where the severity wants it, OK) actions for `severity`. */
  addActions(alarm: cloudwatch.AlarmBase, severity: Severity): void;
}

/** Which state changes notify a severity's topic. */
export interface SeverityPaging {
  /** Notify when the alarm goes to ALARM. */
  readonly onAlarm: boolean;
  /** Notify when it returns to OK, so whoever was paged learns of the recovery. */
  readonly onOk: boolean;
}

/**
 * The paging policy, by severity (as the runbooks use them: P1 critical pages 24/7, P2 high, P3 warning by
 * email, P4 info). Every severity pages its own topic on ALARM and on OK; who is woken up is the
 * topic's subscribers, set per severity in the config's `paging`. INSUFFICIENT_DATA notifies no one:
 * canary alarms treat missing data as breaching, so a dead canary already goes to ALARM.
 */
export const SEVERITY_PAGING: Readonly<Record<Severity, SeverityPaging>> = {
  P1: { onAlarm: true, onOk: true },
  P2: { onAlarm: true, onOk: true },
  P3: { onAlarm: true, onOk: true },
  P4: { onAlarm: true, onOk: true },
};

/** Sends each alarm to the SNS topic of its severity, per {@link SEVERITY_PAGING}. */
export class SeverityActionStrategy implements AlarmActionStrategy {
  /**
   * @param topics one topic per severity (see `PagingTopics`)
   * @param paging which state changes notify each severity
   */
  constructor(
    private readonly topics: Readonly<Record<Severity, sns.ITopic>>,
    private readonly paging: Readonly<Record<Severity, SeverityPaging>> = SEVERITY_PAGING,
  ) {}

  addActions(alarm: cloudwatch.AlarmBase, severity: Severity): void {
    const action = new SnsAction(this.topics[severity]);
    const { onAlarm, onOk } = this.paging[severity];
    if (onAlarm) alarm.addAlarmAction(action);
    if (onOk) alarm.addOkAction(action);
  }
}

/**
 * Every strategy's actions, in order. For the one alarm that must reach people even when the pager
 * is what broke: its raw alarm topic and, straight, its readable topic.
 */
export class AllOfStrategy implements AlarmActionStrategy {
  /** @param strategies applied in order */
  constructor(private readonly strategies: readonly AlarmActionStrategy[]) {}

  addActions(alarm: cloudwatch.AlarmBase, severity: Severity): void {
    for (const strategy of this.strategies) strategy.addActions(alarm, severity);
  }
}

/**
 * The name an alarm is created with (its `AlarmName` property), read from its CloudFormation
 * resource: `alarm.alarmName` is a token, while remediations are bound to alarms by name.
 */
export function alarmNameOf(alarm: cloudwatch.AlarmBase): string | undefined {
  const resource = alarm.node.defaultChild as { alarmName?: unknown } | undefined;
  return typeof resource?.alarmName === 'string' ? resource.alarmName : undefined;
}

/**
 * Adds `action` (the remediator, invoked directly by the alarm) to the ALARM actions of the alarms a
 * remediation is bound to, by name; every other alarm gets nothing. An alarm action rather than an
 * EventBridge rule so a maintenance window's or `vigil mute`'s mute rule holds a remediation exactly
 * as it holds a page (mute rules mute an alarm's actions).
 */
export class RemediationActionStrategy implements AlarmActionStrategy {
  /**
   * @param action invokes the remediator
   * @param alarmNames the alarms that start a remediation (`Remediation.alarmName`)
   */
  constructor(
    private readonly action: cloudwatch.IAlarmAction,
    private readonly alarmNames: ReadonlySet<string>,
  ) {}

  addActions(alarm: cloudwatch.AlarmBase, _severity: Severity): void {
    const name = alarmNameOf(alarm);
    if (name !== undefined && this.alarmNames.has(name)) alarm.addAlarmAction(this.action);
  }
}
