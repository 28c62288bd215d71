/**
 * A rollback after a failed restart, end to end: the remediator's handler starts MAdef's compose
 * restart; SSM is played by the local simulator running the real document, whose Run Command shell
 * runs for real against a fake docker and git; the canary never reports healthy, so the verify step
 * fails the run; the execution's status event makes the handler climb to the rollback rung, whose
 * document checks out the previous git tag and rebuilds; the canary is healthy now, and the success
 * event pages "health back". Pages go through fauxqs (SNS → SQS); CloudWatch through
 * aws-sdk-client-mock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListAlarmMuteRulesCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type AutomationExecutionMetadata,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  ListTagsForResourceCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  type Tag,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetRemediationCatalogCache } from '../../lambdas/remediator/catalog.ts';
import type { RemediatorResult } from '../../lambdas/remediator/remediator.ts';
import { buildRemediationCatalog } from '../../lib/remediation/catalog.ts';
import { remediationDocument } from '../../lib/remediation/documents/index.ts';
import type { Remediation, RemediationActionKind } from '../../lib/remediation/model.ts';
import type { AutomationDocument } from '../../lib/ssm/automation.ts';
import { type FakeHost, fakeHost } from '../remediation/fake-host.ts';
import {
  localShell,
  type ParamValue,
  type SimResult,
  simulateAutomation,
} from '../support/automation-sim.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';
import { madef } from './fixtures.ts';

const cloudwatch = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ALARM_TIME = '2026-03-01T03:30:00.000+0000';
const OPTS = {
  assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/vigil-ops-remediate-role`,
  canaryFunctionName: 'vigil-ops-canary',
  webhookFunctionName: 'vigil-ops-webhook',
};

let fauxqs: FauxqsServer;
let sqs: SQSClient;
let queueUrl = '';
let host: FakeHost;
let remediation: Remediation;

const context = {
  functionName: 'vigil-ops-remediator',
  awsRequestId: 'e2e',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  const sns = new SNSClient({ ...TEST_CLIENT_CONFIG, endpoint: fauxqs.address });
  sqs = new SQSClient({ ...TEST_CLIENT_CONFIG, endpoint: fauxqs.address });
  for (const severity of ['P1', 'P2', 'P3', 'P4']) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `e2e-notify-${severity}` }));
    vi.stubEnv(`NOTIFY_TOPIC_${severity}`, TopicArn ?? '');
    if (severity !== 'P2') continue;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'e2e-pages-P2' }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: attrs.Attributes?.QueueArn,
        Attributes: {},
      }),
    );
    queueUrl = QueueUrl ?? '';
  }
  host = fakeHost();
  const directory = join(host.root, 'madef');
  mkdirSync(directory);
  remediation = {
    ...madef,
    steps: madef.steps.map((s) => ({ ...s, directory })) as unknown as Remediation['steps'],
  };
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', fauxqs.address);
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('VIGIL_PROJECT', 'ops');
  vi.stubEnv('VIGIL_REMEDIATIONS', JSON.stringify(buildRemediationCatalog('ops', [remediation])));
  resetRemediationCatalogCache();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  host?.cleanup();
  await fauxqs?.stop();
});

/** SSM, played by the simulator: each started execution runs its real document at once. */
interface Execution {
  readonly id: string;
  readonly document: string;
  readonly tags: Tag[];
  readonly result: SimResult;
}

function simParams(doc: AutomationDocument, params: Record<string, string[]>): Record<string, ParamValue> {
  return Object.fromEntries(
    Object.entries(params).map(([name, values]) => [
      name,
      doc.parameters[name]?.type === 'StringList' ? values : (values[0] as string),
    ]),
  );
}

