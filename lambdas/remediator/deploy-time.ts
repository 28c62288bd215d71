/**
 * When a rollback rung's target was last deployed, for the deploy-aware ladder (a target deployed
 * within `recentDeployMinutes` is rolled back at once rather than restarted):
 * - ECS: the service's PRIMARY deployment's `createdAt`;
 * - Lambda: `LastModified` of the version the alias points at (when it was published);
 * - compose hosts and containers: not read. Their deploys happen outside AWS and Vigil has no
 *   release marker to read yet, so the verdict is "unknown" and the ladder starts with its first
 *   rung (a failed restart still climbs to the rollback).
 * - webhook: the platform behind it does not tell Vigil; likewise "unknown".
 * A failed AWS call is "unknown" too, with its error: the restart rung is the safe default.
 */
import type { RemediationStep } from '../../lib/remediation/model.ts';
import type { DeployClients } from '../shared/aws.ts';
import { parseAlarmTime } from './events.ts';
import type { Known } from './guardrails.ts';

/** When `step`'s target was last deployed, or why that is not known. */
export async function deployTimeOf(clients: DeployClients, step: RemediationStep): Promise<Known<Date>> {
  try {
    switch (step.action) {
      case 'ecs-restart':
      case 'ecs-rollback': {
        const { sdk, client } = await clients.ecs();
        const out = await client.send(
          new sdk.DescribeServicesCommand({ cluster: step.cluster, services: [step.service] }),
        );
        const primary = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
        return primary?.createdAt
          ? { known: true, value: primary.createdAt }
          : { known: false, why: `ECS service ${step.service} has no PRIMARY deployment in ${step.cluster}` };
      }
      case 'lambda-rollback': {
        const { sdk, client } = await clients.lambda();
        const alias = await client.send(
          new sdk.GetAliasCommand({ FunctionName: step.functionName, Name: step.alias }),
        );
        const config = await client.send(
          new sdk.GetFunctionConfigurationCommand({
            FunctionName: step.functionName,
            ...(alias.FunctionVersion && { Qualifier: alias.FunctionVersion }),
          }),
        );
        return config.LastModified
          ? { known: true, value: parseAlarmTime(config.LastModified) }
          : { known: false, why: `${step.functionName}:${step.alias} reports no LastModified` };
      }
      case 'compose-rollback':
      case 'compose-restart':
      case 'container-rollback':
      case 'container-restart':
      case 'ec2-reboot':
        return { known: false, why: 'a host deploy leaves no release marker Vigil reads' };
      case 'webhook':
        return { known: false, why: "the webhook's platform does not report its deploy time" };
    }
  } catch (error) {
    return { known: false, why: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
