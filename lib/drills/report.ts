/**
 * The texts of a drill's pages and of `vigil drill history`, from what an execution left in SSM: the
 * restore script's facts (the `VIGIL_DRILL_FACTS` line in the Run Command step's output), the
 * snapshot the RDS document restored, the step that failed and its error. Pure and deterministic:
 * the execution, the drill and the clock in, the text out.
 *
 * A page is one SMS line (at most 140 ASCII characters), an email subject (under 100) and an email
 * that says pass or fail, RTO and RPO against their targets, the backup used, each verification
 * query with its result, why it failed (restore failed, a table below its minimum, RTO exceeded,
 * data older than the RPO, cleanup failed, or the step that failed before anything was measured)
 * and the execution link.
 */
import type { Severity } from '../config/index.ts';
import { drillIncidentKey } from './catalog.ts';
import { type DrillFacts, parseDrillFacts } from './facts.ts';
import { type DrillOutcome, formatDuration, judgeDrill } from './judge.ts';
import type { Drill } from './model.ts';

/** SNS's SMS limit for ASCII text. */
export const SMS_MAX = 140;
/** SNS: subjects must be under 100 characters. */
export const SUBJECT_MAX = 99;

/** Steps whose name starts with this clean up (drop the scratch database, delete the scratch instance). */
export const CLEANUP_STEP_PREFIX = 'Cleanup';

/** The RDS document's step that prints the snapshot it restores. */
export const FIND_SNAPSHOT_STEP = 'FindSnapshot';

/** A step of an execution, as GetAutomationExecution returns it (the SDK's `StepExecution` fits). */
export interface ExecutionStep {
  readonly StepName?: string | undefined;
  readonly Action?: string | undefined;
  readonly StepStatus?: string | undefined;
  readonly FailureMessage?: string | undefined;
  readonly Outputs?: Record<string, string[]> | undefined;
}

/** An execution, as GetAutomationExecution returns it (the SDK's `AutomationExecution` fits). */
export interface DrillExecution {
  readonly AutomationExecutionId?: string | undefined;
  readonly DocumentName?: string | undefined;
  readonly AutomationExecutionStatus?: string | undefined;
  readonly ExecutionStartTime?: Date | undefined;
  readonly ExecutionEndTime?: Date | undefined;
  readonly FailureMessage?: string | undefined;
  readonly Parameters?: Record<string, string[]> | undefined;
  readonly Outputs?: Record<string, string[]> | undefined;
  readonly StepExecutions?: readonly ExecutionStep[] | undefined;
}

/** What one drill execution showed. */
export interface DrillRun {
  readonly executionId: string;
  /** SSM's status: Success, Failed, TimedOut, Cancelled, InProgress... */
  readonly status: string;
  readonly startedAt?: Date;
  readonly endedAt?: Date;
  /** The restore script's facts, when its output holds them. */
  readonly facts?: DrillFacts;
  /** Why the facts could not be read, when a step ran the script but its output holds none. */
  readonly factsError?: string;
  /** The verdict on the facts. */
  readonly outcome?: DrillOutcome;
  /** The RDS snapshot restored (the `newest-snapshot` step's answer). */
  readonly snapshot?: string;
  /** The first step that failed, other than a cleanup step. */
  readonly failedStep?: { readonly name: string; readonly error: string };
  /** A cleanup step that failed: the scratch resource may be left behind. */
  readonly cleanupFailed?: { readonly name: string; readonly error: string };
  /** Passed: the execution succeeded, the facts were read and judged ok, and cleanup worked. */
  readonly passed: boolean;
}

/** SSM's statuses of an execution that has ended. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'Success',
  'Failed',
  'TimedOut',
  'Cancelled',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Exited',
]);

const FAILED_STATUSES: ReadonlySet<string> = new Set([
  'Failed',
  'TimedOut',
  'Cancelled',
  'CompletedWithFailure',
]);

/**
 * Judges facts the way every drill does: {@link judgeDrill} with the execution's start as the drill's
 * start. For an RDS drill the script only verifies (it starts once the scratch instance is up), so
 * its start is replaced by the execution's: the RTO then covers the snapshot restore too, which is
 * most of a real recovery.
 */
