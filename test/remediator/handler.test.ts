/**
 * The remediator through its real middy handler: pages go through SNS in fauxqs (the four notify
 * topics, each with an SQS queue subscribed, so the test reads what a subscriber gets); CloudWatch,
 * SSM, ECS and Lambda, which have no emulator, through aws-sdk-client-mock, asserting the exact
 * commands. EMF lines are read from stdout. fauxqs delivers the `MessageStructure: 'json'` document
 * itself, so the test reads each protocol's text from it (see test/pager/handler.test.ts).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetAlarmMuteRuleCommand,
  ListAlarmMuteRulesCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  IdempotentParameterMismatch,
  ListTagsForResourceCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetRemediationCatalogCache } from '../../lambdas/remediator/catalog.ts';
import { remediationClientToken } from '../../lambdas/remediator/client-token.ts';
import type { RemediatorResult } from '../../lambdas/remediator/remediator.ts';
import type { Severity } from '../../lib/config/monitor-schema.ts';
import { buildRemediationCatalog } from '../../lib/remediation/catalog.ts';
import type { RemediationStep } from '../../lib/remediation/model.ts';
import { documentParameters } from '../../lib/remediation/parameters.ts';
import { type NotifyInbox, startNotifyInbox } from '../support/notify-inbox.ts';
import { api, checkout, MADEF_TARGET_KEY, madef, PROJECT } from './fixtures.ts';

const cloudwatch = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);
const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);

const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const catalog = buildRemediationCatalog(PROJECT, [madef, api, checkout]);

let inbox: NotifyInbox;

const context = {
  functionName: 'vigil-ops-remediator',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:vigil-ops-remediator`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  inbox = await startNotifyInbox('ops');
  const endpoint = inbox.endpoint;
  for (const severity of SEVERITIES) vi.stubEnv(`NOTIFY_TOPIC_${severity}`, inbox.topicArns[severity]);
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoint);
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('VIGIL_PROJECT', PROJECT);
  vi.stubEnv('VIGIL_REMEDIATIONS', JSON.stringify(catalog));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await inbox?.stop();
});

let stdout: string[];

beforeEach(() => {
  for (const mock of [cloudwatch, ssm, ecs, lambda]) mock.reset();
  resetRemediationCatalogCache();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await inbox.purge();
});

const NOW = new Date('2026-03-01T03:30:40Z');
const ALARM_TIME = '2026-03-01T03:30:00.000+0000';

function alarmArn(name: string): string {
  return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
}

/** The event CloudWatch sends a Lambda alarm action. */
function alarmEvent(
  name: string,
  reason = 'Threshold Crossed: 2 out of the last 3 datapoints were less than the threshold (1.0).',
) {
  return {
    source: 'aws.cloudwatch',
    alarmArn: alarmArn(name),
    accountId: ACCOUNT,
    time: ALARM_TIME,
    region: REGION,
    alarmData: {
      alarmName: name,
      state: { value: 'ALARM', reason, timestamp: ALARM_TIME },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-02-28T10:00:00.000+0000' },
      configuration: { description: 'madef-api-health', metrics: [] },
    },
  };
}

/** The EventBridge event of an Automation execution's status change. */
function statusEvent(executionId: string, document: string, status: string) {
  return {
    version: '0',
    id: 'd290ece9-1088-4383-9df6-cd5b4ac42b99',
    'detail-type': 'EC2 Automation Execution Status-change Notification',
    source: 'aws.ssm',
    account: ACCOUNT,
    time: '2026-03-01T03:32:10Z',
    region: REGION,
    resources: [`arn:aws:ssm:${REGION}:${ACCOUNT}:automation-execution/${executionId}`],
    detail: {
      ExecutionId: executionId,
      Definition: document,
      DefinitionVersion: 1.0,
      Status: status,
      StartTime: 'Mar 1, 2026 3:30:42 AM',
      EndTime: 'Mar 1, 2026 3:32:10 AM',
      Time: 88000.0,
      ExecutedBy: `arn:aws:sts::${ACCOUNT}:assumed-role/vigil-ops-remediator/vigil-ops-remediator`,
    },
  };
}

