/**
 * What the drill function is invoked with, parsed at its edge with zod/mini:
 * - `{ op: 'judge', drill, output, executionStartedAt }` from a drill document's `VerifyRestore` step
 *   (aws:invokeLambdaFunction): the Run Command step's output, whose last line is the restore
 *   script's facts; answered with a compact verdict the document branches on;
 * - `{ op: 'newest-snapshot', instance }` from the RDS drill document: the snapshot to restore;
 * - the EventBridge "EC2 Automation Execution Status-change Notification" of a drill document: the
 *   report, paged, and the drill's metrics;
 * - `{ op: 'sweep', everyHours? }` from Scheduler: the "did not run" detection (./sweep.ts);
 * - `{ op: 'game-day', drill }` from Scheduler: a game day of the drill's service.
 */
import * as z from 'zod/mini';

/** The judge step's payload. */
export const judgeEventSchema = z
  .object({
    op: z.literal('judge'),
    /** The drill's name (`{{ Drill }}`). */
    drill: z.string().check(z.minLength(1)),
    /** The Run Command step's output (`{{ Restore.Output }}`); its last facts line is read. */
    output: z.string(),
    /**
     * When the execution started, for the RPO: ISO 8601, or SSM's `{{ global:DATE_TIME }}` format
     * (`2026-12-06_03.00.12`, UTC). Without it, the execution's own start is read.
     */
    executionStartedAt: z.optional(z.string()),
    /** The execution (`{{ automation:EXECUTION_ID }}`): its start is read when the payload gives none. */
    executionId: z.optional(z.string()),
  })
  .check(
    z.refine((e) => e.executionStartedAt !== undefined || e.executionId !== undefined, {
      message: 'give executionId ({{ automation:EXECUTION_ID }}) or executionStartedAt',
    }),
  );
export type JudgeEvent = z.infer<typeof judgeEventSchema>;

/** The RDS document's request for the snapshot to restore. */
export const newestSnapshotEventSchema = z.object({
  op: z.literal('newest-snapshot'),
  /** The production instance whose snapshots are listed (`{{ SourceInstance }}`). */
  instance: z.string().check(z.minLength(1)),
});

/** The daily (or hourly) "did not run" sweep. */
export const sweepEventSchema = z.strictObject({
  op: z.literal('sweep'),
  /**
   * Hours between sweeps: must match the schedule that sends this event, so consecutive sweeps
   * cover time without gaps. @default 24
   */
  everyHours: z.optional(z.int().check(z.minimum(1), z.maximum(24))),
});
export type SweepEvent = z.infer<typeof sweepEventSchema>;

/** A game day of a drill's service. */
export const gameDayEventSchema = z.strictObject({
  op: z.literal('game-day'),
  drill: z.string().check(z.minLength(1)),
});

/**
 * The EventBridge event SSM sends when an Automation execution changes status. Only what the
 * report reads is checked; `StartTime` and `EndTime` come as "Nov 29, 2024 7:43:20 PM", so the
 * report takes its times from GetAutomationExecution instead.
 */
export const automationStatusEventSchema = z.looseObject({
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('EC2 Automation Execution Status-change Notification'),
  region: z.optional(z.string()),
  detail: z.looseObject({
    ExecutionId: z.string(),
    /** The document's name. */
    Definition: z.string(),
    Status: z.string(),
  }),
});
export type AutomationStatusEvent = z.infer<typeof automationStatusEventSchema>;

/** Every event the drill function accepts. */
export const drillEventSchema = z.union([
  judgeEventSchema,
  newestSnapshotEventSchema,
  sweepEventSchema,
  gameDayEventSchema,
  automationStatusEventSchema,
]);
export type DrillEvent = z.infer<typeof drillEventSchema>;

/** The event, parsed; a zod error names the bad field. */
export function parseDrillEvent(event: unknown): DrillEvent {
  return drillEventSchema.parse(event);
}

/**
 * A time from a drill document: ISO 8601, or `{{ global:DATE_TIME }}`'s `yyyy-MM-dd_HH.mm.ss` (UTC).
 * Throws naming the value when it is neither.
 */
export function parseExecutionTime(text: string): Date {
  const ssm = /^(\d{4}-\d{2}-\d{2})_(\d{2})\.(\d{2})\.(\d{2})$/.exec(text.trim());
  const date = ssm ? new Date(`${ssm[1]}T${ssm[2]}:${ssm[3]}:${ssm[4]}Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new Error(
      `executionStartedAt ${JSON.stringify(text)} is not a time: pass ISO 8601 or {{ global:DATE_TIME }}`,
    );
  }
  return date;
}
