/**
 * ECS documents: restart a service (force a new deployment) and roll it back to a task definition
 * the remediator resolved (the revision before the current one, or the configured last-known-good).
 * Both wait until the new deployment is stable, then verify.
 *
 * "Stable" is the deployment's `rolloutState`: IN_PROGRESS when it starts, COMPLETED "when the
 * service reaches a steady state", FAILED when the deployment circuit breaker stops it (ECS API
 * reference, Deployment). The wait accepts either end so a circuit-broken deployment fails at once
 * rather than after the whole timeout, and the assertion after it fails the document on FAILED.
 * `deployments[0]` is the PRIMARY deployment, the one UpdateService just started. rolloutState
 * exists for the rolling update (ECS) deployment controller only; a service on CodeDeploy or an
 * external controller times the wait out and the document fails, which is the safe outcome.
 *
 *   RestartService | RollBackService → WaitForDeployment → AssertDeploymentCompleted → Verify…
 */
import type { AutomationDocument, AutomationParameter, AutomationStep } from '../../ssm/automation.ts';
import { type RemediationDocumentOptions, remediationDocumentOf } from './common.ts';

/** Longest an ECS deployment may take to settle. */
export const ECS_DEPLOYMENT_TIMEOUT_SECONDS = 1800;

const ECS_NAME = '^[A-Za-z0-9_-]{1,255}$';

const TARGET_PARAMETERS: Record<'Cluster' | 'Service', AutomationParameter> = {
  Cluster: { type: 'String', description: 'The ECS cluster (its name).', allowedPattern: ECS_NAME },
  Service: { type: 'String', description: 'The ECS service (its name).', allowedPattern: ECS_NAME },
};

const DESCRIBE = {
  Service: 'ecs',
  Api: 'DescribeServices',
  cluster: '{{ Cluster }}',
  services: ['{{ Service }}'],
  PropertySelector: '$.services[0].deployments[0].rolloutState',
};

const WAIT_STEPS: AutomationStep[] = [
  {
    name: 'WaitForDeployment',
    action: 'aws:waitForAwsResourceProperty',
    description: 'Wait until the new deployment completes (or its circuit breaker fails it).',
    timeoutSeconds: ECS_DEPLOYMENT_TIMEOUT_SECONDS,
    inputs: { ...DESCRIBE, DesiredValues: ['COMPLETED', 'FAILED'] },
  },
  {
    name: 'AssertDeploymentCompleted',
    action: 'aws:assertAwsResourceProperty',
    description: 'The deployment reached a steady state (not FAILED).',
    timeoutSeconds: 60,
    inputs: { ...DESCRIBE, DesiredValues: ['COMPLETED'] },
  },
];

/** ecs-restart: UpdateService with forceNewDeployment, wait until stable, verify. */
export function ecsRestartDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: restart an ECS service (force a new deployment), wait until it is stable, then verify health came back.',
    parameters: TARGET_PARAMETERS,
    actionSteps: [
      {
        name: 'RestartService',
        action: 'aws:executeAwsApi',
        description: 'Force a new deployment: every task is replaced by a fresh one.',
        timeoutSeconds: 60,
        inputs: {
          Service: 'ecs',
          Api: 'UpdateService',
          cluster: '{{ Cluster }}',
          service: '{{ Service }}',
          forceNewDeployment: true,
        },
      },
      ...WAIT_STEPS,
    ],
  });
}

/** ecs-rollback: UpdateService to `TaskDefinition`, wait until stable, verify. */
export function ecsRollbackDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: roll an ECS service back to a task definition revision, wait until it is stable, then verify health came back.',
    parameters: {
      ...TARGET_PARAMETERS,
      TaskDefinition: {
        type: 'String',
        description: 'The task definition to roll back to, `family:revision` (resolved by the remediator).',
        allowedPattern:
          '^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/)?[A-Za-z0-9_-]{1,255}:[0-9]{1,9}$',
      },
    },
    actionSteps: [
      {
        name: 'RollBackService',
        action: 'aws:executeAwsApi',
        description: 'Point the service at the previous task definition.',
        timeoutSeconds: 60,
        inputs: {
          Service: 'ecs',
          Api: 'UpdateService',
          cluster: '{{ Cluster }}',
          service: '{{ Service }}',
          taskDefinition: '{{ TaskDefinition }}',
        },
      },
      ...WAIT_STEPS,
    ],
  });
}
