/**
 * Publishes a readable page to a notify topic, the one way the pager, the remediator and the drill
 * function do it: email subscribers read `email`, SMS subscribers `sms`, any other protocol
 * `default`, and the incident key, severity and state travel as message attributes (for filter
 * policies and for a pager tool that de-duplicates on the key).
 */
import type { AwsClients } from './aws.ts';

/** What a page says, and where it belongs. */
export interface PageMessage {
  readonly subject: string;
  readonly email: string;
  readonly sms: string;
  readonly incidentKey: string;
  readonly severity: string;
  readonly state: string;
}

/** Publishes `page` to `topicArn`; a failure throws, so the invocation is retried. */
export async function publishPage(
  sns: AwsClients['sns'],
  topicArn: string,
  page: PageMessage,
): Promise<void> {
  const { sdk, client } = await sns();
  await client.send(
    new sdk.PublishCommand({
      TopicArn: topicArn,
      Subject: page.subject,
      MessageStructure: 'json',
      Message: JSON.stringify({ default: page.email, email: page.email, sms: page.sms }),
      MessageAttributes: {
        incident_key: { DataType: 'String', StringValue: page.incidentKey },
        severity: { DataType: 'String', StringValue: page.severity },
        state: { DataType: 'String', StringValue: page.state },
      },
    }),
  );
}
