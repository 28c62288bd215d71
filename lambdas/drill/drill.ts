/**
 * The drill function's work for each event, with its clients, environment, catalog, clock, logger
 * and metrics passed in:
 * - judge: the restore script's facts from the Run Command output, judged against the drill's RTO
 *   and RPO; a compact verdict back to the document, which fails the execution when it is not ok;
 * - newest-snapshot: the newest `available` snapshot of an RDS instance, for the RDS document;
 * - an execution of a drill document ended: its report paged at the drill's severity on the drill's
 *   incident key, PASSED (state OK, which resolves an earlier failure) or FAILED, and the metrics
 *   `DrillSucceeded`, `DrillRtoSeconds`, `DrillRpoSeconds` under `{ Drill }`. Published here, once per
 *   finished execution, rather than by judge: a drill whose restore fails never reaches judge and
 *   must still count as a failed drill;
 * - sweep: "did not run" (./sweep.ts): a page per missed drill and `DrillOverdue` per drill;
 * - game-day: the service's alarm set to ALARM with a `[DRILL]` reason, and a notice paged.
 *
 * Publishing a page is not best-effort: a page that cannot be published fails the invocation, so
 * Lambda retries it (asynchronous invocations) or the document's step fails (judge is synchronous).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DRILL_DIMENSION,
  DRILL_PARAMETER_NAME,
  type DrillCatalog,
  DrillMetricNames,
  drillDocumentPrefix,
  drillTargetId,
} from '../../lib/drills/catalog.ts';
import { DrillFactsError, parseDrillFacts } from '../../lib/drills/facts.ts';
import type { DrillOutcome } from '../../lib/drills/judge.ts';
import type { Drill } from '../../lib/drills/model.ts';
import {
  type DrillPage,
  type DrillRun,
  didNotRunPage,
  executionLink,
  gameDayPage,
  judgeRun,
  runPage,
  summarizeExecution,
  TERMINAL_STATUSES,
} from '../../lib/drills/report.ts';
import { executionTargetTagKey } from '../../lib/naming.ts';
import type { AwsClients } from '../shared/aws.ts';
import { publishPage } from '../shared/publish-page.ts';
import type { DrillEnv } from './env.ts';
import {
  type AutomationStatusEvent,
  type DrillEvent,
  type JudgeEvent,
  parseExecutionTime,
  type SweepEvent,
} from './events.ts';
import { DEFAULT_SWEEP_HOURS, dueInWindow, type StartedRun, sweepVerdict, sweepWindow } from './sweep.ts';

/** Everything the drill function uses from outside. */
export interface DrillDeps {
  readonly aws: Pick<AwsClients, 'ssm' | 'rds' | 'sns' | 'cloudwatch'>;
  readonly env: DrillEnv;
  readonly catalog: () => DrillCatalog;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: Pick<Metrics, 'addDimension' | 'addMetric' | 'publishStoredMetrics'>;
}

/** The judge step's answer: compact JSON the document branches on (`$.ok`). */
export interface JudgeAnswer {
  readonly ok: boolean;
  /** Failure codes (`below_minimum`, `rto_exceeded`...); the report has the sentences. */
  readonly failures: readonly string[];
  readonly rtoSeconds?: number;
  readonly rpoSeconds?: number;
}

/** A page as published. */
export interface PublishedDrillPage extends DrillPage {
  readonly topicArn: string;
}

/** What an invocation returns (besides judge and newest-snapshot, which answer the document). */
export interface DrillResult {
  readonly published: readonly PublishedDrillPage[];
  readonly skipped?: string;
}

/** One or more pages could not be published; `cause` holds each error. */
export class DrillPageError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'DrillPageError';
  }
}

/** Runs the drill function for a parsed event. */
export async function runDrillEvent(
  event: DrillEvent,
  deps: DrillDeps,
): Promise<JudgeAnswer | { snapshot: string; takenAt?: string } | DrillResult> {
  if ('detail' in event) return onExecutionEnded(event, deps);
  switch (event.op) {
    case 'judge':
      return judge(event, deps);
    case 'newest-snapshot':
      return newestSnapshot(event.instance, deps);
    case 'sweep':
      return sweep(event, deps);
    case 'game-day':
      return gameDay(event.drill, deps);
  }
}

function drillOf(catalog: DrillCatalog, name: string): Drill {
  const drill = catalog.drills[name];
  if (!drill) {
    throw new Error(
      `no drill "${name}" in the drill catalog (${Object.keys(catalog.drills).join(', ') || 'none'})`,
    );
  }
  return drill;
}

// ---------------------------------------------------------------------------------------------
// judge
// ---------------------------------------------------------------------------------------------

