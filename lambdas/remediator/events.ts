/**
 * What the remediator is invoked with, parsed at its edge:
 * - the event CloudWatch sends a Lambda alarm action (`source: aws.cloudwatch`, `alarmArn`,
 *   `alarmData: { alarmName, state, previousState, configuration }`): an alarm changed state;
 * - the EventBridge event "EC2 Automation Execution Status-change Notification" (`source: aws.ssm`,
 *   `detail: { ExecutionId, Definition, Status, ... }`) of one of the project's remediation
 *   documents: a run it started changed status.
 * Only what the remediator reads is checked; the rest passes through.
 */
import * as z from 'zod/mini';

const alarmState = z.looseObject({
  value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  reason: z.optional(z.string()),
  /** As CloudWatch writes it, e.g. "2026-03-01T10:02:30.123+0000". */
  timestamp: z.string(),
});

/** The payload of a Lambda alarm action. */
export const alarmActionEventSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  alarmArn: z.string(),
  accountId: z.string(),
  region: z.string(),
  time: z.string(),
  alarmData: z.looseObject({
    alarmName: z.string(),
    state: alarmState,
    previousState: z.optional(z.looseObject({ value: z.string() })),
  }),
});
export type AlarmActionEvent = z.infer<typeof alarmActionEventSchema>;

/** EventBridge's detail-type for an Automation execution's status change. */
export const AUTOMATION_STATUS_DETAIL_TYPE = 'EC2 Automation Execution Status-change Notification';

/** An Automation execution's status change, as EventBridge delivers it. */
export const automationStatusEventSchema = z.looseObject({
  source: z.literal('aws.ssm'),
  'detail-type': z.literal(AUTOMATION_STATUS_DETAIL_TYPE),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  detail: z.looseObject({
    ExecutionId: z.string(),
    /** The document's name. */
    Definition: z.string(),
    Status: z.string(),
  }),
});
export type AutomationStatusEvent = z.infer<typeof automationStatusEventSchema>;

/** Every event the remediator accepts. */
export const remediatorEventSchema = z.union([alarmActionEventSchema, automationStatusEventSchema]);
export type RemediatorEvent = z.infer<typeof remediatorEventSchema>;

/** The event, parsed; a zod error names the bad field. */
export function parseRemediatorEvent(event: unknown): RemediatorEvent {
  return remediatorEventSchema.parse(event);
}

/** Statuses after which an execution changes no more. */
export const TERMINAL_STATUSES = [
  'Success',
  'Failed',
  'TimedOut',
  'Cancelled',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Rejected',
  'Exited',
] as const;

/** Statuses of an execution that counts as running on its target (never two at once). */
export const RUNNING_STATUSES = [
  'Pending',
  'InProgress',
  'Waiting',
  'Cancelling',
  'PendingApproval',
  'Approved',
  'Scheduled',
  'RunbookInProgress',
  'PendingChangeCalendarOverride',
  'ChangeCalendarOverrideApproved',
] as const;

/** How an execution ended, as the remediator acts on it. */
export type Outcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * The outcome of a terminal status; undefined while it runs. A time-out is a failure (health did
 * not return in time); a cancel or rejection is a person's decision, so the ladder stops there.
 */
export function outcomeOf(status: string): Outcome | undefined {
  switch (status) {
    case 'Success':
    case 'CompletedWithSuccess':
      return 'succeeded';
    case 'Failed':
    case 'TimedOut':
    case 'CompletedWithFailure':
      return 'failed';
    case 'Cancelled':
    case 'Rejected':
    case 'Exited':
      return 'cancelled';
    default:
      return undefined;
  }
}

/** A CloudWatch time ("2026-03-01T10:02:30.123+0000") or an ISO time, as a Date. */
export function parseAlarmTime(text: string): Date {
  const date = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable alarm time ${JSON.stringify(text)}`);
  return date;
}

/** The game-day marker: an alarm state reason starting with it is a drill (DryRun, pages say DRILL). */
export const DRILL_REASON_PREFIX = '[DRILL]';

/** True when an alarm state reason marks a game-day drill. */
export function isDrillReason(reason: string | undefined): boolean {
  return (reason ?? '').startsWith(DRILL_REASON_PREFIX);
}
