/**
 * The remediator's work for each event, with its clients, environment, catalog, clock, logger and
 * metrics passed in:
 * - an alarm's change to ALARM (Lambda alarm action): read the facts, {@link decide}, then start
 *   the rung (StartAutomationExecution with a ClientToken derived from the alarm event), or page
 *   why not;
 * - an Automation execution's terminal status (EventBridge): record metrics, page the outcome, and
 *   on a failure with the alarm still in ALARM climb to the next rung (guardrails apply) or give up
 *   and page a person one severity up.
 * Pages and metrics are not optional: a page that cannot be published fails the invocation, so
 * Lambda retries it (the ClientToken keeps a retry from starting a second run).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  EXECUTION_MONITOR_TAG,
  muteRuleName,
  remediationDocumentName,
  SERVICE_DIMENSION,
} from '../../lib/naming.ts';
import {
  type RemediationCatalog,
  RemediationMetricNames,
  RemediationTags,
} from '../../lib/remediation/catalog.ts';
import type { Remediation, RemediationStep } from '../../lib/remediation/model.ts';
import { documentParameters } from '../../lib/remediation/parameters.ts';
import { openWindow } from '../pager/mute-schedule.ts';
import type { AwsClients, DeployClients } from '../shared/aws.ts';
import { publishPage } from '../shared/publish-page.ts';
import { isTokenAlreadyUsed, remediationClientToken } from './client-token.ts';
import { deployTimeOf } from './deploy-time.ts';
import type { RemediatorEnv } from './env.ts';
import {
  type AlarmActionEvent,
  type AutomationStatusEvent,
  isDrillReason,
  outcomeOf,
  parseAlarmTime,
  type RemediatorEvent,
} from './events.ts';
import {
  type DecideOptions,
  type Decision,
  decide,
  type ExecutionRecord,
  firstRollbackRung,
  type Known,
  type MutedBy,
  type RemediationFacts,
  targetKeyOf,
} from './guardrails.ts';
import {
  type ExecutionRef,
  formatRemediationPage,
  type RemediationPage,
  type RemediationPageRequest,
} from './pages.ts';
import { rollbackTarget } from './rollback-target.ts';

/** Everything the remediator uses from outside. */
export interface RemediatorDeps {
  readonly aws: Pick<AwsClients, 'ssm' | 'cloudwatch' | 'sns'> & DeployClients;
  readonly env: RemediatorEnv;
  readonly catalog: () => RemediationCatalog;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: Metrics;
}

/** A page as published. */
export interface PublishedRemediationPage extends RemediationPage {
  readonly topicArn: string;
}

/** What one invocation did. */
export interface RemediatorResult {
  readonly action: 'started' | 'already-started' | 'held' | 'gave-up' | 'outcome' | 'ignored';
  /** Why nothing was done, for `ignored`. */
  readonly why?: string;
  /** The execution started (or whose outcome was handled). */
  readonly executionId?: string;
  readonly pages: readonly PublishedRemediationPage[];
}

/** Runs the remediator for a parsed event. */
export function runRemediator(event: RemediatorEvent, deps: RemediatorDeps): Promise<RemediatorResult> {
  return event.source === 'aws.cloudwatch'
    ? onAlarm(event, deps)
    : onExecutionStatus(event as AutomationStatusEvent, deps);
}

/** The alarm episode a ladder belongs to: which alarm, and the state timestamp that started it. */
interface Episode {
  readonly alarmArn: string;
  readonly alarmTime: string;
  readonly drill: boolean;
}

// ---------------------------------------------------------------------------------------------
// Alarm to ALARM
// ---------------------------------------------------------------------------------------------