async function invoke(event: unknown): Promise<RemediatorResult> {
  const { handler } = await import('../../lambdas/remediator/handler.ts');
  return handler(event, context);
}

function received(severity: Severity) {
  return inbox.received(severity);
}

/** The EMF lines printed: metric names and values, by dimension. */
function emf(): { Service: string; metrics: Record<string, number> }[] {
  return stdout
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: {
            CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
          };
        },
    )
    .map((line) => {
      const [spec] = line._aws.CloudWatchMetrics;
      expect(spec?.Namespace).toBe('Vigil');
      expect(spec?.Dimensions).toEqual([['Service']]);
      return {
        Service: String(line.Service),
        metrics: Object.fromEntries((spec?.Metrics ?? []).map((m) => [m.Name, line[m.Name] as number])),
      };
    });
}

function alarmIs(state: string) {
  cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: madef.alarmName, StateValue: state as 'ALARM' }],
    CompositeAlarms: [],
  });
}

function noMuteRules() {
  cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
}

const DESCRIBE_MADEF = {
  AlarmNames: ['vigil-ops-madef-api-health'],
  AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
};
const MADEF_HISTORY_FILTERS = {
  Filters: [
    { Key: 'DocumentNamePrefix', Values: ['vigil-ops-remediate-'] },
    { Key: 'TagKey', Values: [MADEF_TARGET_KEY] },
    { Key: 'StartTimeAfter', Values: ['2026-02-28T03:30:40.000Z'] },
  ],
};
/** Exactly what the documents take (lib/remediation/parameters.ts), with DryRun=false. */
const MADEF_RESTART_PARAMETERS = documentParameters(
  madef.steps[0] as RemediationStep,
  madef,
  undefined,
  false,
);
const MADEF_ROLLBACK_PARAMETERS = documentParameters(
  madef.steps[1] as RemediationStep,
  madef,
  undefined,
  false,
);

function madefTags(rung: number, drill = false) {
  return [
    { Key: 'vigil:monitor', Value: 'madef-api-health' },
    { Key: MADEF_TARGET_KEY, Value: rung === 1 ? 'compose-restart' : 'compose-rollback' },
    { Key: 'vigil:alarm', Value: 'vigil-ops-madef-api-health' },
    { Key: 'vigil:alarm-time', Value: ALARM_TIME },
    { Key: 'vigil:rung', Value: String(rung) },
    ...(drill ? [{ Key: 'vigil:drill', Value: 'true' }] : []),
  ];
}

const LINK = (id: string) =>
  `https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/${id}?region=eu-west-1`;

