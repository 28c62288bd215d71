/**
 * The paging path: encrypted topics CloudWatch can publish to, their subscribers, and the one place
 * that decides which alarm pages which topic.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES, type Severity } from '../../lib/config/index.ts';
import { SeverityActionStrategy } from '../../lib/paging/severity-action-strategy.ts';
import { infraConfig } from '../support/configs.ts';
import { logicalId, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(infraConfig);
});

const topicId = (severity: Severity) => logicalId(synth.stack.paging.topics[severity]);

describe('topics', () => {
  it('has one topic per severity, each encrypted with the one paging key', () => {
    const key = logicalId(synth.stack.paging.key);
    for (const severity of SEVERITIES) {
      synth.template.hasResource('AWS::SNS::Topic', {
        Properties: {
          KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
          DisplayName: Match.stringLikeRegexp(`^Vigil acme ${severity} `),
        },
      });
      expect(topicId(severity)).toMatch(new RegExp(`^Paging${severity}`));
    }
    expect(Object.keys(synth.template.findResources('AWS::KMS::Key'))).toEqual([key]);
  });

  it('rotates the key and lets CloudWatch use it, so alarms can publish to the encrypted topics', () => {
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
  });

  it('refuses publishing without TLS and lets only this project alarms publish as CloudWatch', () => {
    for (const severity of SEVERITIES) {
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId(severity) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            {
              Sid: 'ProjectAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: topicId(severity) },
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Join': [
                      '',
                      [
                        'arn:',
                        { Ref: 'AWS::Partition' },
                        ':cloudwatch:',
                        { Ref: 'AWS::Region' },
                        ':',
                        { Ref: 'AWS::AccountId' },
                        ':alarm:vigil-acme-*',
                      ],
                    ],
                  },
                },
              },
            },
          ]),
        },
      });
    }
  });
});

describe('subscriptions', () => {
  const subscriptionsOf = (topicId: string) =>
    Object.values(
      synth.template.findResources('AWS::SNS::Subscription', {
        Properties: { TopicArn: { Ref: topicId } },
      }),
    )
      .map((s) => (s as { Properties: { Protocol: string; Endpoint: unknown } }).Properties)
      .map(({ Protocol, Endpoint }) => ({ Protocol, Endpoint }));
  const pager = () => ({
    Protocol: 'lambda',
    Endpoint: { 'Fn::GetAtt': [logicalId(synth.stack.pager.lambda), 'Arn'] },
  });

  it('gives each raw alarm topic its HTTPS endpoints (raw JSON readers) and the pager, and nobody else', () => {
    expect(subscriptionsOf(topicId('P1'))).toEqual([pager()]);
    expect(subscriptionsOf(topicId('P2'))).toEqual([pager()]);
    expect(subscriptionsOf(topicId('P3'))).toEqual([
      { Protocol: 'https', Endpoint: 'https://events.pagerduty.example.com/integration/abc/enqueue' },
      pager(),
    ]);
    expect(subscriptionsOf(topicId('P4'))).toEqual([pager()]);
  });

  it("moves each severity's email and SMS to its readable topic, where the pager's pages go", () => {
    expect(subscriptionsOf(logicalId(synth.stack.notify.topics.P1))).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com' },
      { Protocol: 'sms', Endpoint: '+15555550100' },
    ]);
    for (const severity of ['P2', 'P3', 'P4'] as const) {
      expect(subscriptionsOf(logicalId(synth.stack.notify.topics[severity]))).toEqual([]);
    }
  });
});

describe('SeverityActionStrategy', () => {
  /** Alarm actions of a bare alarm that went through the strategy, as topic display names. */
  function actionsFor(severity: Severity) {
    const stack = new Stack(new App(), 'Strategy');
    const topics = Object.fromEntries(
      SEVERITIES.map((s) => [s, new sns.Topic(stack, s, { displayName: s })]),
    ) as Record<Severity, sns.Topic>;
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
      metric: new cloudwatch.Metric({ namespace: 'Vigil', metricName: 'Success' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    new SeverityActionStrategy(topics).addActions(alarm, severity);
    const props = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const { AlarmActions, OKActions, InsufficientDataActions } = (
      Object.values(props)[0] as { Properties: Record<string, unknown> }
    ).Properties;
    const ref = (s: Severity) => [{ Ref: stack.getLogicalId(topics[s].node.defaultChild as sns.CfnTopic) }];
    return { AlarmActions, OKActions, InsufficientDataActions, ref };
  }

  it.each(SEVERITIES)('sends a %s alarm, and its recovery, to the %s topic only', (severity) => {
    const { AlarmActions, OKActions, InsufficientDataActions, ref } = actionsFor(severity);
    expect(AlarmActions).toEqual(ref(severity));
    expect(OKActions).toEqual(ref(severity));
    expect(InsufficientDataActions).toBeUndefined();
  });
});
