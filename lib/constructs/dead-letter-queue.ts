import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /**
   * How long an undelivered event is kept for someone to look at.
   * @default Duration.days(14), SQS's maximum
   */
  readonly retentionPeriod?: Duration;
}

/**
 * Where check invocations that never ran end up: the Scheduler's undeliverable invocations and the
 * canary's failed asynchronous invocations. SQS-managed encryption, TLS only. It is the last stop,
 * so it has no dead-letter queue of its own.
 */
export class DeadLetterQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the check schedules and the canary; it needs none.',
    });
  }
}
