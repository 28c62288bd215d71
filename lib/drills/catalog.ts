/**
 * What the drill Lambda (lambdas/drill/) and `vigil drill` need to know about the deployed drills,
 * derived from the config at synth and shipped beside the Lambda bundle as `vigil-drills.json`
 * (like the pager's catalog): every resolved drill, the Automation document of each drill kind, the
 * exact parameters a drill's executions are started with, and for game-day drills the alarm that
 * is set to ALARM. The function then needs no config at run time.
 *
 * {@link drillExecutionRequest} is the one place that says how a drill execution is started: the
 * EventBridge Scheduler schedules (lib/constructs/dr-drills.ts) and `vigil drill run` both use it, so
 * a drill started by hand is found by the same history queries as a scheduled one.
 */
import * as z from 'zod/mini';
import type { VigilConfig } from '../config/index.ts';
import {
  drillDocumentName,
  EXECUTION_DRILL_TAG,
  executionTargetTagKey,
  groupedServiceAlarmName,
  incidentKey,
  monitorAlarmName,
} from '../naming.ts';
import { isGroupedTierService } from '../paging/catalog.ts';
import type { Drill, DrillTarget } from './model.ts';

/** The catalog's file name beside the drill function's bundle (`/var/task/vigil-drills.json`). */
export const DRILL_CATALOG_FILE = 'vigil-drills.json';

/** The one dimension of the drill metrics: the drill's name. */
export const DRILL_DIMENSION = 'Drill';

/** Metrics the drill function publishes (namespace `Vigil`, dimension {@link DRILL_DIMENSION}). */
export const DrillMetricNames = {
  /** 1 when a drill execution passed, 0 when it failed, once per finished execution. */
  succeeded: 'DrillSucceeded',
  /** Restore start to verified, seconds, when measured. */
  rtoSeconds: 'DrillRtoSeconds',
  /** Drill start minus the newest data restored, seconds, when measured. */
  rpoSeconds: 'DrillRpoSeconds',
  /**
   * Every sweep, every drill: 1 when this sweep found the drill's due time passed (plus the grace)
   * with no execution started, else 0. An alarm on it with missing data breaching also catches a
   * sweep that stopped running.
   */
  overdue: 'DrillOverdue',
} as const;

/** The kinds of drill, each with its own Automation document. */
export const DRILL_KINDS = ['rds-snapshot', 's3-dump', 'host-dump'] as const;
export type DrillKind = DrillTarget['kind'];

/** Parameters of an Automation execution, as StartAutomationExecution takes them. */
export type ExecutionParameters = Readonly<Record<string, readonly string[]>>;

const severity = z.enum(['P1', 'P2', 'P3', 'P4']);
const kind = z.enum(DRILL_KINDS);

/**
 * A resolved drill as JSON. The target is checked for its kind and the fields the Lambda reads; the
 * rest of it passes through (the documents, not the Lambda, use it).
 */
const drillSchema = z.looseObject({
  name: z.string(),
  monitor: z.string(),
  service: z.string(),
  target: z.looseObject({ kind }),
  queries: z.array(z.object({ name: z.string(), sql: z.string(), min: z.number() })),
  freshnessSql: z.optional(z.string()),
  rtoMinutes: z.number(),
  rpoHours: z.number(),
  schedule: z.string(),
  timeZone: z.string(),
  severity,
  runbook: z.optional(z.string()),
  gameDay: z.boolean(),
});

/** The catalog as JSON (`vigil-drills.json`). */
export const drillCatalogSchema = z.object({
  project: z.string(),
  /** Every drill by name. */
  drills: z.record(z.string(), drillSchema),
  /** The Automation document of each drill kind in use. */
  documents: z.partialRecord(kind, z.string()),
  /** Per drill: the parameters its executions are started with (see {@link drillExecutionRequest}). */
  parameters: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
  /** Per game-day drill: the alarm set to ALARM with a `[DRILL]` reason. */
  gameDayAlarms: z.record(z.string(), z.string()),
});

/** The drill catalog. */
export interface DrillCatalog {
  readonly project: string;
  readonly drills: Readonly<Record<string, Drill>>;
  readonly documents: Readonly<Partial<Record<DrillKind, string>>>;
  readonly parameters: Readonly<Record<string, ExecutionParameters>>;
  readonly gameDayAlarms: Readonly<Record<string, string>>;
}

/**
 * The target id of a drill's executions (`drill/<name>`): its tag key,
 * `executionTargetTagKey(drillTargetId(name))`, is what the "did not run" sweep and `vigil drill
 * history` filter SSM's history on (DescribeAutomationExecutions filters on tag keys, not values).
 */
export function drillTargetId(name: string): string {
  return `drill/${name}`;
}

/** The name of the document parameter that names the drill (lib/drills/documents/common.ts). */
export const DRILL_PARAMETER_NAME = 'Drill';

/**
 * Seconds Run Command gives a dump restore: the script's own deadline (2 x RTO) plus 5 minutes for
 * it to drop the scratch database before the agent kills it.
 */
export function restoreExecutionTimeout(drill: Pick<Drill, 'rtoMinutes'>): number {
  return 2 * drill.rtoMinutes * 60 + 300;
}