async function onAlarm(event: AlarmActionEvent, deps: RemediatorDeps): Promise<RemediatorResult> {
  const { alarmName, state } = event.alarmData;
  const remediation = deps.catalog().remediations[alarmName];
  if (!remediation) return ignored(deps, `no remediation for alarm ${alarmName}`);
  if (state.value !== 'ALARM') return ignored(deps, `${alarmName} changed to ${state.value}, not ALARM`);

  const episode: Episode = {
    alarmArn: event.alarmArn,
    alarmTime: state.timestamp,
    drill: isDrillReason(state.reason),
  };
  const now = deps.now();
  const facts = await readFacts(remediation, now, {}, { aws: deps.aws, project: deps.catalog().project });
  const decision = decide(facts, remediation, now);
  deps.logger.info('remediation decided', {
    alarm: alarmName,
    decision: decision.kind,
    verdicts: decision.verdicts,
  });

  if (decision.kind === 'hold' && decision.reason.code === 'running') {
    // A second delivery of the same event (CloudWatch or Lambda retries) finds the run the first
    // one started: that is not news, so nothing is paged.
    if (await startedBy(decision.reason.executionId, episode, alarmName, deps)) {
      deps.logger.info('duplicate alarm event: its remediation is already running', {
        alarm: alarmName,
        executionId: decision.reason.executionId,
      });
      return { action: 'already-started', executionId: decision.reason.executionId, pages: [] };
    }
  }
  return act(decision, remediation, episode, deps, []);
}

/** Acts on a decision: starts the rung, or pages why not. `pages` are those already sent. */
async function act(
  decision: Decision,
  remediation: Remediation,
  episode: Episode,
  deps: RemediatorDeps,
  pages: PublishedRemediationPage[],
): Promise<RemediatorResult> {
  const common = { project: deps.catalog().project, remediation, drill: episode.drill };
  if (decision.kind === 'hold') {
    pages.push(
      await publish({ ...common, kind: 'held', reason: decision.reason, verdicts: decision.verdicts }, deps),
    );
    return { action: 'held', pages };
  }
  if (decision.kind === 'give-up') {
    pages.push(
      await publish(
        { ...common, kind: 'gave-up', reason: decision.reason, verdicts: decision.verdicts },
        deps,
      ),
    );
    return { action: 'gave-up', pages };
  }

  const { rung, step } = decision;
  const resolved = await rollbackTarget(deps.aws, step);
  if (resolved && !resolved.found) {
    pages.push(
      await publish(
        {
          ...common,
          kind: 'gave-up',
          reason: { code: 'no-previous-version', rung, why: resolved.why },
          verdicts: decision.verdicts,
        },
        deps,
      ),
    );
    return { action: 'gave-up', pages };
  }
  const target = resolved?.found ? resolved.value : undefined;
  const dryRun = episode.drill || remediation.dryRun;
  const started = await startExecution(remediation, step, rung, episode, target, dryRun, deps);
  if (started.alreadyStarted) {
    deps.logger.info('duplicate event: this rung was already started with the same ClientToken', {
      alarm: remediation.alarmName,
      rung: rung + 1,
    });
    return { action: 'already-started', pages };
  }
  recordMetric(deps, remediation.service, RemediationMetricNames.started, MetricUnit.Count, 1);
  pages.push(
    await publish(
      {
        ...common,
        kind: 'started',
        rung,
        step,
        why: decision.why,
        execution: { id: started.executionId, region: deps.env.region() },
        ...(resolved?.found && { target: resolved.label }),
        dryRun,
        verdicts: decision.verdicts,
      },
      deps,
    ),
  );
  return { action: 'started', executionId: started.executionId, pages };
}

/** The StartAutomationExecution input of a rung: what the Lambda and `vigil remediate` send. */
export function startInput(
  project: string,
  remediation: Remediation,
  step: RemediationStep,
  rung: number,
  episode: { readonly alarmTime: string; readonly drill: boolean },
  clientToken: string,
  target: string | undefined,
  dryRun: boolean,
) {
  const resolved =
    target === undefined
      ? undefined
      : step.action === 'ecs-rollback'
        ? { taskDefinition: target }
        : step.action === 'lambda-rollback'
          ? { functionVersion: target }
          : undefined;
  return {
    DocumentName: remediationDocumentName(project, step.action),
    Parameters: documentParameters(step, remediation, resolved, dryRun),
    ClientToken: clientToken,
    Tags: [
      { Key: EXECUTION_MONITOR_TAG, Value: remediation.monitor },
      // A filter on tag keys, not values (DescribeAutomationExecutions): the key names the target.
      { Key: targetKeyOf(step), Value: step.action },
      { Key: RemediationTags.alarm, Value: remediation.alarmName },
      { Key: RemediationTags.alarmTime, Value: episode.alarmTime },
      { Key: RemediationTags.rung, Value: String(rung + 1) },
      ...(episode.drill ? [{ Key: RemediationTags.drill, Value: 'true' }] : []),
    ],
  };
}