describe('the ladder end to end', () => {
  it('a rollback after a failed restart: restart, verify fails, roll back to the previous tag, health back', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const executions: Execution[] = [];
    const canaryAnswers: string[] = [];
    // The canary stays unhealthy until the previous release is checked out.
    const healthy = () => host.commands().some((c) => c.includes('checkout --quiet v2.3.1'));
    const { PATH: _path, ...env } = host.env({ FAKE_GIT_HEAD: 'v2.4.0', FAKE_GIT_PREV_TAG: 'v2.3.1' });
    const shell = localShell({ pathPrepend: [host.binDir], env: env as Record<string, string> });

    ssm.on(StartAutomationExecutionCommand).callsFake(async (input) => {
      const action = (input.DocumentName as string).replace(
        'vigil-ops-remediate-',
        '',
      ) as RemediationActionKind;
      const doc = remediationDocument(action, OPTS);
      const id = `exec-${executions.length + 1}`;
      const result = await simulateAutomation(doc, simParams(doc, input.Parameters), {
        runCommand: shell,
        invokeLambda: async ({ FunctionName }) => {
          if (FunctionName !== OPTS.canaryFunctionName) throw new Error(`unexpected ${FunctionName}`);
          const ok = healthy();
          canaryAnswers.push(ok ? 'healthy' : 'unhealthy');
          return {
            Payload: ok
              ? '{"monitor":"madef-api-health","ok":true,"status":200}'
              : '{"monitor":"madef-api-health","ok":false,"reason":"http_status","detail":"502"}',
          };
        },
      });
      executions.push({ id, document: input.DocumentName as string, tags: input.Tags ?? [], result });
      return { AutomationExecutionId: id };
    });
    const find = (id: string) => executions.find((e) => e.id === id);
    const endOf = (e: Execution) =>
      new Date(Date.parse('2026-03-01T03:30:40Z') + e.result.elapsedSeconds * 1000);
    ssm.on(GetAutomationExecutionCommand).callsFake(async ({ AutomationExecutionId }) => {
      const e = find(AutomationExecutionId);
      return {
        AutomationExecution: {
          AutomationExecutionId,
          DocumentName: e?.document,
          AutomationExecutionStatus: e?.result.status,
          ExecutionEndTime: e && endOf(e),
          ...(e?.result.failedStep && { FailureMessage: `Step ${e.result.failedStep} failed` }),
        },
      };
    });
    ssm
      .on(ListTagsForResourceCommand)
      .callsFake(async ({ ResourceId }) => ({ TagList: find(ResourceId)?.tags }));
    ssm.on(DescribeAutomationExecutionsCommand).callsFake(async () => ({
      AutomationExecutionMetadataList: executions.map(
        (e): AutomationExecutionMetadata => ({
          AutomationExecutionId: e.id,
          DocumentName: e.document,
          AutomationExecutionStatus: e.result.status,
          ExecutionStartTime: new Date('2026-03-01T03:30:40Z'),
        }),
      ),
    }));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: remediation.alarmName, StateValue: 'ALARM' }],
    });
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });

    const { handler } = await import('../../lambdas/remediator/handler.ts');
    const invoke = (event: unknown) => handler(event, context) as Promise<RemediatorResult>;
    const statusEvent = (id: string) => ({
      'detail-type': 'EC2 Automation Execution Status-change Notification',
      source: 'aws.ssm',
      account: ACCOUNT,
      region: REGION,
      time: '2026-03-01T03:40:00Z',
      detail: { ExecutionId: id, Definition: find(id)?.document, Status: find(id)?.result.status },
    });

    // 1. The alarm: the restart runs, the canary never recovers, verify fails the run.
    const first = await invoke({
      source: 'aws.cloudwatch',
      alarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${remediation.alarmName}`,
      accountId: ACCOUNT,
      region: REGION,
      time: ALARM_TIME,
      alarmData: {
        alarmName: remediation.alarmName,
        state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: ALARM_TIME },
      },
    });
    expect(first).toMatchObject({ action: 'started', executionId: 'exec-1' });
    expect(find('exec-1')?.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });

    // 2. Its Failed event: the handler climbs to the rollback rung, which heals.
    const second = await invoke(statusEvent('exec-1'));
    expect(second).toMatchObject({ action: 'started', executionId: 'exec-2' });
    expect(find('exec-2')).toMatchObject({
      document: 'vigil-ops-remediate-compose-rollback',
      result: { status: 'Success' },
    });

    // 3. Its Success event pages health back.
    expect(await invoke(statusEvent('exec-2'))).toMatchObject({ action: 'outcome', executionId: 'exec-2' });

    const dir = remediation.steps[0]?.action === 'compose-restart' ? remediation.steps[0].directory : '';
    expect(host.calls()).toEqual(
      [
        'docker compose restart app',
        'docker compose ps -q app',
        expect.stringMatching(/^docker inspect .* cid-app$/),
        `git -c safe.directory=${dir} describe --tags --always HEAD`,
        `git -c safe.directory=${dir} describe --tags --abbrev=0 HEAD^`,
        `git -c safe.directory=${dir} checkout --quiet v2.3.1`,
        'docker compose up -d --build app',
        'docker compose ps -q app',
        expect.stringMatching(/^docker inspect .* cid-app$/),
      ].map((command) => ({ cwd: dir, command })),
    );
    expect(canaryAnswers.at(0)).toBe('unhealthy');
    expect(canaryAnswers.at(-1)).toBe('healthy');
    expect(canaryAnswers.filter((a) => a === 'healthy')).toHaveLength(1);

    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const sms = (out.Messages ?? []).map((m) => JSON.parse(JSON.parse(m.Body ?? '{}').Message).sms as string);
    expect(sms).toEqual([
      `P2 madef: auto-remediation started (restart compose app on i-0abc1234def567890)`,
      'P2 madef: remediation failed: health did not return after restart compose app on i-0abc1234def567890; trying the next rung',
      // The temp directory's long path makes the SMS hit its 140 characters.
      expect.stringMatching(
        /^P2 madef: auto-remediation started \(roll \/.*\/madef on i-0abc1234def567890 back to /,
      ),
      expect.stringMatching(/^P2 madef: remediation succeeded: health back after \d+ (min|s)/),
    ]);
  });
});
