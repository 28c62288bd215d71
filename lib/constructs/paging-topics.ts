import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity, type Subscribers } from '../config/index.ts';
import { monitorAlarmName } from '../naming.ts';

/** Properties of {@link PagingTopics}. */
export interface PagingTopicsProps {
  /** The project, as in the config: names the topics and scopes who may publish (its alarms). */
  readonly project: string;
  /**
   * Who each severity's topic notifies (the config's `paging`): only its `https` endpoints
   * (PagerDuty/Opsgenie CloudWatch integrations) read raw alarm JSON; `email` and `sms` go to the
   * readable topics (`NotifyTopics`).
   */
  readonly subscribers: Readonly<Record<Severity, Subscribers>>;
}

/** How topics and pages name a severity. */
export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  P1: 'P1 critical',
  P2: 'P2 high',
  P3: 'P3 warning',
  P4: 'P4 info',
};

/**
 * The raw alarm topics: one SNS topic per severity (P1..P4), all encrypted with one customer-managed
 * KMS key (rotated yearly) and reachable over TLS only. CloudWatch may use the key and publish to
 * the topics, as far as the project's own alarms are concerned, which is what lets an alarm page
 * through an encrypted topic at all. Subscribers receive the raw alarm JSON: the config's HTTPS
 * endpoints (PagerDuty and Opsgenie read it) and the pager, which turns it into readable pages on
 * the `NotifyTopics`, where email and SMS subscribe.
 */
export class PagingTopics extends Construct {
  /** The key encrypting every topic. */
  readonly key: kms.Key;
  /** The topic of each severity. */
  readonly topics: Readonly<Record<Severity, sns.Topic>>;

  constructor(scope: Construct, id: string, props: PagingTopicsProps) {
    super(scope, id);
    const alarmArns = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${monitorAlarmName(props.project, '*')}`;

    this.key = new kms.Key(this, 'Key', {
      description: `Vigil ${props.project}: encrypts the paging topics`,
      enableKeyRotation: true,
      // Topics hold no messages at rest: once the stack is gone the key protects nothing.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // "Enable compatibility between event sources from AWS services and encrypted topics" (SNS
    // developer guide, key management): CloudWatch needs these two actions on the topic's key, or
    // alarm notifications are dropped. Left unconditioned, as AWS documents it: a condition the
    // service does not send here would silently stop every page.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    const topics = {} as Record<Severity, sns.Topic>;
    for (const severity of SEVERITIES) {
      const topic = new sns.Topic(this, severity, {
        displayName: `Vigil ${props.project} ${SEVERITY_LABELS[severity]}`,
        masterKey: this.key,
        enforceSSL: true,
      });
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ProjectAlarmsPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': alarmArns },
          },
        }),
      );
      subscribe(topic, props.subscribers[severity]);
      topics[severity] = topic;
    }
    this.topics = topics;
  }

  /** The topic of `severity`. */
  topic(severity: Severity): sns.ITopic {
    return this.topics[severity];
  }
}

/**
 * Each subscription's construct id is its endpoint (as the stock subscriptions do), so reordering
 * the config never re-creates one.
 */
function subscribe(topic: sns.Topic, who: Subscribers): void {
  for (const url of who.https ?? []) {
    topic.addSubscription(
      new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }),
    );
  }
}
