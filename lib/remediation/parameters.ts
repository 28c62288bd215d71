/**
 * What the remediator hands `StartAutomationExecution` for one rung of a ladder: the document's
 * parameters (./documents/), and the id of the target the rung acts on, which tags the execution
 * so guardrails can read that target's history (`executionTargetTagKey`).
 */
import { verifyParameterValues } from '../ssm/verify-steps.ts';
import type { Remediation, RemediationStep } from './model.ts';

/** Values the remediator resolves at run time, because they depend on what is deployed now. */
export interface ResolvedTargets {
  /** ecs-rollback: `family:revision` to roll back to (the revision before the current one, or the configured one). */
  readonly taskDefinition?: string;
  /** lambda-rollback: the version the alias goes back to. */
  readonly functionVersion?: string;
}

/** A rollback was asked for without the version it rolls back to. */
export class UnresolvedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvedTargetError';
  }
}

/** Characters AWS allows in a tag key; anything else in a target id becomes `_`. */
const TAG_KEY_UNSAFE = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

function hosts(instances: readonly string[]): string {
  // Sorted: the same hosts in another order are the same target. `+`, because tag keys allow no comma.
  return [...instances].sort().join('+');
}

/**
 * A stable, readable id of what a step acts on: `ecs/<cluster>/<service>`, `lambda/<fn>/<alias>`,
 * `ec2/<ids>`, `host/<instances>/<dir>`, `container/<instances>/<name>`, `webhook/<host><path>`.
 * A restart and a rollback of the same thing share an id, so they share cooldown and budget.
 */
export function targetIdOf(step: RemediationStep): string {
  const id = ((): string => {
    switch (step.action) {
      case 'ecs-restart':
      case 'ecs-rollback':
        return `ecs/${step.cluster}/${step.service}`;
      case 'lambda-rollback':
        return `lambda/${step.functionName}/${step.alias}`;
      case 'ec2-reboot':
        return `ec2/${hosts(step.instances)}`;
      case 'compose-restart':
      case 'compose-rollback':
        return `host/${hosts(step.instances)}/${step.directory.replace(/^\/+/, '')}`;
      case 'container-restart':
      case 'container-rollback':
        return `container/${hosts(step.instances)}/${step.container}`;
      case 'webhook': {
        const url = new URL(step.url);
        return `webhook/${url.host}${url.pathname}`;
      }
    }
  })();
  return id.replace(TAG_KEY_UNSAFE, '_');
}

/**
 * Parameters every remediation document takes: the monitor the verify steps re-check, the interval
 * that spreads the remediation's settle time over their attempts, and DryRun.
 */
function common(remediation: Remediation, dryRun: boolean): Record<string, string[]> {
  return {
    ...verifyParameterValues(remediation.monitor, remediation.settleSeconds),
    DryRun: [String(dryRun)],
  };
}

/** Drops empty values: the document's default (empty) applies, and the API gets no empty string. */
function withoutEmpty(params: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(params).filter(([, values]) => values.some((v) => v !== '')));
}

/**
 * The `Parameters` of `StartAutomationExecution` for one step: every value a string array, as the
 * API takes them. `resolved` carries what the remediator looked up (the task definition or Lambda
 * version to roll back to); a rollback without it throws {@link UnresolvedTargetError}.
 */
export function documentParameters(
  step: RemediationStep,
  remediation: Remediation,
  resolved: ResolvedTargets | undefined,
  dryRun: boolean,
): Record<string, string[]> {
  const base = common(remediation, dryRun);
  switch (step.action) {
    case 'ecs-restart':
      return { ...base, Cluster: [step.cluster], Service: [step.service] };
    case 'ecs-rollback': {
      const taskDefinition = resolved?.taskDefinition ?? step.taskDefinition;
      if (!taskDefinition) {
        throw new UnresolvedTargetError(
          `ecs-rollback of ${step.cluster}/${step.service}: no task definition to roll back to; ` +
            'resolve the previous revision (or configure taskDefinition) before starting it',
        );
      }
      return { ...base, Cluster: [step.cluster], Service: [step.service], TaskDefinition: [taskDefinition] };
    }
    case 'lambda-rollback': {
      const version = resolved?.functionVersion;
      if (!version) {
        throw new UnresolvedTargetError(
          `lambda-rollback of ${step.functionName}:${step.alias}: no version to roll back to; ` +
            'resolve the previous version before starting it',
        );
      }
      return { ...base, FunctionName: [step.functionName], Alias: [step.alias], FunctionVersion: [version] };
    }
    case 'ec2-reboot':
      return { ...base, InstanceIds: [...step.instances] };
    case 'compose-restart':
      return {
        ...base,
        InstanceIds: [...step.instances],
        Directory: [step.directory],
        Services: [step.services.join(' ')],
        Compose: [step.compose],
        HealthyTimeoutSeconds: [String(step.healthyTimeoutSeconds)],
      };
    case 'compose-rollback': {
      const release = step.release;
      return withoutEmpty({
        ...base,
        InstanceIds: [...step.instances],
        Directory: [step.directory],
        Services: [step.services.join(' ')],
        Compose: [step.compose],
        HealthyTimeoutSeconds: [String(step.healthyTimeoutSeconds)],
        ReleaseKind: [release.kind],
        ...(release.kind === 'git'
          ? { GitRef: [release.ref] }
          : {
              ReleaseLog: [release.releaseLog],
              EnvFile: [release.envFile ?? DEFAULT_ENV_FILE],
              Variable: [release.variable ?? DEFAULT_IMAGE_TAG_VARIABLE],
            }),
      });
    }
    case 'container-restart':
      return { ...base, InstanceIds: [...step.instances], Container: [step.container] };
    case 'container-rollback':
      return {
        ...base,
        InstanceIds: [...step.instances],
        Container: [step.container],
        Image: [step.image],
        RunArgs: [step.runArgs],
        ReleaseLog: [step.release.releaseLog],
      };
    case 'webhook':
      return withoutEmpty({
        ...base,
        Url: [step.url],
        Method: [step.method],
        Body: [step.body ?? ''],
        Token: [step.token ? JSON.stringify(step.token) : ''],
        ExpectStatus: [step.expectStatus.join(',')],
      });
  }
}

/** compose-rollback from an image tag: the env file compose reads, relative to the directory. */
export const DEFAULT_ENV_FILE = '.env';
/** compose-rollback from an image tag: the variable of the env file that holds the tag. */
export const DEFAULT_IMAGE_TAG_VARIABLE = 'IMAGE_TAG';
