/**
 * `vigil remediate MONITOR [--dry-run] [--aspect stalled] [--config FILE]`: what the remediator
 * would do now and why, each guardrail's verdict, from the same facts the Lambda reads (the alarm's
 * state, the mute rules, SSM's execution history on the target, the deploy time) and the same
 * `decide`; without --dry-run it starts the rung it decided on, with the same StartAutomationExecution
 * as the Lambda (a ClientToken of this invocation). With no AWS credentials (the demo), --dry-run
 * still prints what the config decides and names the live facts it could not read.
 *
 * Self-contained on purpose: plain writes to io.stdout / io.stderr and its own exit codes, so it
 * imports nothing from ./main.ts.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Decision,
  decide,
  type RemediationFacts,
  type Verdict,
} from '../../lambdas/remediator/guardrails.ts';
import { executionLink, giveUpWords, holdWords } from '../../lambdas/remediator/pages.ts';
import { type FactDeps, readFacts, startInput } from '../../lambdas/remediator/remediator.ts';
import { rollbackTarget } from '../../lambdas/remediator/rollback-target.ts';
import { type AwsClients, aws, type DeployClients } from '../../lambdas/shared/aws.ts';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, type VigilConfig } from '../config/index.ts';
import { describeStep, ladderSummary } from '../remediation/catalog.ts';
import type { Remediation } from '../remediation/model.ts';

/** Exit codes, with main.ts's meanings. */
export const RemediateExit = {
  /** Printed the decision (--dry-run), or started the rung. */
  ok: 0,
  /** Not started: held back, gave up, or AWS refused the start. */
  notStarted: 1,
  /** Bad usage, bad config, unknown monitor or no remediation on it. */
  usage: 2,
} as const;

/** The CLI's view of its process (the shape of main.ts's CliIo). */
export interface RemediateIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Replaceable collaborators, for in-process tests. */
export interface RemediateDeps {
  /** @default loadConfig */
  readonly loadConfig?: (file: string) => Promise<VigilConfig>;
  /** The clients facts are read and the run started with. @default the process's (when credentials exist) */
  readonly aws?: Pick<AwsClients, 'ssm' | 'cloudwatch'> & DeployClients;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
}

export const REMEDIATE_USAGE = `Usage: vigil remediate MONITOR [--dry-run] [--aspect ASPECT] [--config FILE]

Shows what the remediator would do now for MONITOR's remediation, and why: each guardrail's
verdict (alarm in ALARM, not muted, nothing running, budget, cooldown, recent deploy, ladder), read
from CloudWatch and SSM like the remediator Lambda. Without --dry-run it starts the rung it decided on.

Options:
      --dry-run        print the decision; start nothing
      --aspect ASPECT  the remediation on one of a queue monitor's alarms (stalled, warning, ...)
  -c, --config FILE    config file (default: ${DEFAULT_CONFIG_FILE})
`;