async function judge(event: JudgeEvent, deps: DrillDeps): Promise<JudgeAnswer> {
  const drill = drillOf(deps.catalog(), event.drill);
  const startedAt = await executionStart(event, deps);
  let outcome: DrillOutcome;
  try {
    outcome = judgeRun(parseDrillFacts(event.output), drill, startedAt);
  } catch (error) {
    if (!(error instanceof DrillFactsError)) throw error;
    // No facts is a failed drill, not a broken function: the document must take its failure path.
    deps.logger.warn('drill output holds no facts', { drill: drill.name, error: error.message });
    return { ok: false, failures: ['no_facts'] };
  }
  deps.logger.info('drill judged', {
    drill: drill.name,
    executionId: event.executionId,
    ok: outcome.ok,
    failures: outcome.failures.map((f) => f.message),
  });
  // Compact: the step's output is read by a branch, and the report re-reads the facts itself.
  return {
    ok: outcome.ok,
    failures: [...new Set(outcome.failures.map((f) => f.code))],
    ...(outcome.rtoSeconds !== undefined && { rtoSeconds: Math.round(outcome.rtoSeconds) }),
    ...(outcome.rpoSeconds !== undefined && { rpoSeconds: Math.round(outcome.rpoSeconds) }),
  };
}

/** The drill's start, for the RPO: as the payload gives it, else the execution's own (GetAutomationExecution). */
async function executionStart(event: JudgeEvent, deps: DrillDeps): Promise<Date> {
  if (event.executionStartedAt !== undefined) return parseExecutionTime(event.executionStartedAt);
  const { sdk, client } = await deps.aws.ssm();
  const out = await client.send(
    new sdk.GetAutomationExecutionCommand({ AutomationExecutionId: event.executionId }),
  );
  const started = out.AutomationExecution?.ExecutionStartTime;
  if (!started) throw new Error(`execution ${event.executionId} has no start time`);
  return started;
}

// ---------------------------------------------------------------------------------------------
// newest-snapshot
// ---------------------------------------------------------------------------------------------

/**
 * The newest `available` snapshot of `instance`, automated or manual, by the time its data was taken
 * (OriginalSnapshotCreateTime for a copy, as the backup monitor ages it). Throws when there is none:
 * the document's step fails and the drill reports why.
 */
async function newestSnapshot(
  instance: string,
  deps: DrillDeps,
): Promise<{ snapshot: string; takenAt?: string }> {
  const { sdk, client } = await deps.aws.rds();
  let newest: { id: string; at: number } | undefined;
  let seen = 0;
  let Marker: string | undefined;
  do {
    const page = await client.send(
      new sdk.DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, ...(Marker && { Marker }) }),
    );
    for (const s of page.DBSnapshots ?? []) {
      seen += 1;
      const at = (s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime)?.getTime();
      if (s.Status !== 'available' || !s.DBSnapshotIdentifier || at === undefined) continue;
      if (!newest || at > newest.at) newest = { id: s.DBSnapshotIdentifier, at };
    }
    Marker = page.Marker || undefined;
  } while (Marker);
  if (!newest) {
    throw new Error(
      `no available snapshot of RDS instance ${instance} (${seen} listed): nothing to restore; check the instance's automated backups`,
    );
  }
  deps.logger.info('newest snapshot', { instance, snapshot: newest.id });
  return { snapshot: newest.id, takenAt: new Date(newest.at).toISOString() };
}

// ---------------------------------------------------------------------------------------------
// An execution ended: report, page, metrics
// ---------------------------------------------------------------------------------------------

async function onExecutionEnded(event: AutomationStatusEvent, deps: DrillDeps): Promise<DrillResult> {
  const catalog = deps.catalog();
  const { ExecutionId, Definition, Status } = event.detail;
  if (!Definition.startsWith(drillDocumentPrefix(catalog.project))) {
    return { published: [], skipped: `${Definition} is not a drill document of ${catalog.project}` };
  }
  if (!TERMINAL_STATUSES.has(Status)) return { published: [], skipped: `status ${Status} has not ended` };

  const { sdk, client } = await deps.aws.ssm();
  const out = await client.send(
    new sdk.GetAutomationExecutionCommand({ AutomationExecutionId: ExecutionId }),
  );
  const execution = out.AutomationExecution;
  const name = execution?.Parameters?.[DRILL_PARAMETER_NAME]?.[0];
  const drill = name ? catalog.drills[name] : undefined;
  if (!execution || !drill) {
    deps.logger.warn('drill execution of no known drill', { executionId: ExecutionId, drill: name });
    return {
      published: [],
      skipped: `execution ${ExecutionId} names no drill of the catalog (${name ?? `no ${DRILL_PARAMETER_NAME} parameter`})`,
    };
  }
  const run = summarizeExecution(execution, drill);
  recordRun(drill, run, deps);
  const page = runPage(run, {
    project: catalog.project,
    drill,
    link: executionLink(deps.env.region(), ExecutionId),
  });
  return { published: [await publish(page, deps)] };
}