async function startExecution(
  remediation: Remediation,
  step: RemediationStep,
  rung: number,
  episode: Episode,
  target: string | undefined,
  dryRun: boolean,
  deps: RemediatorDeps,
): Promise<{ alreadyStarted: true } | { alreadyStarted: false; executionId: string }> {
  const token = remediationClientToken(episode.alarmArn, episode.alarmTime, rung);
  const input = startInput(deps.catalog().project, remediation, step, rung, episode, token, target, dryRun);
  const { sdk, client } = await deps.aws.ssm();
  try {
    const out = await client.send(new sdk.StartAutomationExecutionCommand(input));
    const executionId = out.AutomationExecutionId ?? '';
    deps.logger.info('remediation started', {
      alarm: remediation.alarmName,
      rung: rung + 1,
      document: input.DocumentName,
      executionId,
    });
    return { alreadyStarted: false, executionId };
  } catch (error) {
    if (isTokenAlreadyUsed(error)) return { alreadyStarted: true };
    throw error;
  }
}

/** True when the execution carries this episode's tags: started by an earlier delivery of this event. */
async function startedBy(
  executionId: string,
  episode: Episode,
  alarmName: string,
  deps: RemediatorDeps,
): Promise<boolean> {
  const tags = await executionTags(executionId, deps);
  return tags[RemediationTags.alarm] === alarmName && tags[RemediationTags.alarmTime] === episode.alarmTime;
}