export function judgeRun(facts: DrillFacts, drill: Drill, drillStartedAt: Date): DrillOutcome {
  const measured =
    drill.target.kind === 'rds-snapshot' ? { ...facts, startedAt: drillStartedAt.toISOString() } : facts;
  return judgeDrill(measured, drill, { drillStartedAt: drillStartedAt.getTime() });
}

/** Reads what an execution showed. Pure. */
export function summarizeExecution(execution: DrillExecution, drill: Drill): DrillRun {
  const steps = execution.StepExecutions ?? [];
  const status = execution.AutomationExecutionStatus ?? 'Unknown';
  const startedAt = execution.ExecutionStartTime;

  let facts: DrillFacts | undefined;
  let factsError: string | undefined;
  let snapshot: string | undefined;
  const outputs = [...steps.map((s) => s.Outputs ?? {}), execution.Outputs ?? {}];
  for (const output of outputs) {
    for (const text of Object.values(output).flat()) {
      if (text.includes('VIGIL_DRILL_FACTS')) {
        try {
          facts = parseDrillFacts(text);
          factsError = undefined;
        } catch (error) {
          if (!facts) factsError = error instanceof Error ? error.message : String(error);
        }
      }
      snapshot ??= snapshotIn(text);
    }
  }
  if (!facts && !factsError) {
    // A Run Command step that ended without printing the facts (killed, or its output cut short).
    const ran = steps.find(
      (s) => s.Action === 'aws:runCommand' && s.StepStatus && s.StepStatus !== 'Pending',
    );
    if (ran?.Outputs?.Output) {
      try {
        facts = parseDrillFacts(ran.Outputs.Output.join('\n'));
      } catch (error) {
        factsError = error instanceof Error ? error.message : String(error);
      }
    }
  }

  // The RDS document's FindSnapshot step prints the identifier alone (lib/drills/documents/rds-snapshot.ts).
  const found = steps.find((s) => s.StepName === FIND_SNAPSHOT_STEP && s.StepStatus === 'Success');
  const printed = found?.Outputs?.Output?.[0]?.split('\n')[0]?.trim();
  if (!snapshot && printed && /^[\w:.-]{1,255}$/.test(printed)) snapshot = printed;

  const failed = (s: ExecutionStep) => ['Failed', 'TimedOut', 'Cancelled'].includes(s.StepStatus ?? '');
  const stepError = (s: ExecutionStep) => ({
    name: s.StepName ?? '(unnamed step)',
    error: oneLine(s.FailureMessage ?? s.StepStatus ?? 'failed'),
  });
  const isCleanup = (s: ExecutionStep) => (s.StepName ?? '').startsWith(CLEANUP_STEP_PREFIX);
  const firstFailed = steps.find((s) => failed(s) && !isCleanup(s));
  const cleanup = steps.find((s) => failed(s) && isCleanup(s));
  // No step says why (a timeout of the whole execution, a cancel): the execution's own message does.
  const failedStep = firstFailed
    ? stepError(firstFailed)
    : FAILED_STATUSES.has(status) && execution.FailureMessage
      ? { name: '(execution)', error: oneLine(execution.FailureMessage) }
      : undefined;
  const outcome = facts && startedAt ? judgeRun(facts, drill, startedAt) : undefined;
  const passed =
    (status === 'Success' || status === 'CompletedWithSuccess') && outcome?.ok === true && !cleanup;

  return {
    executionId: execution.AutomationExecutionId ?? '',
    status,
    ...(startedAt && { startedAt }),
    ...(execution.ExecutionEndTime && { endedAt: execution.ExecutionEndTime }),
    ...(facts && { facts }),
    ...(factsError && { factsError }),
    ...(outcome && { outcome }),
    ...(snapshot && { snapshot }),
    ...(failedStep && { failedStep }),
    ...(cleanup && { cleanupFailed: stepError(cleanup) }),
    passed,
  };
}

