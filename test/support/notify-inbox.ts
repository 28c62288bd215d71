/**
 * The readable notify topics of every severity in fauxqs, each subscribed by a queue, so a handler
 * test reads back exactly the pages a Lambda published (its SNS client reaches fauxqs through the
 * SDK's `AWS_ENDPOINT_URL_SNS`).
 */

import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { SEVERITIES, type Severity } from '../../lib/config/index.ts';
import { TEST_CLIENT_CONFIG } from './aws-clients.ts';

/** One page as it reached a subscribed queue. */
export interface ReceivedPage {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageAttributes: Record<string, { Type: string; Value: string }>;
  /** `Message` parsed: `{ default, email, sms }`. */
  readonly document: Record<string, string>;
  /** The message attributes' values by name. */
  readonly attributes: Record<string, string>;
}

export interface NotifyInbox {
  /** fauxqs's address, for `AWS_ENDPOINT_URL_SNS`. */
  readonly endpoint: string;
  /** Topic ARN by severity, for `NOTIFY_TOPIC_<severity>`. */
  readonly topicArns: Readonly<Record<Severity, string>>;
  /** The pages published to a severity's topic since the last {@link NotifyInbox.purge}. */
  received(severity: Severity): Promise<ReceivedPage[]>;
  /** Empties every queue (between tests). */
  purge(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts fauxqs with topics `<project>-notify-<severity>`, each subscribed by a queue. */
export async function startNotifyInbox(project: string): Promise<NotifyInbox> {
  const fauxqs: FauxqsServer = await startFauxqs({ port: 0, logger: false });
  const endpoint = fauxqs.address;
  const sns = new SNSClient({ ...TEST_CLIENT_CONFIG, endpoint });
  const sqs = new SQSClient({ ...TEST_CLIENT_CONFIG, endpoint });
  const queues = new Map<Severity, string>();
  const topicArns = {} as Record<Severity, string>;
  for (const severity of SEVERITIES) {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: `vigil-${project}-notify-${severity}` }),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `inbox-${severity}` }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: attrs.Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'false' },
      }),
    );
    queues.set(severity, QueueUrl ?? '');
    topicArns[severity] = TopicArn ?? '';
  }
  return {
    endpoint,
    topicArns,
    async received(severity) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.get(severity),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      return (out.Messages ?? []).map((m) => {
        const envelope = JSON.parse(m.Body ?? '{}') as Omit<ReceivedPage, 'document' | 'attributes'>;
        return {
          ...envelope,
          document: JSON.parse(envelope.Message) as Record<string, string>,
          attributes: Object.fromEntries(
            Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
          ),
        };
      });
    },
    async purge() {
      for (const url of queues.values()) await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    },
    stop: () => fauxqs.stop(),
  };
}