async function executionTags(executionId: string, deps: RemediatorDeps): Promise<Record<string, string>> {
  const { sdk, client } = await deps.aws.ssm();
  // GetAutomationExecution does not return tags.
  const out = await client.send(
    new sdk.ListTagsForResourceCommand({ ResourceType: 'Automation', ResourceId: executionId }),
  );
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

// ---------------------------------------------------------------------------------------------
// Execution outcome
// ---------------------------------------------------------------------------------------------

async function onExecutionStatus(
  event: AutomationStatusEvent,
  deps: RemediatorDeps,
): Promise<RemediatorResult> {
  const { ExecutionId: executionId, Definition: document, Status: status } = event.detail;
  const outcome = outcomeOf(status);
  if (!outcome) return ignored(deps, `execution ${executionId} is ${status}, not finished`);
  const catalog = deps.catalog();
  if (!document.startsWith(remediationDocumentName(catalog.project, ''))) {
    return ignored(deps, `${document} is not a remediation document of ${catalog.project}`);
  }

  const { sdk, client } = await deps.aws.ssm();
  const out = await client.send(
    new sdk.GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
  );
  const execution = out.AutomationExecution;
  const tags = await executionTags(executionId, deps);
  const remediation = catalog.remediations[tags[RemediationTags.alarm] ?? ''];
  const rung = Number(tags[RemediationTags.rung]) - 1;
  const alarmTime = tags[RemediationTags.alarmTime];
  if (!remediation || !Number.isInteger(rung) || rung < 0 || !alarmTime) {
    // Started by hand, or by an older Vigil: nothing to climb, no incident to page on.
    return ignored(deps, `execution ${executionId} carries no Vigil remediation tags`);
  }
  const step = remediation.steps[rung];
  if (!step) return ignored(deps, `execution ${executionId} is rung ${rung + 1}, beyond the ladder`);

  const episode: Episode = {
    alarmArn: `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${remediation.alarmName}`,
    alarmTime,
    drill: tags[RemediationTags.drill] === 'true',
  };
  const ref: ExecutionRef = { id: executionId, region: event.region };
  const common = { project: catalog.project, remediation, drill: episode.drill };
  const service = remediation.service;

  if (outcome === 'succeeded') {
    const end = execution?.ExecutionEndTime ?? parseAlarmTime(event.time);
    const toHealthyMs = end.getTime() - parseAlarmTime(alarmTime).getTime();
    recordMetric(deps, service, RemediationMetricNames.succeeded, MetricUnit.Count, 1);
    recordMetric(
      deps,
      service,
      RemediationMetricNames.secondsToHealthy,
      MetricUnit.Seconds,
      toHealthyMs / 1000,
    );
    const page = await publish(
      { ...common, kind: 'succeeded', rung, step, execution: ref, toHealthyMs },
      deps,
    );
    return { action: 'outcome', executionId, pages: [page] };
  }

  const failure = execution?.FailureMessage;
  const failed = (next: 'climb' | 'give-up' | 'alarm-ok' | 'cancelled' | 'held'): RemediationPageRequest => ({
    ...common,
    kind: 'failed',
    rung,
    step,
    execution: ref,
    ...(failure && { failure }),
    next,
  });
  if (outcome === 'cancelled') {
    const page = await publish(failed('cancelled'), deps);
    return { action: 'outcome', executionId, pages: [page] };
  }

  recordMetric(deps, service, RemediationMetricNames.failed, MetricUnit.Count, 1);
  const now = deps.now();
  const alarm = await readAlarm(remediation.alarmName, deps);
  if (alarm.known && alarm.value.state !== 'ALARM') {
    const page = await publish(failed('alarm-ok'), deps);
    return { action: 'outcome', executionId, pages: [page] };
  }
  const options: DecideOptions = { climbFrom: rung };
  const facts = await readFacts(
    remediation,
    now,
    options,
    { aws: deps.aws, project: catalog.project },
    alarm,
  );
  const decision = decide(facts, remediation, now, options);
  deps.logger.info('remediation decided after a failed rung', {
    executionId,
    rung: rung + 1,
    decision: decision.kind,
    verdicts: decision.verdicts,
  });
  const next = decision.kind === 'start' ? 'climb' : decision.kind === 'hold' ? 'held' : 'give-up';
  const pages = [await publish(failed(next), deps)];
  const result = await act(decision, remediation, episode, deps, pages);
  return { ...result, executionId: result.executionId ?? executionId };
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/** What reading the facts needs: the clients, and the project whose documents and mute rules count. */
export interface FactDeps {
  readonly aws: Pick<AwsClients, 'ssm' | 'cloudwatch'> & DeployClients;
  readonly project: string;
}

/**
 * Reads every fact {@link decide} needs; a fact that cannot be read is `known: false` with the
 * error. The Lambda and `vigil remediate` read the same facts the same way.
 */
export async function readFacts(
  remediation: Remediation,
  now: Date,
  options: DecideOptions,
  deps: FactDeps,
  alarm?: Known<{ state: string }>,
): Promise<RemediationFacts> {
  const { project } = deps;
  const rollback = firstRollbackRung(remediation);
  const rollbackStep = rollback >= 0 ? remediation.steps[rollback] : undefined;
  const wantsDeployTime =
    options.climbFrom === undefined && rollbackStep !== undefined && remediation.recentDeployMinutes > 0;
  const [alarmFact, mute, history, deployedAt] = await Promise.all([
    alarm ?? readAlarm(remediation.alarmName, deps),
    readMute(project, remediation.alarmName, now, deps),
    readHistory(project, remediation, now, deps),
    wantsDeployTime && rollbackStep ? deployTimeOf(deps.aws, rollbackStep) : Promise.resolve(null),
  ]);
  return { alarm: alarmFact, mute, history, deployedAt };
}

async function readAlarm(alarmName: string, deps: Pick<FactDeps, 'aws'>): Promise<Known<{ state: string }>> {
  try {
    const { sdk, client } = await deps.aws.cloudwatch();
    const out = await client.send(
      new sdk.DescribeAlarmsCommand({
        AlarmNames: [alarmName],
        // Without AlarmTypes, DescribeAlarms returns metric alarms only.
        AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
      }),
    );
    const found = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])][0];
    if (!found?.StateValue) return { known: false, why: `alarm ${alarmName} was not found` };
    return { known: true, value: { state: found.StateValue } };
  } catch (error) {
    return { known: false, why: errorText(error) };
  }
}

/**
 * The mute window holding the alarm now: every mute rule that targets it (ListAlarmMuteRules by
 * alarm name, Vigil's or not: any of them holds its actions), evaluated on its schedule like the
 * pager's sweep does.
 */
