/**
 * What the pager is invoked with, parsed at its edge: an SNS event from the raw alarm topics (each
 * record's message is the JSON CloudWatch publishes on a state change), `{ kind: 'sweep' }` and
 * `{ kind: 'heartbeat' }` from Scheduler. Alarms, whether notified or described, become one shape,
 * {@link AlarmFacts}, that the formatter reads.
 */
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';

const stateValue = z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

/**
 * The alarm JSON CloudWatch publishes to SNS. A metric alarm carries `Trigger` (`MetricName` for a
 * single metric, `Metrics` for metric math); a composite carries `AlarmRule` and `TriggeringChildren`.
 * Only what pages read is checked; the rest passes through.
 */
export const alarmNotificationSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: stateValue,
  OldStateValue: z.nullish(z.string()),
  NewStateReason: z.nullish(z.string()),
  /** e.g. "2026-03-01T10:02:30.123+0000". */
  StateChangeTime: z.string(),
  Trigger: z.nullish(
    z.looseObject({
      MetricName: z.nullish(z.string()),
      Threshold: z.nullish(z.number()),
      ComparisonOperator: z.nullish(z.string()),
      EvaluationPeriods: z.nullish(z.number()),
      DatapointsToAlarm: z.nullish(z.number()),
      Period: z.nullish(z.number()),
      Metrics: z.nullish(
        z.array(
          z.looseObject({
            Id: z.nullish(z.string()),
            Label: z.nullish(z.string()),
            ReturnData: z.nullish(z.boolean()),
          }),
        ),
      ),
    }),
  ),
  AlarmRule: z.nullish(z.string()),
});
export type AlarmNotification = z.infer<typeof alarmNotificationSchema>;

const snsEventSchema = z.looseObject({
  Records: z.array(z.looseObject({ Sns: z.looseObject({ Message: z.string() }) })),
});

/** Every event the pager accepts. */
export const pagerEventSchema = z.union([
  snsEventSchema,
  z.strictObject({ kind: z.literal('sweep') }),
  z.strictObject({ kind: z.literal('heartbeat') }),
]);
export type PagerEvent = z.infer<typeof pagerEventSchema>;

/** The event, parsed; a zod error names the bad field. */
export function parsePagerEvent(event: unknown): PagerEvent {
  return pagerEventSchema.parse(event);
}

/** The metric and threshold an alarm compares, when it is a metric alarm. */
export interface AlarmTrigger {
  /** The metric, or the label of the returned expression for metric math. */
  readonly metricName?: string;
  readonly threshold?: number;
  /** CloudWatch's operator name, e.g. `GreaterThanThreshold`. */
  readonly comparisonOperator?: string;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly periodSeconds?: number;
}

/** An alarm's state, however it was learnt (a notification or DescribeAlarms). */
export interface AlarmFacts {
  readonly name: string;
  readonly state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  /** The state it left, when known (notifications). */
  readonly previousState?: string;
  /** CloudWatch's reason, e.g. "Threshold Crossed: 2 out of the last 3 datapoints [0.0 (...)] ...". */
  readonly reason: string;
  /** When it entered `state`. */
  readonly since: Date;
  readonly trigger?: AlarmTrigger;
}

/** CloudWatch writes "+0000"; it is rewritten "+00:00", the offset form every ISO 8601 reader takes. */
function parseTime(text: string): Date {
  const date = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable alarm time ${JSON.stringify(text)}`);
  return date;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** {@link AlarmFacts} of a notification. */
export function factsFromNotification(n: AlarmNotification): AlarmFacts {
  const t = n.Trigger;
  const returned = t?.Metrics?.find((m) => m.ReturnData !== false);
  return {
    name: n.AlarmName,
    state: n.NewStateValue,
    ...(n.OldStateValue ? { previousState: n.OldStateValue } : {}),
    reason: n.NewStateReason ?? '',
    since: parseTime(n.StateChangeTime),
    ...(t && {
      trigger: definedOnly({
        metricName: t.MetricName ?? returned?.Label ?? returned?.Id ?? undefined,
        threshold: t.Threshold ?? undefined,
        comparisonOperator: t.ComparisonOperator ?? undefined,
        evaluationPeriods: t.EvaluationPeriods ?? undefined,
        datapointsToAlarm: t.DatapointsToAlarm ?? undefined,
        periodSeconds: t.Period ?? undefined,
      }),
    }),
  };
}

/**
 * {@link AlarmFacts} of an alarm DescribeAlarms returned (`MetricAlarms`, or `CompositeAlarms` with
 * no trigger). `since` is StateTransitionedTimestamp (when the state value last changed), not
 * StateUpdatedTimestamp, which also moves when only the reason changes and would push reminders back
 * on every re-evaluation.
 */
export function factsFromDescribed(alarm: MetricAlarm | CompositeAlarm, composite: boolean): AlarmFacts {
  const base = {
    name: alarm.AlarmName ?? '',
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmFacts['state'],
    reason: alarm.StateReason ?? '',
    since: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp ?? new Date(0),
  };
  if (composite) return base;
  const metric = alarm as MetricAlarm;
  const returned = metric.Metrics?.find((m) => m.ReturnData !== false);
  return {
    ...base,
    trigger: definedOnly({
      metricName: metric.MetricName ?? returned?.Label ?? returned?.Id,
      threshold: metric.Threshold,
      comparisonOperator: metric.ComparisonOperator,
      evaluationPeriods: metric.EvaluationPeriods,
      datapointsToAlarm: metric.DatapointsToAlarm,
      periodSeconds: metric.Period,
    }),
  };
}
