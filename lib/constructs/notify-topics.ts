import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity, type Subscribers } from '../config/index.ts';
import { SEVERITY_LABELS } from './paging-topics.ts';

/** Properties of {@link NotifyTopics}. */
export interface NotifyTopicsProps {
  /** The project, as in the config: names the topics. */
  readonly project: string;
  /** Encrypts the topics: the raw alarm topics' key, so one key serves the whole paging path. */
  readonly key: kms.IKey;
  /** Who each severity's topic notifies (the config's `paging`): only its `email` and `sms`. */
  readonly subscribers: Readonly<Record<Severity, Subscribers>>;
}

/**
 * The readable topics: one SNS topic per severity (P1..P4) carrying the pager's pages (what broke,
 * since when, the last check's reason, the runbook and the dashboard), encrypted with the paging
 * key and reachable over TLS only. The config's email and SMS subscribers are here; HTTPS
 * endpoints stay on the raw alarm topics, whose JSON they parse.
 *
 * Only the pager publishes here, plus the alarms given to {@link allowAlarmToPublish}: the pager's
 * own failure alarm, which must reach people when the pager cannot.
 */
export class NotifyTopics extends Construct {
  /** The topic of each severity. */
  readonly topics: Readonly<Record<Severity, sns.Topic>>;

  constructor(scope: Construct, id: string, props: NotifyTopicsProps) {
    super(scope, id);
    const topics = {} as Record<Severity, sns.Topic>;
    for (const severity of SEVERITIES) {
      const topic = new sns.Topic(this, severity, {
        // SMS shows the display name as the sender, so it says what this is.
        displayName: `Vigil ${props.project} ${SEVERITY_LABELS[severity]} pages`,
        masterKey: props.key,
        enforceSSL: true,
      });
      const who = props.subscribers[severity];
      // Ids are the endpoints (as the stock subscriptions do): reordering the config never
      // re-creates a subscription, and never sends a fresh confirmation email.
      for (const email of who.email ?? []) topic.addSubscription(new subscriptions.EmailSubscription(email));
      for (const phone of who.sms ?? []) topic.addSubscription(new subscriptions.SmsSubscription(phone));
      topics[severity] = topic;
    }
    this.topics = topics;
  }

  /**
   * Lets one alarm of this stack publish its raw JSON to the `severity` topic (the paging key
   * already lets CloudWatch encrypt): for the pager's failure alarm only.
   */
  allowAlarmToPublish(alarmName: string, severity: Severity): void {
    const topic = this.topics[severity];
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PagerFailureAlarmPublishes',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${alarmName}`,
          },
        },
      }),
    );
  }
}
