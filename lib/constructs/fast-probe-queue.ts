import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The canary's variable holding the queue's URL (read by lambdas/canary/fast-probe.ts). */
export const FAST_PROBE_QUEUE_URL_ENV = 'VIGIL_FAST_PROBE_QUEUE_URL';

/**
 * Receives of a message before it is dead-lettered: 2, one retry. A retry comes a visibility
 * timeout (the canary's timeout, at least 15 s) after the first try, so its slot's 10 s period is
 * over and the canary drops it with a warning: retrying more buys nothing. A message that fails
 * twice is malformed (a deployment bug) or met a broken canary; the dead-letter queue keeps it for
 * a person, and the `undelivered` watcher pages.
 */
export const FAST_PROBE_MAX_RECEIVE_COUNT = 2;

/**
 * How long a message is kept: an hour. A slot is worth probing for 10 s after its start, so this
 * only has to outlast the longest delay (50 s) plus {@link FAST_PROBE_MAX_RECEIVE_COUNT} + 1
 * visibility timeouts (at most Lambda's 15 minutes each), so a message that keeps failing reaches
 * the dead-letter queue instead of expiring unseen.
 */
export const FAST_PROBE_RETENTION = Duration.hours(1);

/** Properties of a {@link FastProbeQueue}. */
export interface FastProbeQueueProps {
  /** The canary: it sends each minute's later slots to the queue and is invoked with them. */
  readonly canary: lambda.Function;
  /** Receives a message the canary failed {@link FAST_PROBE_MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Fast mode's queue (docs/adr/0006-fast-mode.md): the scheduled invocation of a fast group sends
 * one message per later slot of the minute (slots 1..5), delayed to the slot's start, and this
 * queue's event source mapping invokes the canary with them, so no invocation waits between
 * probes. One queue per app, whatever the number of fast groups.
 *
 * - The queue: SQS-managed encryption, TLS only, kept {@link FAST_PROBE_RETENTION}, visibility
 *   timeout equal to the canary's timeout (Lambda refuses a mapping whose function may outlive
 *   it), redriven to the shared dead-letter queue after {@link FAST_PROBE_MAX_RECEIVE_COUNT}
 *   receives.
 * - The mapping: batch size 10 with no batching window (a slot is due when it becomes visible;
 *   waiting to fill a batch would make it late), and partial batch responses, so only a malformed
 *   record is received again.
 * - The canary may `sqs:SendMessage` (which SendMessageBatch uses) to this queue only, and finds it
 *   in `VIGIL_FAST_PROBE_QUEUE_URL`.
 */
export class FastProbeQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;
  /** The event source mapping that invokes the canary with the queue's messages. */
  readonly eventSource: SqsEventSource;

  constructor(scope: Construct, id: string, props: FastProbeQueueProps) {
    super(scope, id);
    const { canary } = props;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: FAST_PROBE_RETENTION,
      visibilityTimeout: canary.timeout ?? Duration.seconds(3),
      deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: FAST_PROBE_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: 10,
      reportBatchItemFailures: true,
    });
    canary.addEventSource(this.eventSource);
    canary.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'QueueFastProbes',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    canary.addEnvironment(FAST_PROBE_QUEUE_URL_ENV, this.queue.queueUrl);
  }
}
