/**
 * The canary Lambda and the two roles around it: exact actions on exact resources, nothing more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseVerifyMonitors } from '../../lib/config/events.ts';
import { TIMEOUT_MARGIN_SECONDS } from '../../lib/constructs/canary-function.ts';
import { FULL_SECRET_ARN, infraConfig } from '../support/configs.ts';
import { logicalId, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
let canaryStatements: Array<Record<string, unknown>>;
beforeAll(() => {
  synth = synthVigil(infraConfig);
  canaryStatements = statementsOf(logicalId(synth.stack.canary.role));
});

/** Every statement of every policy attached to a role. */
function statementsOf(roleLogicalId: string): Array<Record<string, unknown>> {
  const policies = synth.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  const managed = synth.template.findResources('AWS::IAM::ManagedPolicy');
  expect(managed).toEqual({});
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties
        .PolicyDocument.Statement,
  );
}

const arn = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      resource,
    ],
  ],
});

describe('the function', () => {
  it('runs Node.js 22 on arm64', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it('has explicit memory, and a timeout that lets the slowest check finish with its confirmation probe (20 s + 20 s)', () => {
    // A confirming monitor's worst case is max(afterMs, timeoutMs) + timeoutMs: the second probe
    // starts afterMs after the first started, or when the first times out, and may time out too.
    // shop-health: max(5 s, 20 s) + 20 s = 40 s; api-health and nightly-report (10 s default):
    // max(5 s, 10 s) + 10 s = 20 s. Without the confirmation probe it would be 20 s.
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 40 + TIMEOUT_MARGIN_SECONDS,
    });
  });

  it('logs JSON to its own log group, kept for the configured days and deleted with the stack', () => {
    const group = logicalId(synth.stack.canary.logGroup);
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: group } },
    });
    synth.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/vigil/acme/canary', RetentionInDays: 14 },
      DeletionPolicy: 'Delete',
    });
  });

  it('names its Powertools service and the Vigil metric namespace', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { POWERTOOLS_SERVICE_NAME: 'vigil-canary', POWERTOOLS_METRICS_NAMESPACE: 'Vigil' },
      },
    });
  });

  it('does not retry a failed asynchronous check, and dead-letters it', () => {
    const dlq = logicalId(synth.stack.node.findChild('DeadLetters').node.findChild('Queue'));
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(synth.stack.canary.lambda) },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
  });
});

describe('verify mode', () => {
  it('ships the enabled monitors beside the bundle as vigil-monitors.json, not compiled in', () => {
    const key = synth.template.toJSON().Resources[logicalId(synth.stack.canary.lambda)].Properties.Code
      .S3Key as string;
    const asset = join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const shipped = parseVerifyMonitors(readFileSync(join(asset, 'vigil-monitors.json'), 'utf8'));
    const enabled = infraConfig.monitors.filter((m) => m.enabled);
    expect([...shipped.keys()]).toEqual(enabled.map((m) => m.name));
    // Resolved back, each is the very monitor the config resolved: verify runs the same check.
    for (const monitor of enabled) expect(shipped.get(monitor.name)).toEqual(monitor);
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).not.toContain('https://shop.example.com/healthz');
  });
});

describe('the canary role', () => {
  it('is assumed by Lambda and carries no managed policy (no AWSLambdaBasicExecutionRole)', () => {
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('grants exactly: own logs, the dead-letter queue, the named secrets, and KMS through SSM/Secrets Manager', () => {
    const dlq = logicalId(synth.stack.node.findChild('DeadLetters').node.findChild('Queue'));
    expect(canaryStatements).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(synth.stack.canary.logGroup), 'Arn'] },
      },
      {
        Sid: 'DeadLetterFailedInvocations',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
      },
      {
        Sid: 'ReadHeaderParameters',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        // Only the enabled monitor's parameter: "/vigil/acme/retired-token" is not here.
        Resource: arn('ssm', ':parameter/vigil/acme/api-token'),
      },
      {
        Sid: 'ReadHeaderSecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [FULL_SECRET_ARN, arn('secretsmanager', ':secret:vigil/acme/api-key-??????')],
      },
      {
        Sid: 'DecryptHeaderSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: arn('kms', ':key/*'),
        Condition: {
          StringEquals: {
            'kms:ViaService': [
              { 'Fn::Join': ['', ['ssm.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
            ],
          },
        },
      },
    ]);
  });

  it('cannot publish metrics through the API: results leave as EMF in its logs', () => {
    const actions = canaryStatements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('cloudwatch:PutMetricData');
    expect(actions.some((a) => String(a).startsWith('cloudwatch:'))).toBe(false);
  });
});

describe('the scheduler role', () => {
  it('can be assumed only by this project schedule group, in this account', () => {
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChecksGroup'), 'Arn'] },
              },
            },
          },
        ],
      },
    });
  });

  it('may invoke the unqualified canary (no version or alias wildcard) and dead-letter, nothing else', () => {
    const role = synth.stack.node.findChild('Checks').node.findChild('Role');
    const dlq = logicalId(synth.stack.node.findChild('DeadLetters').node.findChild('Queue'));
    expect(statementsOf(logicalId(role))).toEqual([
      {
        Sid: 'InvokeCanary',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalId(synth.stack.canary.lambda), 'Arn'] },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    ]);
  });
});
