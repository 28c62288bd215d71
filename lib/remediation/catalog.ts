/**
 * The remediator's catalog: every remediation of the config, by the alarm whose change to ALARM
 * starts it, and the SSM Automation document of each action kind used. Built at synth from the
 * resolved config and shipped as `vigil-remediations.json` beside the remediator's bundle (like the
 * pager's `vigil-catalog.json`), so the Lambda reads no config at run time. The same zod schema
 * parses it at the Lambda's edge, so the two ends cannot drift apart.
 *
 * Also here: the words for a rung and a ladder ("restart compose app on i-0abc, then roll back to
 * the previous release; cooldown 15 min, 3 runs a day"), shared by the pages, the pager's email
 * remediation line and `vigil remediate`.
 */
import * as z from 'zod/mini';
import { secretRefSchema, severitySchema } from '../config/monitor-schema.ts';
import { remediationDocumentName } from '../naming.ts';
import {
  isRollback,
  REMEDIATION_ACTIONS,
  type Remediation,
  type RemediationActionKind,
  type RemediationStep,
} from './model.ts';

/** The catalog's file name beside the remediator's bundle (`/var/task/vigil-remediations.json`). */
export const REMEDIATION_CATALOG_FILE = 'vigil-remediations.json';

const instances = z.array(z.string()).check(z.minLength(1));
const compose = z.enum(['v2', 'v1']);
const imageTagRelease = z.object({
  kind: z.literal('image-tag'),
  releaseLog: z.string(),
  envFile: z.optional(z.string()),
  variable: z.optional(z.string()),
});
const releaseSource = z.union([
  z.object({ kind: z.literal('git'), ref: z.enum(['tag', 'commit']) }),
  imageTagRelease,
]);

/** One rung of a ladder, as {@link RemediationStep}. */
export const remediationStepSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ecs-restart'), cluster: z.string(), service: z.string() }),
  z.object({
    action: z.literal('ecs-rollback'),
    cluster: z.string(),
    service: z.string(),
    taskDefinition: z.optional(z.string()),
  }),
  z.object({ action: z.literal('lambda-rollback'), functionName: z.string(), alias: z.string() }),
  z.object({ action: z.literal('ec2-reboot'), instances }),
  z.object({
    action: z.literal('compose-restart'),
    instances,
    directory: z.string(),
    services: z.array(z.string()),
    compose,
    healthyTimeoutSeconds: z.number(),
  }),
  z.object({
    action: z.literal('compose-rollback'),
    instances,
    directory: z.string(),
    services: z.array(z.string()),
    compose,
    healthyTimeoutSeconds: z.number(),
    release: releaseSource,
  }),
  z.object({ action: z.literal('container-restart'), instances, container: z.string() }),
  z.object({
    action: z.literal('container-rollback'),
    instances,
    container: z.string(),
    image: z.string(),
    runArgs: z.string(),
    release: imageTagRelease,
  }),
  z.object({
    action: z.literal('webhook'),
    url: z.string(),
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']),
    body: z.optional(z.string()),
    token: z.optional(secretRefSchema),
    expectStatus: z.array(z.number()),
    rollback: z.boolean(),
  }),
]);

/** A {@link Remediation}, as the catalog carries it. */
export const remediationSchema = z.object({
  monitor: z.string(),
  service: z.string(),
  alarmName: z.string(),
  aspect: z.optional(z.string()),
  severity: severitySchema,
  runbook: z.optional(z.string()),
  steps: z.array(remediationStepSchema).check(z.minLength(1)),
  dryRun: z.boolean(),
  cooldownMinutes: z.number(),
  maxRunsPerDay: z.number(),
  settleSeconds: z.number(),
  recentDeployMinutes: z.number(),
});

/** The catalog as JSON. */
export const remediationCatalogSchema = z.object({
  project: z.string(),
  /** The document of each action kind the ladders use: `vigil-<project>-remediate-<kind>`. */
  documents: z.partialRecord(z.enum(REMEDIATION_ACTIONS), z.string()),
  /** Remediations by the name of the alarm that starts them. */
  remediations: z.record(z.string(), remediationSchema),
});

/** What the remediator knows of the config. */
export interface RemediationCatalog {
  readonly project: string;
  readonly documents: Readonly<Partial<Record<RemediationActionKind, string>>>;
  readonly remediations: Readonly<Record<string, Remediation>>;
}

/** Two remediations on one alarm, or a malformed catalog file. */
export class RemediationCatalogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemediationCatalogError';
  }
}

/**
 * Builds the catalog of a project's remediations. Pure. Throws a {@link RemediationCatalogError}
 * when two remediations name the same alarm (the config refuses that first; this keeps a catalog
 * from silently dropping one).
 */
export function buildRemediationCatalog(
  project: string,
  remediations: readonly Remediation[],
): RemediationCatalog {
  const byAlarm: Record<string, Remediation> = {};
  const documents: Partial<Record<RemediationActionKind, string>> = {};
  for (const remediation of remediations) {
    const other = byAlarm[remediation.alarmName];
    if (other) {
      throw new RemediationCatalogError(
        `alarm ${remediation.alarmName} has two remediations (monitors ${other.monitor} and ${remediation.monitor}); give it one ladder`,
      );
    }
    byAlarm[remediation.alarmName] = remediation;
    for (const step of remediation.steps) {
      documents[step.action] = remediationDocumentName(project, step.action);
    }
  }
  return { project, documents, remediations: byAlarm };
}