/**
 * The parameters a drill's executions are started with, as the drill documents
 * (lib/drills/documents/) declare them: `Drill` (selects the drill's environment in Parameter
 * Store; the judge step sends it to the drill function and the report reads it back), then what the
 * document acts on, so its role can name it:
 * - `s3-dump` and `host-dump`: `InstanceId` (the host that restores) and `ExecutionTimeout`;
 * - `rds-snapshot`: `SourceInstance`, `InstanceClass`, `SubnetGroup`, `SecurityGroups` (a list),
 *   `VerifyInstance`.
 */
export function drillParameters(drill: Drill): ExecutionParameters {
  const t = drill.target;
  switch (t.kind) {
    case 'rds-snapshot':
      return {
        [DRILL_PARAMETER_NAME]: [drill.name],
        SourceInstance: [t.sourceInstance],
        InstanceClass: [t.instanceClass],
        SubnetGroup: [t.subnetGroup],
        SecurityGroups: [...t.securityGroups],
        VerifyInstance: [t.verifyInstance],
      };
    case 's3-dump':
    case 'host-dump':
      return {
        [DRILL_PARAMETER_NAME]: [drill.name],
        InstanceId: [t.instance],
        ExecutionTimeout: [String(restoreExecutionTimeout(drill))],
      };
  }
}

/**
 * The alarm a game day sets to ALARM for a drill's service: the alarm of the service's first
 * remediation (so the remediator runs its ladder in dry run), else the drilled backup monitor's own
 * alarm (its service composite then pages), else, for a grouped-tier service, its one alarm.
 */
export function gameDayAlarm(config: VigilConfig, drill: Drill): string {
  const remediation = config.remediations.find((r) => r.service === drill.service);
  if (remediation) return remediation.alarmName;
  if (isGroupedTierService(config, drill.service))
    return groupedServiceAlarmName(config.project, drill.service);
  return monitorAlarmName(config.project, drill.monitor);
}

/** Builds the catalog of a config's drills. Pure. */
export function buildDrillCatalog(config: VigilConfig): DrillCatalog {
  const drills: Record<string, Drill> = {};
  const documents: Partial<Record<DrillKind, string>> = {};
  const parameters: Record<string, ExecutionParameters> = {};
  const gameDayAlarms: Record<string, string> = {};
  for (const drill of config.drills) {
    drills[drill.name] = drill;
    documents[drill.target.kind] = drillDocumentName(config.project, drill.target.kind);
    parameters[drill.name] = drillParameters(drill);
    if (drill.gameDay) gameDayAlarms[drill.name] = gameDayAlarm(config, drill);
  }
  return { project: config.project, drills, documents, parameters, gameDayAlarms };
}

/** What StartAutomationExecution is called with to run a drill. */
export interface DrillExecutionRequest {
  readonly DocumentName: string;
  readonly Parameters: Record<string, string[]>;
  /** `vigil:drill-name` = the drill, and the drill's target tag key (value: the drill, too). */
  readonly Tags: { Key: string; Value: string }[];
}

/**
 * How a drill's execution is started, by the schedule and by `vigil drill run` alike. Throws when
 * the catalog has no such drill.
 */
export function drillExecutionRequest(catalog: DrillCatalog, name: string): DrillExecutionRequest {
  const drill = catalog.drills[name];
  if (!drill)
    throw new Error(`no drill "${name}" in the catalog; drills: ${Object.keys(catalog.drills).join(', ')}`);
  const parameters = catalog.parameters[name] ?? drillParameters(drill);
  return {
    DocumentName:
      catalog.documents[drill.target.kind] ?? drillDocumentName(catalog.project, drill.target.kind),
    Parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [...v]])),
    Tags: [
      { Key: EXECUTION_DRILL_TAG, Value: name },
      { Key: executionTargetTagKey(drillTargetId(name)), Value: name },
    ],
  };
}

/** The prefix of every drill document of a project: DescribeAutomationExecutions' `DocumentNamePrefix`. */
export function drillDocumentPrefix(project: string): string {
  return drillDocumentName(project, '');
}

/**
 * The incident key of a drill's pages, `vigil/<project>/<service>/drill/<name>`: its own, not the
 * service's, so a failed drill stays open until a drill passes (the pass resolves it), however the
 * live service does meanwhile; and a live recovery never resolves a drill failure.
 */
export function drillIncidentKey(project: string, drill: Pick<Drill, 'name' | 'service'>): string {
  return `${incidentKey(project, drill.service)}/drill/${drill.name}`;
}

/** Thrown when the catalog is missing or malformed: a build problem, named with its fix. */
export class DrillCatalogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DrillCatalogError';
  }
}

/** Parses the catalog's JSON; throws a {@link DrillCatalogError} naming the fix. */
export function parseDrillCatalog(json: string | undefined, source = 'VIGIL_DRILLS'): DrillCatalog {
  if (!json) {
    throw new DrillCatalogError(
      `${source} is empty: set it to JSON.stringify(buildDrillCatalog(config)), or ship ${DRILL_CATALOG_FILE} beside the bundle`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new DrillCatalogError(
      `${source} is not JSON: write it as JSON.stringify(buildDrillCatalog(config))`,
      {
        cause,
      },
    );
  }
  const parsed = drillCatalogSchema.safeParse(data);
  if (!parsed.success) {
    throw new DrillCatalogError(
      `${source} does not match the drill catalog:\n${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  // The target's other fields pass through unchecked (see drillSchema); the build wrote them.
  return parsed.data as unknown as DrillCatalog;
}
