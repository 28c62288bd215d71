import { type Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link CheckScheduler}. */
export interface CheckSchedulerProps {
  /** The function each schedule invokes with its check's event. */
  readonly canary: lambda.IFunction;
  /** Receives invocations the Scheduler could not deliver once its retries ran out. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Delivery retries when invoking the canary fails (throttling, a Lambda service error). They stop
   * anyway once the invocation is one schedule period old, so a late check never runs.
   * @default 2
   */
  readonly maxRetryAttempts?: number;
  /**
   * The role's description. (The pager's sweep and heartbeat schedules reuse this construct with
   * the pager as their function.)
   * @default - "Vigil check schedules: invoke the canary, ..."
   */
  readonly roleDescription?: string;
  /**
   * The `Sid` of the role's invoke statement.
   * @default "InvokeCanary"
   */
  readonly invokeSid?: string;
}

/** One check's schedule, as {@link CheckScheduler.addSchedule} takes it. */
export interface CheckScheduleOptions {
  /** The schedule's name, unique in the group: the monitor's name. */
  readonly name: string;
  /** `rate(...)` or `cron(...)`, evaluated in UTC. */
  readonly expression: string;
  /** The canary's event, sent as the invocation payload (`{ monitor }`). */
  readonly event: object;
  /** Drop an invocation not delivered within this long: the schedule's period. */
  readonly maxEventAge: Duration;
  /**
   * Shown in the console.
   * @default - none
   */
  readonly description?: string;
}

/**
 * Runs checks on EventBridge Scheduler: one schedule group for the project's checks, one role that
 * only this group's schedules can assume and that may only invoke the canary (its unqualified ARN)
 * and write to the dead-letter queue. Each schedule fires on time (no flexible window), in UTC.
 */
export class CheckScheduler extends Construct {
  /** The group holding every check schedule. */
  readonly group: scheduler.ScheduleGroup;
  /** The role the schedules use to invoke the canary. */
  readonly role: iam.Role;

  private readonly canary: lambda.IFunction;
  private readonly deadLetterQueue: sqs.IQueue;
  private readonly maxRetryAttempts: number;

  constructor(scope: Construct, id: string, props: CheckSchedulerProps) {
    super(scope, id);
    this.canary = props.canary;
    this.deadLetterQueue = props.deadLetterQueue;
    this.maxRetryAttempts = props.maxRetryAttempts ?? 2;

    this.group = new scheduler.ScheduleGroup(this, 'Group');
    this.role = new iam.Role(this, 'Role', {
      description:
        props.roleDescription ??
        'Vigil check schedules: invoke the canary, dead-letter what cannot be delivered',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: props.invokeSid ?? 'InvokeCanary',
        actions: ['lambda:InvokeFunction'],
        resources: [this.canary.functionArn],
      }),
    );
    // Written as LambdaInvoke writes it (no sid), so the statement each schedule's target adds again
    // is recognised as a duplicate and dropped.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
  }

  /** Adds a schedule in `scope` that invokes the canary with `options.event`. */
  addSchedule(scope: Construct, id: string, options: CheckScheduleOptions): scheduler.Schedule {
    return new scheduler.Schedule(scope, id, {
      scheduleName: options.name,
      scheduleGroup: this.group,
      ...(options.description !== undefined && { description: options.description }),
      schedule: scheduler.ScheduleExpression.expression(options.expression, TimeZone.ETC_UTC),
      timeWindow: scheduler.TimeWindow.off(),
      target: new CanaryInvoke(this.canary, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject(options.event),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: this.maxRetryAttempts,
        maxEventAge: options.maxEventAge,
      }),
    });
  }
}

/**
 * `LambdaInvoke` whose role permission is the one {@link CheckScheduler} already gave: invoke the
 * unqualified function. The stock target calls `grantInvoke`, which adds `function:*` (every
 * version and alias) to the role.
 */
class CanaryInvoke extends LambdaInvoke {
  constructor(func: lambda.IFunction, props: ScheduleTargetBaseProps & { readonly role: iam.IRole }) {
    super(func, props);
  }

  protected override addTargetActionToRole(_role: iam.IRole): void {
    // Granted once, by CheckScheduler, for every schedule.
  }
}