/** Parses the catalog JSON; throws a {@link RemediationCatalogError} naming what is wrong. */
export function parseRemediationCatalog(json: string): RemediationCatalog {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new RemediationCatalogError(
      `${REMEDIATION_CATALOG_FILE} is not JSON: write it as JSON.stringify(buildRemediationCatalog(...))`,
      { cause },
    );
  }
  const parsed = remediationCatalogSchema.safeParse(data);
  if (!parsed.success) {
    throw new RemediationCatalogError(
      `${REMEDIATION_CATALOG_FILE} does not match the remediation catalog:\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data as RemediationCatalog;
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

/** "i-0abc", "i-0abc and i-0def", "i-0abc and 2 more". */
export function instanceList(ids: readonly string[]): string {
  if (ids.length <= 1) return ids[0] ?? 'no instance';
  if (ids.length === 2) return `${ids[0]} and ${ids[1]}`;
  return `${ids[0]} and ${ids.length - 1} more`;
}

function releaseWords(release: { kind: 'git'; ref: 'tag' | 'commit' } | { kind: 'image-tag' }): string {
  if (release.kind === 'image-tag') return 'the previous image tag';
  return release.ref === 'tag' ? 'the previous release (git tag)' : 'the previous commit';
}

/** The host of a webhook URL: its path and query may carry secrets, so they are never printed. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its URL';
  }
}

/**
 * One rung in words, e.g. "restart compose app on i-0abc", "roll ECS service api back to its
 * previous task definition". `target` (a resolved rollback target such as `api:41` or version `7`)
 * replaces "its previous ..." when known.
 */
export function describeStep(step: RemediationStep, target?: string): string {
  switch (step.action) {
    case 'ecs-restart':
      return `restart ECS service ${step.service} in ${step.cluster}`;
    case 'ecs-rollback':
      return `roll ECS service ${step.service} back to ${target ?? step.taskDefinition ?? 'its previous task definition'}`;
    case 'lambda-rollback':
      return `roll Lambda ${step.functionName}:${step.alias} back to ${target ? `version ${target}` : 'its previous version'}`;
    case 'ec2-reboot':
      return `reboot ${instanceList(step.instances)}`;
    case 'compose-restart':
      return `restart compose ${step.services.join(' then ') || 'services'} on ${instanceList(step.instances)}`;
    case 'compose-rollback':
      return `roll ${step.directory} on ${instanceList(step.instances)} back to ${releaseWords(step.release)}`;
    case 'container-restart':
      return `restart container ${step.container} on ${instanceList(step.instances)}`;
    case 'container-rollback':
      return `roll container ${step.container} on ${instanceList(step.instances)} back to ${releaseWords(step.release)}`;
    case 'webhook':
      return step.rollback
        ? `roll back through webhook ${step.method} ${hostOf(step.url)}`
        : `call webhook ${step.method} ${hostOf(step.url)}`;
  }
}

/**
 * A ladder and its guardrails in one line, for the pager's email ("Remediation: ...") and
 * `vigil remediate`: "restart compose app on i-0abc, then roll /opt/madef on i-0abc back to the
 * previous release (git tag); cooldown 15 min, 3 runs a day".
 */
export function ladderSummary(remediation: Remediation): string {
  const ladder = remediation.steps.map((s) => describeStep(s)).join(', then ');
  const runs = remediation.maxRunsPerDay === 1 ? '1 run a day' : `${remediation.maxRunsPerDay} runs a day`;
  // Only ECS and Lambda report when they were deployed (lambdas/remediator/deploy-time.ts).
  const rollback = remediation.steps.find((s, i) => i > 0 && isRollback(s));
  const deploy =
    remediation.recentDeployMinutes > 0 &&
    (rollback?.action === 'ecs-rollback' || rollback?.action === 'lambda-rollback')
      ? `; rolls back at once after a deploy in the last ${remediation.recentDeployMinutes} min`
      : '';
  const dry = remediation.dryRun ? '; dry run (actions skipped, verify runs)' : '';
  return `${ladder}; cooldown ${remediation.cooldownMinutes} min, ${runs}${deploy}${dry}`;
}

/**
 * The remediator's metrics (namespace Vigil, dimension Service), for its EMF lines and the
 * dashboards' "Remediation runs" row.
 */
export const RemediationMetricNames = {
  /** 1 per execution started (a rung of a ladder). */
  started: 'RemediationStarted',
  /** 1 per execution that ended in Success: the verify step saw health come back. */
  succeeded: 'RemediationSucceeded',
  /** 1 per execution that failed or timed out. */
  failed: 'RemediationFailed',
  /** Seconds from the alarm state's timestamp to the successful execution's end. */
  secondsToHealthy: 'RemediationSecondsToHealthy',
} as const;

/** Tags on every remediation execution besides the target's (see lib/naming.ts). */
export const RemediationTags = {
  /** The alarm that started the ladder (its name). */
  alarm: 'vigil:alarm',
  /** The alarm state's timestamp as CloudWatch wrote it: the episode, for the next rung's ClientToken. */
  alarmTime: 'vigil:alarm-time',
  /** The rung, 1-based ("1" is the first). */
  rung: 'vigil:rung',
  /** "true" on a game-day drill (alarm reason starting with [DRILL]). */
  drill: 'vigil:drill',
} as const;
