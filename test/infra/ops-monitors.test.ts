/**
 * Queue, backup and command monitors in the template: the canary may read only the queues, buckets,
 * prefixes, snapshots, vaults and instances its monitors name, and queue monitors get their warning,
 * stalled, dead-letter and oldest-message alarms.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { opsConfig } from '../support/configs.ts';
import { flatten, logicalId, type Synthesized, scheduleOf, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
let statements: Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;

beforeAll(() => {
  synth = synthVigil(opsConfig);
  const policies = synth.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalId(synth.stack.canary.role) }] },
  });
  statements = Object.values(policies).flatMap(
    (p) =>
      flatten(
        (p as { Properties: { PolicyDocument: { Statement: [] } } }).Properties.PolicyDocument.Statement,
      ) as [],
  );
});

/** The statement granting exactly `actions`. */
function grant(...actions: string[]) {
  const found = statements.filter(
    (s) => JSON.stringify([s.Action].flat().sort()) === JSON.stringify(actions.sort()),
  );
  expect(found, `one statement for ${actions.join(', ')}`).toHaveLength(1);
  return found[0];
}

describe('canary role: only what the monitors name', () => {
  it('reads the named queues (by name in this account, by URL in its own), nothing else of SQS', () => {
    expect(grant('sqs:GetQueueAttributes', 'sqs:GetQueueUrl')).toMatchObject({
      Resource: [
        'arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:orders',
        'arn:<AWS::Partition>:sqs:eu-west-1:210987654321:orders-dlq',
      ],
    });
    const sqsActions = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('sqs:'));
    // The DLQ of failed invocations is the only other SQS grant.
    expect(sqsActions.sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('lists only the backup prefix and reads only objects under it', () => {
    expect(grant('s3:ListBucket')).toEqual({
      Action: 's3:ListBucket',
      Effect: 'Allow',
      Resource: 'arn:<AWS::Partition>:s3:::acme-db-backups',
      Condition: { StringLike: { 's3:prefix': 'madef/*' } },
    });
    expect(grant('s3:GetObject')).toMatchObject({
      Resource: 'arn:<AWS::Partition>:s3:::acme-db-backups/madef/*',
    });
    expect(
      statements.find((s) => s.Action === 'kms:Decrypt' && JSON.stringify(s).includes('s3.')),
    ).toMatchObject({
      Condition: { StringEquals: { 'kms:ViaService': 's3.<AWS::Region>.amazonaws.com' } },
    });
  });

  it('describes snapshots of the named database and cluster only', () => {
    expect(grant('rds:DescribeDBSnapshots')).toMatchObject({
      Resource: [
        'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:nutri-db',
        'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:snapshot:*',
      ],
    });
    expect(grant('rds:DescribeDBInstances')).toMatchObject({
      Resource: 'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:nutri-db',
    });
    expect(grant('rds:DescribeDBClusters')).toMatchObject({
      Resource: 'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:cluster:shop-aurora',
    });
    expect(grant('rds:DescribeDBClusterSnapshots')).toMatchObject({
      Resource: [
        'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:cluster-snapshot:*',
        'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:cluster:shop-aurora',
      ],
    });
  });

  it('lists recovery points of the named vault only', () => {
    expect(grant('backup:ListRecoveryPointsByBackupVault')).toMatchObject({
      Resource: 'arn:<AWS::Partition>:backup:<AWS::Region>:<AWS::AccountId>:backup-vault:prod-vault',
    });
  });

  it('runs AWS-RunShellScript only on the named instance, and on tagged instances only by tag', () => {
    const send = statements.filter((s) => s.Action === 'ssm:SendCommand');
    expect(send).toContainEqual(
      expect.objectContaining({
        Resource: [
          'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/i-0123456789abcdef0',
          'arn:<AWS::Partition>:ssm:<AWS::Region>::document/AWS-RunShellScript',
        ],
      }),
    );
    expect(send).toContainEqual(
      expect.objectContaining({
        Condition: { StringEquals: { 'ssm:resourceTag/Role': 'worker' } },
        Resource: [
          'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*',
          'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:managed-instance/*',
        ],
      }),
    );
    expect(grant('ssm:GetCommandInvocation', 'ssm:ListCommandInvocations')).toMatchObject({ Resource: '*' });
  });
});

describe('queue alarms', () => {
  it('warns at warnDepth on the warning severity, M of N, missing data not breaching', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-ops-orders-queue-warning',
      Namespace: 'Vigil',
      MetricName: 'QueueDepth',
      Dimensions: [{ Name: 'Monitor', Value: 'orders-queue' }],
      Statistic: 'Maximum',
      Threshold: 500,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P3) }],
      OKActions: [{ Ref: logicalId(synth.stack.paging.topics.P3) }],
    });
  });

  it('pages a stalled consumer: over the floor and not falling for 5 checks (4 differences)', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-ops-orders-queue-stalled',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(depth > 10 AND DIFF(depth) >= 0, 1, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'depth',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'QueueDepth' }),
            Period: 60,
          }),
          ReturnData: false,
        }),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 4,
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P2) }],
    });
  });

  it('pages new dead letters since the last check, not a standing backlog', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-ops-orders-queue-dead-letters',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'DIFF(dlq)', ReturnData: true }),
        Match.objectLike({
          Id: 'dlq',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'DeadLetterDepth' }) }),
        }),
      ]),
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it("alarms on SQS's own oldest-message age, which GetQueueAttributes does not report", () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-ops-orders-queue-oldest-message',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: 'orders' }],
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('gives an endpoint queue only its Success alarm', () => {
    const names = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    expect(names.filter((n) => n.startsWith('vigil-ops-outbox'))).toEqual(['vigil-ops-outbox']);
  });

  it('checks backups hourly by default and gives every monitor a Success alarm with missing data breaching', () => {
    expect(scheduleOf(synth.template, 'madef-s3-dumps')).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-ops-madef-s3-dumps',
      MetricName: 'Success',
      Period: 3600,
      TreatMissingData: 'breaching',
    });
  });
});