/** The snapshot a `newest-snapshot` answer names (`{"snapshot":"rds:..."}`), if `text` is one. */
function snapshotIn(text: string): string | undefined {
  if (!text.startsWith('{') || !text.includes('"snapshot"')) return undefined;
  try {
    const parsed = JSON.parse(text) as { snapshot?: unknown };
    return typeof parsed.snapshot === 'string' ? parsed.snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** The console page of an execution. */
export function executionLink(region: string, executionId: string): string {
  return `https://${region}.console.aws.amazon.com/systems-manager/automation/execution/${executionId}?region=${region}`;
}

/** One page, ready to publish (the pager's shape: the same message attributes reach subscribers). */
export interface DrillPage {
  /** `vigil/<project>/<service>/drill/<name>`. */
  readonly incidentKey: string;
  readonly severity: Severity;
  /** `ALARM` (failed, did not run), `OK` (passed: resolves the drill's incident), `DRILL` (game day notice). */
  readonly state: 'ALARM' | 'OK' | 'DRILL';
  readonly subject: string;
  readonly sms: string;
  readonly email: string;
}

/** Why a run failed, in a few words for the SMS: reason codes, the failing queries named. */
function shortWhy(run: DrillRun): string {
  const codes: string[] = [];
  for (const f of run.outcome?.failures ?? []) {
    if (f.code === 'below_minimum' || f.code === 'query_failed') {
      const query = run.facts?.queries.find((q) => f.message.startsWith(`${q.name} `));
      codes.push(query ? `${f.code} ${query.name}` : f.code);
    } else codes.push(f.code);
  }
  if (!run.outcome) {
    if (run.failedStep) codes.push(`step ${run.failedStep.name} failed`);
    else if (run.factsError) codes.push('no facts');
    else codes.push(`execution ${run.status}`);
  }
  if (run.cleanupFailed) codes.push('cleanup_failed');
  return [...new Set(codes)].join(', ');
}

function targetText(drill: Drill): string {
  const t = drill.target;
  switch (t.kind) {
    case 'rds-snapshot':
      return `RDS snapshot of ${t.sourceInstance}, restored into a scratch ${t.instanceClass}`;
    case 's3-dump':
      return `S3 dump s3://${t.bucket}/${t.prefix}${t.pattern ? ` (${t.pattern})` : ''}, restored on ${t.instance}`;
    case 'host-dump':
      return `host dump in ${t.directory}${t.pattern ? ` (${t.pattern})` : ''} on ${t.instance}`;
  }
}

/** `1 h` / `45 min`, as a target. */
function minutesText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** The RTO against its target: `4 min 12 s of 1 h` / `1 h 5 min, over 1 h` / `not measured`. */
export function rtoText(outcome: DrillOutcome | undefined, drill: Drill): string {
  const target = minutesText(drill.rtoMinutes);
  if (outcome?.rtoSeconds === undefined) return `not measured (target ${target}): the restore never verified`;
  return `${formatDuration(outcome.rtoSeconds)} (target ${target}): ${outcome.rtoOk ? 'met' : 'EXCEEDED'}`;
}

/** The RPO against its target, and what it was measured from. */
export function rpoText(outcome: DrillOutcome | undefined, drill: Drill): string {
  const target = `${drill.rpoHours} h`;
  if (outcome?.rpoSeconds === undefined) return `not measured (target ${target})`;
  const from = outcome.rpoFrom === 'data' ? 'newest data restored' : "dump's file name";
  return `${formatDuration(outcome.rpoSeconds)} (target ${target}, from the ${from}): ${outcome.rpoOk ? 'met' : 'EXCEEDED'}`;
}

/** The backup the run restored: the dump and its timestamp, or the snapshot. */
export function backupText(run: DrillRun): string {
  if (run.snapshot) return `snapshot ${run.snapshot}`;
  const dump = run.facts?.dump;
  if (!dump) return 'unknown (none was found or the run stopped before choosing one)';
  return run.facts?.dumpTimestamp ? `${dump} (taken ${time(new Date(run.facts.dumpTimestamp))})` : dump;
}

/** What a page about a run needs besides the run. */
export interface RunPageContext {
  readonly project: string;
  readonly drill: Drill;
  readonly link: string;
}

/** The page of a finished drill execution: PASSED (state OK) or FAILED (state ALARM). */
export function runPage(run: DrillRun, ctx: RunPageContext): DrillPage {
  const { drill } = ctx;
  const severity = drill.severity;
  const verdict = run.passed ? 'PASSED' : 'FAILED';
  const lead = `${severity} DRILL ${verdict} ${drill.name}: `;
  const tail = run.passed
    ? `RTO ${short(run.outcome?.rtoSeconds)}/${minutesText(drill.rtoMinutes)}, RPO ${short(run.outcome?.rpoSeconds)}/${drill.rpoHours} h`
    : shortWhy(run);

  const lines = [
    `${lead}${tail}`,
    '',
    `Drill: ${drill.name} (${targetText(drill)})`,
    `Service: ${drill.service}; backup monitor: ${drill.monitor}`,
    `Result: ${verdict}${run.passed ? '' : ` (execution ${run.status})`}`,
  ];
  if (!run.passed) {
    lines.push('', 'Why:');
    for (const f of run.outcome?.failures ?? []) lines.push(`- ${f.message}`);
    if (!run.outcome) {
      if (run.failedStep) {
        lines.push(
          `- step ${run.failedStep.name} failed before the restore was measured: ${run.failedStep.error}`,
        );
      }
      if (run.factsError) lines.push(`- the restore's facts could not be read: ${run.factsError}`);
      if (!run.failedStep && !run.factsError) lines.push(`- the execution ended ${run.status} without facts`);
    } else if (run.outcome.ok && run.failedStep) {
      lines.push(`- step ${run.failedStep.name} failed: ${run.failedStep.error}`);
    }
    if (run.cleanupFailed) {
      lines.push(
        `- cleanup failed: step ${run.cleanupFailed.name}: ${run.cleanupFailed.error}; look for a leftover scratch ${drill.target.kind === 'rds-snapshot' ? 'instance vigil-drill-*' : 'database vigil_drill_*'} and remove it`,
      );
    }
  }
  lines.push(
    '',
    `RTO: ${rtoText(run.outcome, drill)}`,
    `RPO: ${rpoText(run.outcome, drill)}`,
    `Backup: ${backupText(run)}`,
  );
  lines.push('', 'Verification:');
  const queries = run.facts?.queries ?? [];
  if (queries.length === 0) lines.push('- none ran');
  for (const q of queries) {
    const result =
      q.value === null ? `FAILED (${q.error ?? 'no value'})` : q.value < q.min ? 'BELOW MINIMUM' : 'ok';
    lines.push(`- ${q.name}: ${q.value ?? 'no value'} (minimum ${q.min}) ${result}`);
  }
  if (run.facts?.newestData) lines.push(`- newest data: ${time(new Date(run.facts.newestData))}`);
  if (run.facts && drill.target.kind !== 'rds-snapshot') {
    lines.push(
      `Scratch database: ${run.facts.database}, ${run.facts.dropped === false ? 'NOT dropped: drop it by hand' : 'dropped'}`,
    );
  }
  lines.push(
    '',
    `Started: ${run.startedAt ? time(run.startedAt) : 'unknown'}${run.endedAt ? `, ended ${time(run.endedAt)}` : ''}`,
    `Execution: ${ctx.link}`,
    `Runbook: ${drill.runbook ?? `none linked (add runbook to drill ${drill.name} in vigil.config.ts)`}`,
    `Incident key: ${drillIncidentKey(ctx.project, drill)}`,
  );
  return page(ctx.project, drill, run.passed ? 'OK' : 'ALARM', lead, tail, lines);
}

/** The "did not run" page: the drill was due and no execution started. */
export function didNotRunPage(
  drill: Drill,
  ctx: { readonly project: string; readonly dueAt: Date; readonly now: Date; readonly historyLink: string },
): DrillPage {
  const lead = `${drill.severity} DRILL DID NOT RUN ${drill.name}: `;
  const tail = `due ${time(ctx.dueAt)}`;
  const lines = [
    `${lead}${tail}`,
    '',
    `Drill: ${drill.name} (${targetText(drill)})`,
    `Service: ${drill.service}; backup monitor: ${drill.monitor}`,
    `Due: ${time(ctx.dueAt)} (${drill.schedule} in ${drill.timeZone}); no execution started since, ${formatDuration((ctx.now.getTime() - ctx.dueAt.getTime()) / 1000)} later`,
    '',
    'Nobody knows whether the backup restores until it runs. Check the schedule (disabled? its role?), then',
    `run it by hand: vigil drill run ${drill.name}`,
    '',
    `Executions: ${ctx.historyLink}`,
    `Runbook: ${drill.runbook ?? `none linked (add runbook to drill ${drill.name} in vigil.config.ts)`}`,
    `Incident key: ${drillIncidentKey(ctx.project, drill)}`,
  ];
  return page(ctx.project, drill, 'ALARM', lead, tail, lines);
}

/** The game day notice: the alarm was set to ALARM, its pages say DRILL, its remediation runs dry. */
export function gameDayPage(
  drill: Drill,
  ctx: { readonly project: string; readonly alarm: string; readonly now: Date },
): DrillPage {
  const lead = `${drill.severity} GAME DAY ${drill.service}: `;
  const tail = `${ctx.alarm} set to ALARM, a drill`;
  const lines = [
    `${lead}${tail}`,
    '',
    `Game day of drill ${drill.name}: at ${time(ctx.now)} Vigil set alarm ${ctx.alarm} to ALARM with the reason "[DRILL] game day ${drill.name}".`,
    'Expect its page marked DRILL and its remediation to run in dry run (no action taken, verification still runs).',
    'Nothing is broken. If no DRILL page follows within minutes, the paging path is broken: check the pager function and the topic subscriptions.',
    'The alarm returns to its real state at its next evaluation.',
    '',
    `Incident key: ${drillIncidentKey(ctx.project, drill)}`,
  ];
  return page(ctx.project, drill, 'DRILL', lead, tail, lines);
}

function page(
  project: string,
  drill: Drill,
  state: DrillPage['state'],
  lead: string,
  tail: string,
  lines: readonly string[],
): DrillPage {
  return {
    incidentKey: drillIncidentKey(project, drill),
    severity: drill.severity,
    state,
    subject: asciiLine(`${lead}${tail}`, SUBJECT_MAX),
    sms: asciiLine(`${lead}${tail}`, SMS_MAX),
    email: `${lines.join('\n')}\n`,
  };
}

// ---------------------------------------------------------------------------------------------
// vigil drill history
// ---------------------------------------------------------------------------------------------

/** One row of `vigil drill history`. */
export interface HistoryRow {
  readonly date: string;
  readonly result: string;
  readonly rto: string;
  readonly rpo: string;
  readonly backup: string;
  readonly link: string;
}

/** The rows of `vigil drill history`, newest first. Pure. */
export function historyRows(
  runs: readonly DrillRun[],
  drill: Drill,
  link: (executionId: string) => string,
): HistoryRow[] {
  return [...runs]
    .sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0))
    .map((run) => ({
      date: run.startedAt ? time(run.startedAt) : 'unknown',
      result: !TERMINAL_STATUSES.has(run.status)
        ? run.status
        : run.passed
          ? 'PASSED'
          : `FAILED (${shortWhy(run)})`,
      rto: `${short(run.outcome?.rtoSeconds)} / ${minutesText(drill.rtoMinutes)}${run.outcome?.rtoSeconds !== undefined && !run.outcome.rtoOk ? ' !' : ''}`,
      rpo: `${short(run.outcome?.rpoSeconds)} / ${drill.rpoHours} h${run.outcome?.rpoSeconds !== undefined && !run.outcome.rpoOk ? ' !' : ''}`,
      backup: run.snapshot ?? baseName(run.facts?.dump) ?? '-',
      link: link(run.executionId),
    }));
}

function baseName(path: string | undefined): string | undefined {
  return path?.split('/').at(-1);
}

// ---------------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------------

/** `4m12s`, `3h5m`, `2d1h`, `-` when not measured: a table cell or an SMS. */
export function short(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ''}`;
}

/** `2026-12-06 03:00 UTC`. */
export function time(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * One printable-ASCII line of at most `max` characters: an SMS with one non-GSM character is sent
 * as UCS-2, 70 characters a part instead of 140.
 */
function asciiLine(text: string, max: number): string {
  const line = oneLine(text).replace(/[^\x20-\x7e]/g, '?');
  return line.length <= max ? line : `${line.slice(0, max - 3)}...`;
}
