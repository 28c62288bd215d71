/**
 * CloudFormation creates every resource whose dependencies are met at once; a stack of 400 alarms
 * would call PutMetricAlarm / PutCompositeAlarm 400 times together. CloudWatch's API quota for
 * PutMetricAlarm is 3 transactions a second per account and Region (CloudWatch service quotas,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html; DESIGN.md
 * decision 9), and CloudFormation gives up on a resource after its throttling retries run out.
 *
 * {@link AlarmCreationBatches} chains a stack's alarms so at most {@link MAX_CONCURRENT_ALARMS} are
 * created at a time: alarm i depends on alarm i - K, in construct order, making K chains. Every
 * dependency points at an alarm made earlier, as the composites' own DependsOn do, so no cycle is
 * possible. `cdk deploy --all` deploys one stack at a time by default, so the account sees at most
 * K alarm creations in flight: a chain of about 130 alarms at 1-3 s each, a few minutes a stack.
 * DependsOn is not a property: changing it updates no alarm.
 */
import { CfnResource, type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';

/** Alarms (metric and composite) CloudFormation creates at once in one stack: PutMetricAlarm's 3 a second. */
export const MAX_CONCURRENT_ALARMS = 3;

/** Chains the alarms of the stack it is added to, {@link MAX_CONCURRENT_ALARMS} chains (see the module comment). */
export class AlarmCreationBatches implements IAspect {
  /** @param concurrency alarms created at once */
  constructor(private readonly concurrency: number = MAX_CONCURRENT_ALARMS) {}

  visit(node: IConstruct): void {
    if (!(node instanceof Stack)) return;
    const alarms = node.node
      .findAll()
      .filter(
        (c): c is CfnResource =>
          (c instanceof cloudwatch.CfnAlarm || c instanceof cloudwatch.CfnCompositeAlarm) &&
          c instanceof CfnResource &&
          Stack.of(c) === node,
      );
    alarms.forEach((alarm, i) => {
      const before = alarms[i - this.concurrency];
      if (before) alarm.node.addDependency(before);
    });
  }
}