function recordRun(drill: Drill, run: DrillRun, deps: DrillDeps): void {
  const { metrics } = deps;
  metrics.addDimension(DRILL_DIMENSION, drill.name);
  metrics.addMetric(DrillMetricNames.succeeded, MetricUnit.Count, run.passed ? 1 : 0);
  if (run.outcome?.rtoSeconds !== undefined) {
    metrics.addMetric(DrillMetricNames.rtoSeconds, MetricUnit.Seconds, run.outcome.rtoSeconds);
  }
  if (run.outcome?.rpoSeconds !== undefined) {
    metrics.addMetric(DrillMetricNames.rpoSeconds, MetricUnit.Seconds, run.outcome.rpoSeconds);
  }
  metrics.publishStoredMetrics();
}

// ---------------------------------------------------------------------------------------------
// sweep: did not run
// ---------------------------------------------------------------------------------------------

async function sweep(event: SweepEvent, deps: DrillDeps): Promise<DrillResult> {
  const catalog = deps.catalog();
  const now = deps.now();
  const window = sweepWindow(now, event.everyHours ?? DEFAULT_SWEEP_HOURS);
  const published: PublishedDrillPage[] = [];
  const errors: unknown[] = [];
  for (const drill of Object.values(catalog.drills)) {
    try {
      const dueAt = dueInWindow(drill, window);
      const runs = dueAt ? await runsSince(catalog.project, drill.name, dueAt, deps) : [];
      const verdict = sweepVerdict(dueAt, runs);
      deps.metrics.addDimension(DRILL_DIMENSION, drill.name);
      deps.metrics.addMetric(DrillMetricNames.overdue, MetricUnit.Count, verdict.kind === 'missed' ? 1 : 0);
      deps.metrics.publishStoredMetrics();
      if (verdict.kind === 'ran' && verdict.lateBy > 0) {
        deps.logger.info('drill ran', {
          drill: drill.name,
          dueAt: verdict.dueAt,
          executionId: verdict.run.executionId,
          lateBySeconds: verdict.lateBy / 1000,
        });
      }
      if (verdict.kind !== 'missed') continue;
      const region = deps.env.region();
      published.push(
        await publish(
          didNotRunPage(drill, {
            project: catalog.project,
            dueAt: verdict.dueAt,
            now,
            historyLink: `https://${region}.console.aws.amazon.com/systems-manager/automation/executions?region=${region}`,
          }),
          deps,
        ),
      );
    } catch (error) {
      deps.logger.error('drill not swept', { drill: drill.name, error: message(error) });
      errors.push(error);
    }
  }
  if (errors.length > 0) {
    throw new DrillPageError(`${errors.length} drill(s) could not be swept`, { cause: errors });
  }
  return { published };
}

/** Executions of a drill started at or after `since` (SSM's history, filtered by the drill's tag key). */
async function runsSince(
  project: string,
  drill: string,
  since: Date,
  deps: DrillDeps,
): Promise<StartedRun[]> {
  const { sdk, client } = await deps.aws.ssm();
  const runs: StartedRun[] = [];
  let NextToken: string | undefined;
  do {
    const out = await client.send(
      new sdk.DescribeAutomationExecutionsCommand({
        Filters: [
          { Key: 'DocumentNamePrefix', Values: [drillDocumentPrefix(project)] },
          { Key: 'TagKey', Values: [executionTargetTagKey(drillTargetId(drill))] },
          { Key: 'StartTimeAfter', Values: [since.toISOString().replace(/\.\d{3}Z$/, 'Z')] },
        ],
        MaxResults: 50,
        ...(NextToken && { NextToken }),
      }),
    );
    for (const e of out.AutomationExecutionMetadataList ?? []) {
      if (e.ExecutionStartTime) {
        runs.push({ executionId: e.AutomationExecutionId ?? '', startedAt: e.ExecutionStartTime });
      }
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return runs;
}

// ---------------------------------------------------------------------------------------------
// game day
// ---------------------------------------------------------------------------------------------

/** The reason a game day sets: `[DRILL]` makes the pager mark its pages DRILL and the remediator run dry. */
export function gameDayReason(drill: string): string {
  return `[DRILL] game day ${drill}`;
}

async function gameDay(name: string, deps: DrillDeps): Promise<DrillResult> {
  const catalog = deps.catalog();
  const drill = drillOf(catalog, name);
  const alarm = catalog.gameDayAlarms[name];
  if (!drill.gameDay || !alarm) {
    throw new Error(`drill "${name}" has no game day: set gameDay: true on it in vigil.config.ts`);
  }
  const { sdk, client } = await deps.aws.cloudwatch();
  await client.send(
    new sdk.SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: gameDayReason(name) }),
  );
  deps.logger.info('game day: alarm set to ALARM', { drill: name, alarm });
  return {
    published: [
      await publish(gameDayPage(drill, { project: catalog.project, alarm, now: deps.now() }), deps),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------------------------

async function publish(page: DrillPage, deps: DrillDeps): Promise<PublishedDrillPage> {
  const topicArn = deps.env.notifyTopic(page.severity);
  await publishPage(deps.aws.sns, topicArn, page);
  deps.logger.info('drill page published', { incidentKey: page.incidentKey, state: page.state, topicArn });
  return { ...page, topicArn };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
