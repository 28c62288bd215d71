/**
 * Every stack one config deploys, as lib/stack-plan.ts plans them: `vigil-<project>` alone when the
 * config fits one stack; else `vigil-<project>` with the shared resources and one `MonitorStack` per
 * service part. `bin/app.ts` and the tests build the app through {@link addVigilStacks}.
 */
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type MonitorRegistry, MonitorStack } from './monitor-stack.ts';
import { CLOUDFORMATION_MAX_RESOURCES, planStacks, type StackPlan } from './stack-plan.ts';
import { VigilStack, type VigilStackProps } from './vigil-stack.ts';

/** What {@link addVigilStacks} built. */
export interface VigilStacks {
  /** How the monitors were placed. */
  readonly plan: StackPlan;
  /** `vigil-<project>`: the shared resources, and every monitor in `single` mode. */
  readonly main: VigilStack;
  /** The monitor stacks, in plan order (none in `single` mode). */
  readonly monitorStacks: readonly MonitorStack[];
  /** Every stack: main first. */
  readonly all: readonly Stack[];
}

/** Builds the stacks of `props.config` in `scope` (the App). */
export function addVigilStacks(
  scope: Construct,
  props: Omit<VigilStackProps, 'sharedOnly'> & { readonly budget?: number },
): VigilStacks {
  const { budget, ...stackProps } = props;
  const plan = planStacks(props.config, budget);
  const main = new VigilStack(scope, plan.mainStackName, {
    ...stackProps,
    sharedOnly: plan.mode === 'split',
  });
  const registry: MonitorRegistry = { alarms: new Map(), incidents: new Map(), monitors: new Map() };
  const monitorStacks = plan.stacks.map(
    (share) =>
      new MonitorStack(scope, share.stackName, {
        ...(props.env && { env: props.env }),
        description: `Vigil ${props.config.project}: service ${share.service}${share.parts > 1 ? `, part ${share.part} of ${share.parts}` : ''} (${share.monitors.length} monitors)`,
        context: main.context,
        share,
        registry,
      }),
  );
  return { plan, main, monitorStacks, all: [main, ...monitorStacks] };
}

/** CloudFormation resources of a stack (CDK's metadata resource included: it counts too). */
export function resourceCount(stack: Stack): number {
  return stack.node.findAll().filter((c) => c instanceof CfnResource && c.stack === stack).length;
}

/** Throws when a stack would exceed CloudFormation's 500 resources: the plan's estimate missed something. */
export function assertWithinResourceLimit(stacks: readonly Stack[]): void {
  for (const stack of stacks) {
    const count = resourceCount(stack);
    if (count > CLOUDFORMATION_MAX_RESOURCES) {
      throw new Error(
        `stack ${stack.stackName} has ${count} resources; CloudFormation allows ${CLOUDFORMATION_MAX_RESOURCES}. Lower STACK_RESOURCE_BUDGET in lib/stack-plan.ts so the service splits into more parts.`,
      );
    }
  }
}