describe('an alarm action', () => {
  it('starts the first rung with a ClientToken from the alarm event, pages it and counts it', async () => {
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-restart-1' });

    const result = await invoke(alarmEvent(madef.alarmName));

    expect(result).toMatchObject({ action: 'started', executionId: 'exec-restart-1' });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      DESCRIBE_MADEF,
    ]);
    expect(cloudwatch.commandCalls(ListAlarmMuteRulesCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmName: 'vigil-ops-madef-api-health' },
    ]);
    expect(ssm.commandCalls(DescribeAutomationExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      MADEF_HISTORY_FILTERS,
    ]);
    const token = remediationClientToken(alarmArn(madef.alarmName), ALARM_TIME, 0);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        DocumentName: 'vigil-ops-remediate-compose-restart',
        Parameters: MADEF_RESTART_PARAMETERS,
        ClientToken: token,
        Tags: madefTags(1),
      },
    ]);
    // No ECS or Lambda: a host's deploy time is not read.
    expect(ecs.calls()).toEqual([]);
    expect(lambda.calls()).toEqual([]);

    const [page, ...more] = await received('P2');
    expect(more).toEqual([]);
    expect(page?.Subject).toBe(
      'P2 madef: auto-remediation started (restart compose app on i-0abc1234def567890)',
    );
    expect(page?.MessageAttributes).toEqual({
      incident_key: { Type: 'String', Value: 'vigil/ops/madef' },
      severity: { Type: 'String', Value: 'P2' },
      state: { Type: 'String', Value: 'REMEDIATION' },
    });
    expect(page?.document.sms).toBe(page?.Subject);
    expect(page?.document.email).toContain(
      '\nAction: restart compose app on i-0abc1234def567890 (rung 1 of 2)\n',
    );
    expect(page?.document.email).toContain(`\nExecution: ${LINK('exec-restart-1')}\n`);
    expect(page?.document.email).toContain('\n- cooldown: pass (no run in 24 h)\n');
    expect(page?.document.email).toContain('\nIncident key: vigil/ops/madef\n');
    for (const other of ['P1', 'P3', 'P4'] as const) expect(await received(other)).toEqual([]);
    expect(emf()).toEqual([{ Service: 'madef', metrics: { RemediationStarted: 1 } }]);
  });

  it('starts nothing new and pages nothing on a duplicate delivery: the ClientToken was already used', async () => {
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    ssm
      .on(StartAutomationExecutionCommand)
      .rejects(new IdempotentParameterMismatch({ message: 'token already used', $metadata: {} }));

    const result = await invoke(alarmEvent(madef.alarmName));

    expect(result).toEqual({ action: 'already-started', pages: [] });
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(1);
    expect(await received('P2')).toEqual([]);
    expect(emf()).toEqual([]);
  });

  it('pages nothing when the running execution on the target was started by this same alarm episode', async () => {
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({
      AutomationExecutionMetadataList: [
        {
          AutomationExecutionId: 'exec-restart-1',
          DocumentName: 'vigil-ops-remediate-compose-restart',
          AutomationExecutionStatus: 'InProgress',
          ExecutionStartTime: new Date('2026-03-01T03:30:05Z'),
        },
      ],
    });
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: madefTags(1) });

    const result = await invoke(alarmEvent(madef.alarmName));

    expect(result).toEqual({ action: 'already-started', executionId: 'exec-restart-1', pages: [] });
    expect(ssm.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceType: 'Automation', ResourceId: 'exec-restart-1' },
    ]);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    expect(await received('P2')).toEqual([]);
  });

  it('holds back and says so while a maintenance window mutes the alarm', async () => {
    alarmIs('ALARM');
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({
      AlarmMuteRuleSummaries: [
        {
          AlarmMuteRuleArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm-mute-rule:vigil-ops-mute-sunday-patching`,
        },
      ],
    });
    cloudwatch.on(GetAlarmMuteRuleCommand).resolves({
      Name: 'vigil-ops-mute-sunday-patching',
      Rule: { Schedule: { Expression: 'cron(0 3 * * SUN)', Duration: 'PT2H', Timezone: 'UTC' } },
      MuteTargets: { AlarmNames: [madef.alarmName] },
    });
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });

    const result = await invoke(alarmEvent(madef.alarmName));

    expect(result.action).toBe('held');
    expect(cloudwatch.commandCalls(GetAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmMuteRuleName: 'vigil-ops-mute-sunday-patching' },
    ]);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    const [page] = await received('P2');
    expect(page?.document.sms).toBe(
      'P2 madef: auto-remediation held back: muted by maintenance window sunday-patching until 05:00 UTC',
    );
    expect(page?.document.email).toContain('\nNothing was started. The alarm keeps paging as usual.\n');
  });

  it('holds back when the alarm is already OK again', async () => {
    alarmIs('OK');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });

    await invoke(alarmEvent(madef.alarmName));

    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    expect((await received('P2')).map((p) => p.document.sms)).toEqual([
      'P2 madef: auto-remediation held back: alarm already OK',
    ]);
  });

  it('runs a game-day drill with DryRun=true, tags it and says DRILL on every page', async () => {
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-drill-1' });

    await invoke(alarmEvent(madef.alarmName, '[DRILL] game day 2026-03: MAdef API down'));

    const [input] = ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);
    expect(input?.Parameters?.DryRun).toEqual(['true']);
    expect(input?.Tags).toEqual(madefTags(1, true));
    const [page] = await received('P2');
    expect(page?.document.sms).toBe(
      'DRILL P2 madef: auto-remediation started (restart compose app on i-0abc1234def567890; dry run)',
    );
    expect(page?.document.email).toMatch(/^DRILL P2 madef: .*\n\nDRILL: game day\./);
  });

  it('rolls an ECS service back at once to the previous ACTIVE revision when it was deployed minutes ago', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: api.alarmName, StateValue: 'ALARM' }],
    });
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-rollback-1' });
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'api',
          taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api:42`,
          deployments: [
            { status: 'PRIMARY', createdAt: new Date('2026-03-01T03:20:00Z') },
            { status: 'ACTIVE', createdAt: new Date('2026-02-20T10:00:00Z') },
          ],
        },
      ],
    });
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api-worker:50`,
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api:42`,
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api:40`,
      ],
    });

    await invoke(alarmEvent(api.alarmName));

    expect(ecs.commandCalls(ListTaskDefinitionsCommand).map((c) => c.args[0].input)).toEqual([
      { familyPrefix: 'api', status: 'ACTIVE', sort: 'DESC' },
    ]);
    const [input] = ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);
    expect(input?.DocumentName).toBe('vigil-ops-remediate-ecs-rollback');
    expect(input?.Parameters).toEqual(
      documentParameters(api.steps[1] as RemediationStep, api, { taskDefinition: 'api:40' }, false),
    );
    expect(input?.Parameters?.TaskDefinition).toEqual(['api:40']);
    expect(input?.ClientToken).toBe(remediationClientToken(alarmArn(api.alarmName), ALARM_TIME, 1));
    const [page] = await received('P1');
    expect(page?.document.sms).toBe(
      'P1 shop: auto-remediation started (roll ECS service api back to api:40; deployed recently)',
    );
  });

  it('gives up and pages a person one severity up when a Lambda has no version to roll back to', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: checkout.alarmName, StateValue: 'ALARM' }],
    });
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: '1' });
    lambda
      .on(ListVersionsByFunctionCommand)
      .resolves({ Versions: [{ Version: '$LATEST' }, { Version: '1' }] });
    lambda.on(GetFunctionConfigurationCommand).resolves({ LastModified: '2026-01-01T00:00:00.000+0000' });

    const result = await invoke(alarmEvent(checkout.alarmName));

    expect(result.action).toBe('gave-up');
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    expect(await received('P3')).toEqual([]);
    expect((await received('P2')).map((p) => p.document.sms)).toEqual([
      'P2 shop: gave up: paging a person (nothing to roll back to (checkout has no published version below 1))',
    ]);
  });

  it('ignores an alarm no remediation names', async () => {
    const result = await invoke(alarmEvent('vigil-ops-something-else'));
    expect(result).toEqual({
      action: 'ignored',
      why: 'no remediation for alarm vigil-ops-something-else',
      pages: [],
    });
    expect(cloudwatch.calls()).toEqual([]);
  });
});

describe('an execution status change', () => {
  function execution(id: string, document: string, status: string, end: string, failure?: string) {
    ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: id }).resolves({
      AutomationExecution: {
        AutomationExecutionId: id,
        DocumentName: document,
        AutomationExecutionStatus: status as 'Success',
        ExecutionStartTime: new Date('2026-03-01T03:30:42Z'),
        ExecutionEndTime: new Date(end),
        ...(failure && { FailureMessage: failure }),
      },
    });
  }

  it('pages success with the time from alarm to healthy, and records it', async () => {
    execution('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'Success', '2026-03-01T03:32:10Z');
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: madefTags(1) });

    const result = await invoke(
      statusEvent('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'Success'),
    );

    expect(result).toMatchObject({ action: 'outcome', executionId: 'exec-restart-1' });
    expect(ssm.commandCalls(GetAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: 'exec-restart-1' },
    ]);
    expect(emf()).toEqual([
      { Service: 'madef', metrics: { RemediationSucceeded: 1 } },
      { Service: 'madef', metrics: { RemediationSecondsToHealthy: 130 } },
    ]);
    const [page] = await received('P2');
    expect(page?.document.sms).toBe('P2 madef: remediation succeeded: health back after 2 min 10 s');
    expect(page?.document.email).toContain(`\nExecution: ${LINK('exec-restart-1')}\n`);
    expect(cloudwatch.calls()).toEqual([]);
  });

  it('climbs to the rollback rung when the restart failed and the alarm is still in ALARM', async () => {
    execution(
      'exec-restart-1',
      'vigil-ops-remediate-compose-restart',
      'Failed',
      '2026-03-01T03:34:00Z',
      'Step VerifyHealth3 failed: the canary check of madef-api-health did not pass',
    );
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: madefTags(1) });
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({
      AutomationExecutionMetadataList: [
        {
          AutomationExecutionId: 'exec-restart-1',
          AutomationExecutionStatus: 'Failed',
          ExecutionStartTime: new Date('2026-03-01T03:30:42Z'),
        },
      ],
    });
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-rollback-1' });

    const result = await invoke(
      statusEvent('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'Failed'),
    );

    expect(result).toMatchObject({ action: 'started', executionId: 'exec-rollback-1' });
    expect(ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        DocumentName: 'vigil-ops-remediate-compose-rollback',
        Parameters: MADEF_ROLLBACK_PARAMETERS,
        ClientToken: remediationClientToken(alarmArn(madef.alarmName), ALARM_TIME, 1),
        Tags: madefTags(2),
      },
    ]);
    expect((await received('P2')).map((p) => p.document.sms)).toEqual([
      'P2 madef: remediation failed: health did not return after restart compose app on i-0abc1234def567890; trying the next rung',
      'P2 madef: auto-remediation started (roll /opt/madef on i-0abc1234def567890 back to the previous release (git tag); restart did not heal)',
    ]);
    expect(emf()).toEqual([
      { Service: 'madef', metrics: { RemediationFailed: 1 } },
      { Service: 'madef', metrics: { RemediationStarted: 1 } },
    ]);
  });

  it('gives up one severity up when the last rung failed', async () => {
    execution('exec-rollback-1', 'vigil-ops-remediate-compose-rollback', 'Failed', '2026-03-01T03:40:00Z');
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: madefTags(2) });
    alarmIs('ALARM');
    noMuteRules();
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });

    const result = await invoke(
      statusEvent('exec-rollback-1', 'vigil-ops-remediate-compose-rollback', 'Failed'),
    );

    expect(result.action).toBe('gave-up');
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    expect((await received('P2')).map((p) => p.document.sms)).toEqual([
      'P2 madef: remediation failed: health did not return after roll /opt/madef on i-0abc1234def567890 back to the previous release (git tag)',
    ]);
    const [gaveUp, ...more] = await received('P1');
    expect(more).toEqual([]);
    expect(gaveUp?.MessageAttributes.severity).toEqual({ Type: 'String', Value: 'P1' });
    expect(gaveUp?.document.sms).toMatch(
      /^P1 madef: gave up: paging a person \(health did not return after roll/,
    );
    expect(gaveUp?.document.email).toContain('\nSeverity: P1, escalated from P2\n');
  });

  it('does not climb when the alarm recovered by itself', async () => {
    execution('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'Failed', '2026-03-01T03:34:00Z');
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: madefTags(1) });
    alarmIs('OK');

    await invoke(statusEvent('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'Failed'));

    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
    expect((await received('P2')).map((p) => p.document.sms)).toEqual([
      'P2 madef: remediation failed verification, but the alarm is OK now',
    ]);
  });

  it('ignores a status that is not terminal', async () => {
    const result = await invoke(
      statusEvent('exec-restart-1', 'vigil-ops-remediate-compose-restart', 'InProgress'),
    );
    expect(result.action).toBe('ignored');
    expect(ssm.calls()).toEqual([]);
  });
});
