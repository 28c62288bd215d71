/**
 * `vigil remediate`: the decision and each guardrail's verdict from the same facts the Lambda reads
 * (CloudWatch and SSM through aws-sdk-client-mock, asserting the exact start), offline for the demo,
 * and the usage errors with their fix.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cloudwatchSdk from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListAlarmMuteRulesCommand,
} from '@aws-sdk/client-cloudwatch';
import * as ecsSdk from '@aws-sdk/client-ecs';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import * as ssmSdk from '@aws-sdk/client-ssm';
import {
  DescribeAutomationExecutionsCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type RemediateDeps, runRemediate } from '../../lib/cli/remediate.ts';
import { parseConfig } from '../../lib/config/index.ts';
import type { RemediationStep } from '../../lib/remediation/model.ts';
import { documentParameters } from '../../lib/remediation/parameters.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';

const cw = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);

const HOST = 'i-0abc1234def567890';
const NOW = Date.parse('2026-03-01T03:30:00Z');
const TARGET_KEY = `vigil:target:host/${HOST}/opt/madef`;

const config = parseConfig({
  project: 'ops',
  monitors: [
    {
      name: 'madef-api-health',
      service: 'madef',
      kind: 'http',
      url: 'https://madef.example.com/api/health',
      severity: 'P2',
      remediate: {
        steps: [
          { action: 'compose-restart', instances: [HOST], directory: '/opt/madef', services: ['app'] },
          {
            action: 'compose-rollback',
            instances: [HOST],
            directory: '/opt/madef',
            services: ['app'],
            release: { git: 'tag' },
          },
        ],
      },
    },
    { name: 'madef-web', service: 'madef', kind: 'http', url: 'https://madef.example.com/' },
  ],
});

const [remediation] = config.remediations;
if (!remediation) throw new Error('the config has no remediation');

const clients: NonNullable<RemediateDeps['aws']> = {
  ssm: async () => ({ sdk: ssmSdk, client: new ssmSdk.SSMClient(TEST_CLIENT_CONFIG) }),
  cloudwatch: async () => ({
    sdk: cloudwatchSdk,
    client: new cloudwatchSdk.CloudWatchClient(TEST_CLIENT_CONFIG),
  }),
  ecs: async () => ({ sdk: ecsSdk, client: new ecsSdk.ECSClient(TEST_CLIENT_CONFIG) }),
  lambda: async () => ({ sdk: lambdaSdk, client: new lambdaSdk.LambdaClient(TEST_CLIENT_CONFIG) }),
};

async function run(argv: string[], options: { aws?: boolean } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runRemediate(
    argv,
    {
      stdout: { write: (s: string) => stdout.push(s) },
      stderr: { write: (s: string) => stderr.push(s) },
      // No credentials anywhere: a HOME without ~/.aws.
      env: { HOME: mkdtempSync(join(tmpdir(), 'vigil-home-')) },
    },
    { loadConfig: async () => config, now: () => NOW, ...(options.aws && { aws: clients }) },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

function liveFacts(history: ssmSdk.AutomationExecutionMetadata[] = []) {
  cw.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: 'vigil-ops-madef-api-health', StateValue: 'ALARM' }],
  });
  cw.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: history });
}

beforeEach(() => {
  cw.reset();
  ssm.reset();
});

describe('vigil remediate', () => {
  it('--dry-run with no AWS credentials prints what the config decides and names the facts it could not read', async () => {
    const { code, stdout } = await run(['madef-api-health', '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'vigil remediate madef-api-health (dry run: nothing is started)',
        'Alarm: vigil-ops-madef-api-health',
        `Ladder: restart compose app on ${HOST}, then roll /opt/madef on ${HOST} back to the previous release (git tag); cooldown 15 min, 3 runs a day`,
        '',
        'Guardrails:',
        '  alarm    unknown  could not read its state: no AWS credentials',
        '  mute     unknown  could not read the mute rules: no AWS credentials',
        '  deploy   skip     no deploy time for this target',
        '  ladder   pass     rung 1 of 2',
        '  running  unknown  could not read the execution history: no AWS credentials',
        '  budget   unknown  could not read the execution history: no AWS credentials',
        '  cooldown unknown  could not read the execution history: no AWS credentials',
        '',
        'Decision: held back: could not read the alarm state',
        'Not read from AWS: the alarm state, the mute rules, the execution history (no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID, and AWS_REGION)',
        `With those facts favourable (in ALARM, not muted, no run in 24 h) it would start rung 1 of 2: restart compose app on ${HOST} (document vigil-ops-remediate-compose-restart).`,
        '',
      ].join('\n'),
    );
    expect(cw.calls()).toEqual([]);
    expect(ssm.calls()).toEqual([]);
  });

  it('--dry-run reads the live facts and shows the cooldown that holds it back', async () => {
    liveFacts([
      {
        AutomationExecutionId: 'exec-1',
        DocumentName: 'vigil-ops-remediate-compose-restart',
        AutomationExecutionStatus: 'Failed',
        ExecutionStartTime: new Date('2026-03-01T03:27:00Z'),
      },
    ]);
    const { code, stdout } = await run(['madef-api-health', '--dry-run'], { aws: true });
    expect(code).toBe(0);
    expect(stdout).toContain('\n  cooldown hold     last run started 03:27 UTC; cooldown until 03:42 UTC\n');
    expect(stdout).toContain('\n  budget   pass     1 of 3 runs in 24 h\n');
    expect(stdout).toContain('\nDecision: held back: cooldown until 03:42 UTC\n');
    expect(ssm.commandCalls(DescribeAutomationExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Filters: [
          { Key: 'DocumentNamePrefix', Values: ['vigil-ops-remediate-'] },
          { Key: 'TagKey', Values: [TARGET_KEY] },
          { Key: 'StartTimeAfter', Values: ['2026-02-28T03:30:00.000Z'] },
        ],
      },
    ]);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
  });

  it('without --dry-run starts the rung it decided on, as the Lambda does, and prints the execution link', async () => {
    liveFacts();
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-cli-1' });
    const { code, stdout } = await run(['madef-api-health'], { aws: true });
    expect(code).toBe(0);
    const [input] = ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);
    expect(input).toEqual({
      DocumentName: 'vigil-ops-remediate-compose-restart',
      // Exactly what the documents take, with DryRun=false.
      Parameters: documentParameters(remediation.steps[0] as RemediationStep, remediation, undefined, false),
      ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Tags: [
        { Key: 'vigil:monitor', Value: 'madef-api-health' },
        { Key: TARGET_KEY, Value: 'compose-restart' },
        { Key: 'vigil:alarm', Value: 'vigil-ops-madef-api-health' },
        { Key: 'vigil:alarm-time', Value: '2026-03-01T03:30:00.000Z' },
        { Key: 'vigil:rung', Value: '1' },
      ],
    });
    expect(stdout).toContain(
      '\nStarted: execution exec-cli-1\nhttps://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/exec-cli-1?region=eu-west-1\n',
    );
  });

  it('starts nothing and exits 1 when a guardrail holds it back', async () => {
    liveFacts([
      {
        AutomationExecutionId: 'exec-1',
        AutomationExecutionStatus: 'InProgress',
        ExecutionStartTime: new Date('2026-03-01T03:29:00Z'),
      },
    ]);
    const { code, stderr } = await run(['madef-api-health'], { aws: true });
    expect(code).toBe(1);
    expect(stderr).toBe('vigil remediate: nothing started\n');
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toEqual([]);
  });

  it('refuses a monitor without a remediation, and an unknown monitor, with the fix', async () => {
    expect(await run(['madef-web', '--dry-run'])).toMatchObject({
      code: 2,
      stderr:
        'vigil remediate: monitor "madef-web" has no remediation; add remediate: { steps: [...] } to it in the config\n',
    });
    expect(await run(['nope', '--dry-run'])).toMatchObject({
      code: 2,
      stderr: 'vigil remediate: no monitor "nope" in the config; vigil validate lists them\n',
    });
    expect(await run(['madef-api-health', '--aspect', 'stalled', '--dry-run'])).toMatchObject({
      code: 2,
      stderr:
        'vigil remediate: monitor "madef-api-health" has no remediation on its stalled alarm; use no --aspect (its own alarm)\n',
    });
    expect(await run([])).toMatchObject({ code: 2 });
  });
});
