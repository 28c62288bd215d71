/**
 * What a rollback rolls back to, resolved by the remediator before it starts the document (the
 * documents take it as a parameter, so they stay one per action kind and hold no lookup logic):
 * - ECS: the configured `taskDefinition`, else the newest ACTIVE revision of the service's current
 *   task definition family below the current revision (a deregistered revision cannot be run);
 * - Lambda: the newest published version below the one the alias points at.
 * Nothing to roll back to is an answer, not an error: the remediation is held back and a person
 * paged. A failed AWS call is an error (the Lambda retries).
 */
import type { RemediationStep } from '../../lib/remediation/model.ts';
import type { DeployClients } from '../shared/aws.ts';

/** The previous version, or why there is none. */
export type RollbackTarget =
  | {
      readonly found: true;
      /** What the document takes: a task definition `family:revision`, or a Lambda version number. */
      readonly value: string;
      /** For pages: `api:41`, `7`. */
      readonly label: string;
      /** What is deployed now, for pages: `api:42`, `8`. */
      readonly current: string;
    }
  | { readonly found: false; readonly why: string };

type EcsRollback = Extract<RemediationStep, { action: 'ecs-rollback' }>;
type LambdaRollback = Extract<RemediationStep, { action: 'lambda-rollback' }>;

/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42` or `api:42` → family and revision. */
export function parseTaskDefinition(ref: string): { family: string; revision: number } | undefined {
  const m = /(?:task-definition\/)?([A-Za-z0-9_-]+):(\d+)$/.exec(ref);
  return m?.[1] && m[2] ? { family: m[1], revision: Number(m[2]) } : undefined;
}

/** The task definition an ECS rollback rung rolls the service back to. */
export async function ecsRollbackTarget(
  ecs: DeployClients['ecs'],
  step: EcsRollback,
): Promise<RollbackTarget> {
  const { sdk, client } = await ecs();
  const out = await client.send(
    new sdk.DescribeServicesCommand({ cluster: step.cluster, services: [step.service] }),
  );
  const service = out.services?.[0];
  const currentRef = service?.taskDefinition;
  if (!currentRef) {
    return { found: false, why: `ECS service ${step.service} was not found in cluster ${step.cluster}` };
  }
  const current = parseTaskDefinition(currentRef);
  const currentLabel = current ? `${current.family}:${current.revision}` : currentRef;
  if (step.taskDefinition) {
    return { found: true, value: step.taskDefinition, label: step.taskDefinition, current: currentLabel };
  }
  if (!current) return { found: false, why: `the service's task definition ${currentRef} has no revision` };

  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListTaskDefinitionsCommand({
        familyPrefix: current.family,
        status: 'ACTIVE',
        sort: 'DESC',
        ...(nextToken && { nextToken }),
      }),
    );
    for (const arn of page.taskDefinitionArns ?? []) {
      const candidate = parseTaskDefinition(arn);
      // familyPrefix matches `api-worker` too; only the service's own family is a previous release.
      if (candidate?.family === current.family && candidate.revision < current.revision) {
        const label = `${candidate.family}:${candidate.revision}`;
        return { found: true, value: label, label, current: currentLabel };
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    found: false,
    why: `no ACTIVE revision of ${current.family} below ${current.revision} (deregistered, or this is the first)`,
  };
}

/** The version a Lambda rollback rung points the alias back to. */
export async function lambdaRollbackTarget(
  lambda: DeployClients['lambda'],
  step: LambdaRollback,
): Promise<RollbackTarget> {
  const { sdk, client } = await lambda();
  const alias = await client.send(
    new sdk.GetAliasCommand({ FunctionName: step.functionName, Name: step.alias }),
  );
  const current = Number(alias.FunctionVersion);
  if (!Number.isInteger(current)) {
    return {
      found: false,
      why: `alias ${step.alias} of ${step.functionName} points at ${alias.FunctionVersion ?? 'nothing'}, not a published version`,
    };
  }
  let best: number | undefined;
  let marker: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListVersionsByFunctionCommand({
        FunctionName: step.functionName,
        ...(marker && { Marker: marker }),
      }),
    );
    for (const v of page.Versions ?? []) {
      const n = Number(v.Version);
      // `$LATEST` is not a release; only published versions below the current one are candidates.
      if (Number.isInteger(n) && n < current && (best === undefined || n > best)) best = n;
    }
    marker = page.NextMarker;
  } while (marker);
  if (best === undefined) {
    return { found: false, why: `${step.functionName} has no published version below ${current}` };
  }
  return { found: true, value: String(best), label: String(best), current: String(current) };
}

/** The rollback target of a rung that needs one (ECS, Lambda); undefined for every other action. */
export function rollbackTarget(
  clients: DeployClients,
  step: RemediationStep,
): Promise<RollbackTarget> | undefined {
  if (step.action === 'ecs-rollback') return ecsRollbackTarget(clients.ecs, step);
  if (step.action === 'lambda-rollback') return lambdaRollbackTarget(clients.lambda, step);
  return undefined;
}
