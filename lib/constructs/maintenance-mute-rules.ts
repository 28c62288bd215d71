import { Duration, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { MaintenanceWindow } from '../config/index.ts';
import { muteRuleName } from '../naming.ts';
import { truncate } from './text.ts';

/** "Each mute rule can target up to 100 specific alarms by name" (AWS::CloudWatch::AlarmMuteRule). */
export const MUTE_RULE_MAX_ALARMS = 100;

/** Properties of {@link MaintenanceMuteRules}. */
export interface MaintenanceMuteRulesProps {
  /** The project, as in the config: prefixes the rules' names. */
  readonly project: string;
  /** The window, resolved: days, start, duration and time zone. */
  readonly window: MaintenanceWindow;
  /**
   * The alarms it mutes: every alarm of the window's services that this stack creates (monitor,
   * aspect and composite alarms, `serviceAlarmNames`), in order.
   */
  readonly alarms: readonly cloudwatch.IAlarmRef[];
  /**
   * The rule's name (parts `-1`, `-2`... when the alarms need several). A config split into stacks
   * gives each stack's rules its own name (lib/stack-plan.ts).
   * @default muteRuleName(project, window.name)
   */
  readonly ruleName?: string;
}

/**
 * A recurring maintenance window as CloudWatch alarm mute rules: from `start` on each of `days`,
 * for `durationMinutes`, in the window's time zone, the alarms' actions are muted. Alarms keep
 * evaluating and checks keep running, so the dashboards stay true and the pager's sweep pages
 * whatever is still in ALARM when the window closes.
 *
 * A rule names at most 100 alarms: a larger window becomes rules `<name>-1`, `<name>-2`... with the
 * same schedule; one that fits is a single rule named `muteRuleName(project, window.name)`.
 *
 * Mute-rule crons have five fields, `cron(Minutes Hours Day-of-month Month Day-of-week)`
 * (`cron(0 2 * * SUN)`), unlike EventBridge's six.
 */
export class MaintenanceMuteRules extends Construct {
  /** The rules, in order. */
  readonly rules: readonly cloudwatch.AlarmMuteRule[];

  constructor(scope: Construct, id: string, props: MaintenanceMuteRulesProps) {
    super(scope, id);
    const { window } = props;
    const [hour, minute] = window.start.split(':').map(Number);
    const schedule = cloudwatch.ScheduleExpression.cron({
      minute: String(minute),
      hour: String(hour),
      weekDay: window.days.join(','),
      timeZone: TimeZone.of(window.timeZone),
    });
    const chunks: cloudwatch.IAlarmRef[][] = [];
    for (let i = 0; i < props.alarms.length; i += MUTE_RULE_MAX_ALARMS) {
      chunks.push(props.alarms.slice(i, i + MUTE_RULE_MAX_ALARMS));
    }
    const name = props.ruleName ?? muteRuleName(props.project, window.name);
    this.rules = chunks.map(
      (alarms, i) =>
        new cloudwatch.AlarmMuteRule(this, chunks.length === 1 ? 'Rule' : `Rule${i + 1}`, {
          alarmMuteRuleName: chunks.length === 1 ? name : `${name}-${i + 1}`,
          description: truncate(
            `Maintenance window ${window.name}: ${window.days.join(',')} ${window.start}-${window.end} ${window.timeZone}, services ${window.services.join(', ')}. Actions are muted; checks keep running, and what still breaches when it closes pages then.${chunks.length > 1 ? ` Part ${i + 1} of ${chunks.length}.` : ''}`,
          ),
          schedule,
          duration: Duration.minutes(window.durationMinutes),
          alarms,
        }),
    );
  }
}
