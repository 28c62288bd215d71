/**
 * The pager and the topics around it: raw alarm topics (HTTPS subscribers and the pager), readable
 * topics (email and SMS), the pager function with its catalog file, its exact permissions,
 * its sweep and heartbeat.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES, type Severity } from '../../lib/config/index.ts';
import { buildPagerCatalog, type PagerCatalog, withInfraAlarms } from '../../lib/paging/catalog.ts';
import { IncidentPlan } from '../../lib/paging/incident-plan.ts';
import { incidentConfig } from '../support/configs.ts';
import { flatten, logicalId, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
let pagerId: string;
beforeAll(() => {
  synth = synthVigil(incidentConfig);
  pagerId = logicalId(synth.stack.pager.lambda);
});

const rawTopic = (s: Severity) => logicalId(synth.stack.paging.topics[s]);
const notifyTopic = (s: Severity) => logicalId(synth.stack.notify.topics[s]);

function subscriptionsOf(topicId: string) {
  return Object.values(
    synth.template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: { Ref: topicId } } }),
  )
    .map((s) => (s as { Properties: { Protocol: string; Endpoint: unknown } }).Properties)
    .map(({ Protocol, Endpoint }) => ({ Protocol, Endpoint: flatten(Endpoint) }));
}

describe('topics', () => {
  it('subscribes HTTPS endpoints and the pager to the raw alarm topics, email and SMS to the readable ones', () => {
    const pager = { Protocol: 'lambda', Endpoint: `<${pagerId}.Arn>` };
    expect(subscriptionsOf(rawTopic('P1'))).toEqual([
      { Protocol: 'https', Endpoint: 'https://events.pagerduty.example.com/integration/p1/enqueue' },
      pager,
    ]);
    expect(subscriptionsOf(rawTopic('P2'))).toEqual([pager]);
    expect(subscriptionsOf(rawTopic('P3'))).toEqual([
      { Protocol: 'https', Endpoint: 'https://api.opsgenie.example.com/v1/json/cloudwatch?apiKey=abc' },
      pager,
    ]);
    expect(subscriptionsOf(rawTopic('P4'))).toEqual([pager]);

    expect(subscriptionsOf(notifyTopic('P1'))).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@shop.example.com' },
      { Protocol: 'sms', Endpoint: '+15555550111' },
    ]);
    expect(subscriptionsOf(notifyTopic('P2'))).toEqual([
      { Protocol: 'email', Endpoint: 'team@shop.example.com' },
    ]);
    expect(subscriptionsOf(notifyTopic('P3'))).toEqual([]);
    expect(subscriptionsOf(notifyTopic('P4'))).toEqual([]);
  });

  it('lets each raw topic, and only those, invoke the pager', () => {
    const permissions = Object.values(
      synth.template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: { 'Fn::GetAtt': [pagerId, 'Arn'] } },
      }),
    ).map((p) => (p as { Properties: Record<string, unknown> }).Properties);
    expect(permissions.map((p) => [p.Action, p.Principal, p.SourceArn])).toEqual(
      SEVERITIES.map((s) => ['lambda:InvokeFunction', 'sns.amazonaws.com', { Ref: rawTopic(s) }]),
    );
  });

  it('encrypts the readable topics with the paging key and refuses publishing without TLS', () => {
    const key = logicalId(synth.stack.paging.key);
    for (const severity of SEVERITIES) {
      synth.template.hasResource('AWS::SNS::Topic', {
        Properties: {
          KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
          DisplayName: `Vigil shop ${severity} ${{ P1: 'critical', P2: 'high', P3: 'warning', P4: 'info' }[severity]} pages`,
        },
      });
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: notifyTopic(severity) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it("lets CloudWatch publish to a readable topic only for the pager's failure alarm, at Vigil's severity", () => {
    const statements = (severity: Severity) =>
      Object.values(
        synth.template.findResources('AWS::SNS::TopicPolicy', {
          Properties: { Topics: [{ Ref: notifyTopic(severity) }] },
        }),
      ).flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }).Properties
            .PolicyDocument.Statement,
      );
    expect(flatten(statements('P2').find((s) => s.Sid === 'PagerFailureAlarmPublishes'))).toEqual({
      Sid: 'PagerFailureAlarmPublishes',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: `<${notifyTopic('P2')}>`,
      Condition: {
        StringEquals: { 'aws:SourceAccount': '<AWS::AccountId>' },
        ArnLike: {
          'aws:SourceArn':
            'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:vigil-shop-vigil-pager-errors',
        },
      },
    });
    for (const severity of ['P1', 'P3', 'P4'] as const) {
      expect(statements(severity).map((s) => s.Sid)).not.toContain('PagerFailureAlarmPublishes');
    }
  });
});

describe('the pager function', () => {
  it('has the house defaults: Node.js 22 on arm64, explicit memory and timeout, JSON logs kept for the configured days', () => {
    const fn = synth.template.toJSON().Resources[pagerId].Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 60,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(synth.stack.pager.logGroup) } },
    });
    synth.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/vigil/shop/pager', RetentionInDays: 7 },
      DeletionPolicy: 'Delete',
    });
  });

  it('gets the project, the readable topics, the canary log group, the sweep interval and the dashboard link', () => {
    const env = synth.template.toJSON().Resources[pagerId].Properties.Environment.Variables;
    expect(flatten(env)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'vigil-pager',
      VIGIL_PROJECT: 'shop',
      NOTIFY_TOPIC_P1: `<${notifyTopic('P1')}>`,
      NOTIFY_TOPIC_P2: `<${notifyTopic('P2')}>`,
      NOTIFY_TOPIC_P3: `<${notifyTopic('P3')}>`,
      NOTIFY_TOPIC_P4: `<${notifyTopic('P4')}>`,
      CANARY_LOG_GROUP: `<${logicalId(synth.stack.canary.logGroup)}>`,
      SWEEP_MINUTES: '15',
      DASHBOARD_URL_TEMPLATE:
        'https://<AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<AWS::Region>#dashboards/dashboard/vigil-shop-{service}',
    });
  });

  it('ships the catalog beside the bundle, not compiled in: composites only where deployed, the watchers and the heartbeat', () => {
    const key = synth.template.toJSON().Resources[pagerId].Properties.Code.S3Key as string;
    const asset = join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const compiled = JSON.parse(readFileSync(join(asset, 'vigil-catalog.json'), 'utf8')) as PagerCatalog;
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).not.toContain('vigil-shop-service-api-P1');
    const expected = withInfraAlarms(buildPagerCatalog(incidentConfig), {
      groupedServices: IncidentPlan.of(incidentConfig).grouped,
      heartbeat: { severity: 'P4' },
    });
    expect(compiled).toEqual(expected);
    expect(compiled.alarms['vigil-shop-service-blog-P4']).toBeUndefined();
    expect(compiled.alarms['vigil-shop-service-api-P1']).toEqual({
      type: 'service',
      service: 'api',
      severity: 'P1',
    });
    expect(compiled.alarms['vigil-shop-vigil-pager-errors']).toEqual({
      type: 'monitor',
      service: 'vigil',
      severity: 'P2',
      monitor: 'vigil-pager-errors',
    });
    expect(compiled.monitors['vigil-pager-errors']).toMatchObject({ kind: 'watcher', service: 'vigil' });
    expect(compiled.alarms['vigil-shop-vigil-heartbeat']).toMatchObject({
      type: 'heartbeat',
      severity: 'P4',
    });
  });

  it('retries a failed page twice, for up to an hour, then dead-letters it', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: pagerId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'Arn'] } },
      },
    });
  });
});

describe('pager role', () => {
  it('may do exactly what the pager needs, on exactly these resources', () => {
    const role = logicalId(synth.stack.pager.role);
    expect(synth.template.findResources('AWS::IAM::ManagedPolicy')).toEqual({});
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
    });
    expect(synth.template.toJSON().Resources[role].Properties.ManagedPolicyArns).toBeUndefined();
    const policies = synth.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: role }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const heartbeat = logicalId(synth.stack.pager.heartbeatAlarm as never);
    expect(flatten(statements)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `<${logicalId(synth.stack.pager.logGroup)}.Arn>`,
      },
      {
        Sid: 'DeadLetterFailedInvocations',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: expect.stringMatching(/^<DeadLettersQueue\w+\.Arn>$/),
      },
      {
        Sid: 'PublishPages',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: SEVERITIES.map((s) => `<${notifyTopic(s)}>`),
      },
      {
        Sid: 'EncryptPages',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: `<${logicalId(synth.stack.paging.key)}.Arn>`,
      },
      {
        Sid: 'ReadAlarmsAndMuteRules',
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'],
        Resource: '*',
      },
      {
        Sid: 'ReadVigilMuteRules',
        Effect: 'Allow',
        Action: 'cloudwatch:GetAlarmMuteRule',
        Resource:
          'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm-mute-rule:vigil-shop-mute-*',
      },
      {
        Sid: 'ReadVigilAlarmHistory',
        Effect: 'Allow',
        Action: 'cloudwatch:DescribeAlarmHistory',
        Resource: 'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:vigil-shop-*',
      },
      {
        Sid: 'ReadCanaryResults',
        Effect: 'Allow',
        Action: 'logs:FilterLogEvents',
        Resource: `<${logicalId(synth.stack.canary.logGroup)}.Arn>`,
      },
      {
        Sid: 'SetHeartbeatState',
        Effect: 'Allow',
        Action: 'cloudwatch:SetAlarmState',
        Resource: `<${heartbeat}.Arn>`,
      },
    ]);
  });
});

describe('sweep and heartbeat', () => {
  const schedule = (name: string) =>
    propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', name);
  const group = () => synth.stack.resolve(synth.stack.pager.schedules.group.scheduleGroupName);

  it('sweeps every 15 minutes with { kind: "sweep" }, in its own schedule group', () => {
    expect(flatten(schedule('sweep'))).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      GroupName: group(),
      Target: {
        Arn: `<${pagerId}.Arn>`,
        Input: JSON.stringify({ kind: 'sweep' }),
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 2 },
      },
    });
  });

  it('sends { kind: "heartbeat" } on the configured schedule', () => {
    expect(flatten(schedule('heartbeat'))).toMatchObject({
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      GroupName: group(),
      Target: { Arn: `<${pagerId}.Arn>`, Input: JSON.stringify({ kind: 'heartbeat' }) },
    });
  });

  it('lets only the pager schedule group invoke the pager', () => {
    const role = logicalId(synth.stack.pager.schedules.role);
    const policies = synth.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: role }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(flatten(statements)).toEqual([
      { Sid: 'InvokePager', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `<${pagerId}.Arn>` },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: expect.stringMatching(/^<DeadLettersQueue\w+\.Arn>$/),
      },
    ]);
  });

  it('has a heartbeat alarm on a metric nobody publishes (OK until set), paging its severity raw topic', () => {
    expect(
      propertiesNamed(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName', 'vigil-shop-vigil-heartbeat'),
    ).toEqual({
      AlarmName: 'vigil-shop-vigil-heartbeat',
      AlarmDescription: expect.stringMatching(/^Heartbeat: the pager sets this alarm to ALARM/),
      Namespace: 'Vigil',
      MetricName: 'Heartbeat',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: rawTopic('P4') }],
      OKActions: [{ Ref: rawTopic('P4') }],
    });
  });

  it('has no heartbeat, schedule or SetAlarmState without one in the config', () => {
    const { heartbeat: _, ...rest } = incidentConfig;
    const { stack, template } = synthVigil({ ...rest, project: 'quiet' });
    expect(stack.pager.heartbeatAlarm).toBeUndefined();
    expect(template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: 'heartbeat' } })).toEqual(
      {},
    );
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(
      'cloudwatch:SetAlarmState',
    );
  });
});