async function readMute(
  project: string,
  alarmName: string,
  now: Date,
  deps: Pick<FactDeps, 'aws'>,
): Promise<Known<MutedBy | null>> {
  try {
    const { sdk, client } = await deps.aws.cloudwatch();
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const out = await client.send(
        new sdk.ListAlarmMuteRulesCommand({ AlarmName: alarmName, ...(NextToken && { NextToken }) }),
      );
      for (const s of out.AlarmMuteRuleSummaries ?? []) names.push(ruleNameFromArn(s.AlarmMuteRuleArn ?? ''));
      NextToken = out.NextToken;
    } while (NextToken);
    const prefix = muteRuleName(project, '');
    for (const name of names) {
      const rule = await client.send(new sdk.GetAlarmMuteRuleCommand({ AlarmMuteRuleName: name }));
      const schedule = rule.Rule?.Schedule;
      if (!schedule?.Expression || !schedule.Duration) continue;
      const open = openWindow(
        {
          expression: schedule.Expression,
          duration: schedule.Duration,
          ...(schedule.Timezone && { timezone: schedule.Timezone }),
        },
        now,
      );
      if (open) {
        const window = name.startsWith(prefix) ? name.slice(prefix.length) : name;
        return { known: true, value: { window, until: open.end } };
      }
    }
    return { known: true, value: null };
  } catch (error) {
    return { known: false, why: errorText(error) };
  }
}

/**
 * The project's remediation executions on the ladder's targets started in the last 24 h: one
 * DescribeAutomationExecutions per distinct target (filters: the project's document prefix, the
 * target's tag key, the start time).
 */
async function readHistory(
  project: string,
  remediation: Remediation,
  now: Date,
  deps: Pick<FactDeps, 'aws'>,
): Promise<Known<readonly ExecutionRecord[]>> {
  try {
    const { sdk, client } = await deps.aws.ssm();
    const keys = [...new Set(remediation.steps.map(targetKeyOf))];
    const records: ExecutionRecord[] = [];
    const since = new Date(now.getTime() - 24 * 3_600_000).toISOString();
    for (const targetKey of keys) {
      let NextToken: string | undefined;
      do {
        const out = await client.send(
          new sdk.DescribeAutomationExecutionsCommand({
            Filters: [
              { Key: 'DocumentNamePrefix', Values: [remediationDocumentName(project, '')] },
              { Key: 'TagKey', Values: [targetKey] },
              { Key: 'StartTimeAfter', Values: [since] },
            ],
            ...(NextToken && { NextToken }),
          }),
        );
        for (const e of out.AutomationExecutionMetadataList ?? []) {
          if (!e.AutomationExecutionId || !e.ExecutionStartTime) continue;
          records.push({
            id: e.AutomationExecutionId,
            document: e.DocumentName ?? '',
            status: e.AutomationExecutionStatus ?? 'Pending',
            start: e.ExecutionStartTime,
            ...(e.ExecutionEndTime && { end: e.ExecutionEndTime }),
            targetKey,
          });
        }
        NextToken = out.NextToken;
      } while (NextToken);
    }
    return { known: true, value: records };
  } catch (error) {
    return { known: false, why: errorText(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Pages and metrics
// ---------------------------------------------------------------------------------------------

async function publish(
  request: RemediationPageRequest,
  deps: RemediatorDeps,
): Promise<PublishedRemediationPage> {
  const page = formatRemediationPage(request);
  const topicArn = deps.env.notifyTopic(page.severity);
  await publishPage(deps.aws.sns, topicArn, page);
  deps.logger.info('remediation page published', { kind: request.kind, severity: page.severity, topicArn });
  return { ...page, topicArn };
}

/** One metric as its own EMF line, under the service (flushed at once: the handler has no middleware for it). */
function recordMetric(
  deps: RemediatorDeps,
  service: string,
  name: string,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit],
  value: number,
): void {
  deps.metrics.addDimension(SERVICE_DIMENSION, service);
  deps.metrics.addMetric(name, unit, value);
  deps.metrics.publishStoredMetrics();
}

/** `arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-acme-mute-sunday` → the name. */
function ruleNameFromArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const at = resource.search(/[:/]/);
  return at < 0 ? resource : resource.slice(at + 1);
}

function ignored(deps: RemediatorDeps, why: string): RemediatorResult {
  deps.logger.info('event ignored', { why });
  return { action: 'ignored', why, pages: [] };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
