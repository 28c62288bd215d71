import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { VigilConfig } from './config/index.ts';
import { CanaryFunction } from './constructs/canary-function.ts';
import { CheckScheduler } from './constructs/check-scheduler.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { HealthMonitor } from './constructs/health-monitor.ts';
import { PagingTopics } from './constructs/paging-topics.ts';
import { QueueAlarms } from './constructs/queue-alarms.ts';
import { awsAccessOf } from './monitors/aws-access.ts';
import { assertDeployable } from './monitors/deployment-checks.ts';
import { secretRefsOf } from './monitors/monitor-traits.ts';
import { SeverityActionStrategy } from './paging/severity-action-strategy.ts';

/** Properties of a {@link VigilStack}. */
export interface VigilStackProps extends StackProps {
  /** The validated, resolved config (`loadConfig` / `parseConfig`). */
  readonly config: VigilConfig;
  /**
   * The config file, named in error messages.
   * @default - not named
   */
  readonly configSource?: string;
  /**
   * The canary's handler file.
   * @default lambdas/canary/handler.ts
   */
  readonly canaryEntry?: string;
}

/** The stack name for a project: `vigil-<project>`. */
export function stackNameFor(project: string): string {
  return `vigil-${project}`;
}

/**
 * Everything one config deploys: paging topics by severity, the canary, its schedules, and one
 * schedule and alarm per enabled monitor.
 */
export class VigilStack extends Stack {
  /** The paging topics. */
  readonly paging: PagingTopics;
  /** The canary Lambda. */
  readonly canary: CanaryFunction;
  /** One per enabled monitor, by monitor name. */
  readonly monitors: ReadonlyMap<string, HealthMonitor>;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const { config } = props;
    assertDeployable(config, props.configSource);
    const enabled = config.monitors.filter((m) => m.enabled);

    this.paging = new PagingTopics(this, 'Paging', { project: config.project, subscribers: config.paging });
    const pageBySeverity = new SeverityActionStrategy(this.paging.topics);

    const deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    this.canary = new CanaryFunction(this, 'Canary', {
      project: config.project,
      monitors: enabled,
      logRetentionDays: config.logRetentionDays,
      deadLetterQueue: deadLetters.queue,
      ...(props.canaryEntry !== undefined && { entry: props.canaryEntry }),
    });
    this.canary.grantSecretRead(enabled.flatMap(secretRefsOf));
    this.canary.grantAwsAccess(enabled.flatMap((m) => awsAccessOf(this, m)));

    const scheduler = new CheckScheduler(this, 'Checks', {
      canary: this.canary.lambda,
      deadLetterQueue: deadLetters.queue,
    });

    const monitors = new Map<string, HealthMonitor>();
    for (const monitor of enabled) {
      const health = new HealthMonitor(this, `Monitor-${monitor.name}`, {
        project: config.project,
        monitor,
        scheduler,
        paging: pageBySeverity,
      });
      monitors.set(monitor.name, health);
      if (monitor.kind === 'queue') {
        new QueueAlarms(health, 'QueueAlarms', {
          project: config.project,
          monitor,
          periodSeconds: health.periodSeconds,
          paging: pageBySeverity,
        });
      }
    }
    this.monitors = monitors;
  }
}
