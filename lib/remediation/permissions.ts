/**
 * What each remediation document's own assume role may do: only the actions its steps call, only
 * on the clusters, services, functions and instances the config names for that kind of action.
 * The construct turns these into IAM policy statements on the document's role.
 *
 * Not here, because every document needs them and the construct owns the functions:
 * `lambda:InvokeFunction` on the canary (every document's verify steps) and on the webhook function
 * (the webhook document). The construct adds those.
 */
import type { RemediationActionKind, RemediationStep } from './model.ts';

/**
 * Formats an ARN in the stack's partition and region (the construct passes one built on
 * `Stack.formatArn`). `options.account` overrides the account: `''` for AWS-owned resources such as
 * the `AWS-RunShellScript` document, whose ARN has no account.
 */
export type ArnFormatter = (
  service: string,
  resource: string,
  options?: { readonly account?: string },
) => string;

/** One IAM policy statement, before it becomes a `PolicyStatement`. */
export interface PolicyStatementSpec {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

/** Sorted and de-duplicated: one resource per target, whatever the number of bindings naming it. */
function unique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

type StepOf<K extends RemediationActionKind> = Extract<RemediationStep, { action: K }>;

function stepsOf<K extends RemediationActionKind>(kind: K, steps: readonly RemediationStep[]): StepOf<K>[] {
  return steps.filter((s): s is StepOf<K> => s.action === kind);
}

/** An instance's ARN: EC2 for `i-…`, Systems Manager for a hybrid-activated `mi-…` host. */
function instanceArn(id: string, arn: ArnFormatter): string {
  return id.startsWith('mi-') ? arn('ssm', `managed-instance/${id}`) : arn('ec2', `instance/${id}`);
}

/**
 * The aws:runCommand step: SendCommand of AWS-RunShellScript only, on the named instances only
 * (SendCommand is authorized on the document and on each instance); polling the command's
 * progress uses list/get calls that support no resource-level permissions.
 */
function runCommandStatements(instances: Iterable<string>, arn: ArnFormatter): PolicyStatementSpec[] {
  const ids = unique(instances);
  return [
    {
      actions: ['ssm:SendCommand'],
      resources: [
        arn('ssm', 'document/AWS-RunShellScript', { account: '' }),
        ...unique(ids.map((id) => instanceArn(id, arn))),
      ],
    },
    {
      actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
      resources: ['*'],
    },
  ];
}

function ecsStatements(steps: readonly { cluster: string; service: string }[], arn: ArnFormatter) {
  // UpdateService and DescribeServices are authorized on the service ARN (cluster/service).
  return [
    {
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: unique(steps.map((s) => arn('ecs', `service/${s.cluster}/${s.service}`))),
    },
  ];
}

/**
 * The statements of one document's role, for every step of that kind in the config. Empty when
 * the config has no such step (the construct then creates no document) and for `webhook`, whose
 * only call is the invocation the construct grants.
 */
export function documentPermissions(
  kind: RemediationActionKind,
  steps: readonly RemediationStep[],
  arn: ArnFormatter,
): PolicyStatementSpec[] {
  switch (kind) {
    case 'ecs-restart': {
      const mine = stepsOf('ecs-restart', steps);
      return mine.length === 0 ? [] : ecsStatements(mine, arn);
    }
    case 'ecs-rollback': {
      const mine = stepsOf('ecs-rollback', steps);
      return mine.length === 0 ? [] : ecsStatements(mine, arn);
    }
    case 'lambda-rollback': {
      const mine = stepsOf('lambda-rollback', steps);
      if (mine.length === 0) return [];
      // UpdateAlias is authorized on the function; the alias ARN is listed too, so the statement
      // holds whichever of the two Lambda checks, and still names nothing but these aliases.
      return [
        {
          actions: ['lambda:UpdateAlias'],
          resources: unique(
            mine.flatMap((s) => [
              arn('lambda', `function:${s.functionName}`),
              arn('lambda', `function:${s.functionName}:${s.alias}`),
            ]),
          ),
        },
      ];
    }
    case 'ec2-reboot': {
      const mine = stepsOf('ec2-reboot', steps);
      if (mine.length === 0) return [];
      return [
        {
          actions: ['ec2:RebootInstances'],
          resources: unique(mine.flatMap((s) => s.instances.map((id) => arn('ec2', `instance/${id}`)))),
        },
        // DescribeInstanceStatus supports no resource-level permissions.
        { actions: ['ec2:DescribeInstanceStatus'], resources: ['*'] },
      ];
    }
    case 'compose-restart':
    case 'compose-rollback':
    case 'container-restart':
    case 'container-rollback': {
      const mine = steps.filter((s) => s.action === kind) as Extract<
        RemediationStep,
        { instances: readonly string[] }
      >[];
      return mine.length === 0
        ? []
        : runCommandStatements(
            mine.flatMap((s) => s.instances),
            arn,
          );
    }
    case 'webhook':
      return [];
  }
}