/** `vigil remediate` (argv without the command word). Returns the exit code. */
export async function runRemediate(
  argv: readonly string[],
  io: RemediateIo,
  deps: RemediateDeps = {},
): Promise<number> {
  let values: { config?: string; 'dry-run'?: boolean; aspect?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        'dry-run': { type: 'boolean' },
        aspect: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`vigil remediate: ${(error as Error).message}\n\n${REMEDIATE_USAGE}`);
    return RemediateExit.usage;
  }
  if (values.help) {
    io.stdout.write(REMEDIATE_USAGE);
    return RemediateExit.ok;
  }
  const [monitor, ...extra] = positionals;
  if (!monitor || extra.length > 0) {
    io.stderr.write(
      `vigil remediate: ${monitor ? `one MONITOR only, got ${positionals.join(', ')}` : 'needs a MONITOR, e.g. vigil remediate madef-api-health --dry-run'}\n`,
    );
    return RemediateExit.usage;
  }
  const dryRun = values['dry-run'] ?? false;

  let config: VigilConfig;
  try {
    config = await (deps.loadConfig ?? loadConfig)(values.config ?? DEFAULT_CONFIG_FILE);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`);
      return RemediateExit.usage;
    }
    throw error;
  }
  const found = findRemediation(config, monitor, values.aspect);
  if ('error' in found) {
    io.stderr.write(`vigil remediate: ${found.error}\n`);
    return RemediateExit.usage;
  }
  const remediation = found.remediation;
  const now = new Date((deps.now ?? Date.now)());

  const clients = deps.aws ?? (hasAwsCredentials(io.env) ? aws : undefined);
  const facts = clients
    ? await readFacts(remediation, now, {}, { aws: clients, project: config.project })
    : offlineFacts(remediation);
  const decision = decide(facts, remediation, now);

  const out: string[] = [
    `vigil remediate ${monitor}${values.aspect ? ` --aspect ${values.aspect}` : ''}${dryRun ? ' (dry run: nothing is started)' : ''}`,
    `Alarm: ${remediation.alarmName}`,
    `Ladder: ${ladderSummary(remediation)}`,
    '',
    'Guardrails:',
    ...verdictLines(decision.verdicts),
    '',
    `Decision: ${decisionWords(decision, remediation, config.project)}`,
  ];
  const unread = unreadFacts(facts);
  if (unread.length > 0) {
    out.push(
      `Not read from AWS: ${unread.join(', ')}${clients ? '' : ' (no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID, and AWS_REGION)'}`,
    );
    const hopeful = decide(favourable(facts), remediation, now);
    if (hopeful.kind === 'start') {
      out.push(
        `With those facts favourable (in ALARM, not muted, no run in 24 h) it would ${startWords(hopeful, remediation, config.project)}.`,
      );
    }
  }
  io.stdout.write(`${out.join('\n')}\n`);

  if (dryRun) return RemediateExit.ok;
  if (decision.kind !== 'start' || !clients) {
    io.stderr.write('vigil remediate: nothing started\n');
    return RemediateExit.notStarted;
  }
  return start(decision, remediation, config.project, clients, now, io);
}

/** The remediation of `monitor` (its own alarm, or `aspect`'s), or what is wrong and how to fix it. */
export function findRemediation(
  config: VigilConfig,
  monitor: string,
  aspect: string | undefined,
): { remediation: Remediation } | { error: string } {
  if (!config.monitors.some((m) => m.name === monitor)) {
    return { error: `no monitor "${monitor}" in the config; vigil validate lists them` };
  }
  const own = config.remediations.filter((r) => r.monitor === monitor);
  const match = own.find((r) => r.aspect === aspect);
  if (match) return { remediation: match };
  if (own.length === 0) {
    return {
      error: `monitor "${monitor}" has no remediation; add remediate: { steps: [...] } to it in the config`,
    };
  }
  const choices = own
    .map((r) => (r.aspect ? `--aspect ${r.aspect}` : 'no --aspect (its own alarm)'))
    .join(', ');
  return {
    error: `monitor "${monitor}" has no remediation on ${aspect ? `its ${aspect} alarm` : 'its own alarm'}; use ${choices}`,
  };
}

/** Facts when nothing can be read from AWS. */
function offlineFacts(remediation: Remediation): RemediationFacts {
  const why = 'no AWS credentials';
  return {
    alarm: { known: false, why },
    mute: { known: false, why },
    history: { known: false, why },
    deployedAt: remediation.steps.some(
      (s, i) => i > 0 && (s.action === 'ecs-rollback' || s.action === 'lambda-rollback'),
    )
      ? { known: false, why }
      : null,
  };
}

/** The facts that could not be read, in words. */
function unreadFacts(facts: RemediationFacts): string[] {
  return [
    ...(facts.alarm.known ? [] : ['the alarm state']),
    ...(facts.mute.known ? [] : ['the mute rules']),
    ...(facts.history.known ? [] : ['the execution history']),
    ...(facts.deployedAt && !facts.deployedAt.known ? ['the deploy time'] : []),
  ];
}

/** The facts, with every unread one at its favourable value: what the config alone decides. */
function favourable(facts: RemediationFacts): RemediationFacts {
  return {
    alarm: facts.alarm.known ? facts.alarm : { known: true, value: { state: 'ALARM' } },
    mute: facts.mute.known ? facts.mute : { known: true, value: null },
    history: facts.history.known ? facts.history : { known: true, value: [] },
    deployedAt: facts.deployedAt,
  };
}

function verdictLines(verdicts: readonly Verdict[]): string[] {
  return verdicts.map((v) => `  ${v.guardrail.padEnd(9)}${v.verdict.padEnd(9)}${v.detail}`);
}

function startWords(
  decision: Extract<Decision, { kind: 'start' }>,
  remediation: Remediation,
  project: string,
): string {
  return `start rung ${decision.rung + 1} of ${remediation.steps.length}: ${describeStep(decision.step)} (document vigil-${project}-remediate-${decision.step.action})`;
}

function decisionWords(decision: Decision, remediation: Remediation, project: string): string {
  switch (decision.kind) {
    case 'start':
      return `would ${startWords(decision, remediation, project)}`;
    case 'hold':
      return `held back: ${holdWords(decision.reason)}`;
    case 'give-up':
      return `gave up, a person is paged: ${giveUpWords(decision.reason, remediation)}`;
  }
}

async function start(
  decision: Extract<Decision, { kind: 'start' }>,
  remediation: Remediation,
  project: string,
  clients: FactDeps['aws'],
  now: Date,
  io: RemediateIo,
): Promise<number> {
  const resolved = await rollbackTarget(clients, decision.step);
  if (resolved && !resolved.found) {
    io.stderr.write(`vigil remediate: nothing started: nothing to roll back to (${resolved.why})\n`);
    return RemediateExit.notStarted;
  }
  // A token of this invocation: running the command twice is two decisions, each guarded.
  const token = randomUUID();
  const input = startInput(
    project,
    remediation,
    decision.step,
    decision.rung,
    { alarmTime: now.toISOString(), drill: false },
    token,
    resolved?.found ? resolved.value : undefined,
    remediation.dryRun,
  );
  const { sdk, client } = await clients.ssm();
  try {
    const started = await client.send(new sdk.StartAutomationExecutionCommand(input));
    const id = started.AutomationExecutionId ?? '';
    const region = await client.config.region();
    io.stdout.write(`Started: execution ${id}\n${executionLink({ id, region })}\n`);
    return RemediateExit.ok;
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr.write(`vigil remediate: SSM refused the start: ${e.name}: ${e.message}\n`);
    return RemediateExit.notStarted;
  }
}

/**
 * Whether the SDK's default chain has something to find: keys, a profile, web identity, a
 * container role, or a shared config file. Without any, the chain would wait on the instance
 * metadata service before failing, which only slows the demo down.
 */
export function hasAwsCredentials(env: RemediateIo['env']): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return true;
  const home = env.HOME ?? homedir();
  return [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
    env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
  ].some((file) => existsSync(file));
}
