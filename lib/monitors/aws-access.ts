/**
 * The AWS reads each monitor's check makes, as IAM statements scoped to exactly what the monitor
 * names: its queues, its bucket and prefix, its database's snapshots, its vault, its instances.
 * The canary's role gets the union of these for the enabled monitors and nothing else.
 *
 * Resource types and condition keys follow the Service Authorization Reference for each service.
 */
import { ArnFormat, Aws, type Stack } from 'aws-cdk-lib';
import type { Monitor } from '../config/index.ts';
import { SQS_QUEUE_URL } from '../config/schema.ts';

/** One IAM statement the canary needs, before it is merged with the others. */
export interface AccessGrant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** ARN of an SQS queue given by URL (its own Region and account) or by name (the stack's). */
export function queueArn(stack: Stack, queue: string): string {
  const url = SQS_QUEUE_URL.exec(queue);
  if (url) {
    const host = new URL(queue).hostname; // sqs.<region>.amazonaws.com
    const region = /^sqs\.([a-z0-9-]+)\./.exec(host)?.[1] ?? Aws.REGION;
    return `arn:${Aws.PARTITION}:sqs:${region}:${url[1]}:${url[2]}`;
  }
  return stack.formatArn({ service: 'sqs', resource: queue, arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

/** ARN of a managed instance: EC2 (`i-`) or a hybrid-activated server (`mi-`). */
export function instanceArn(stack: Stack, id: string): string {
  return id.startsWith('mi-')
    ? stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: id })
    : stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: id });
}

/** The AWS-owned document every Run Command check uses (AWS documents carry no account). */
export const RUN_SHELL_SCRIPT_ARN = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}::document/AWS-RunShellScript`;

/**
 * Run Command on the named instances (or on instances with these tags), and reading the results.
 * `GetCommandInvocation` and `ListCommandInvocations` have no resource type: `*` is the only choice.
 */
function runCommand(
  stack: Stack,
  targets: { readonly instances: readonly string[] } | { readonly tags: Readonly<Record<string, string>> },
): AccessGrant[] {
  const send: AccessGrant =
    'instances' in targets
      ? {
          actions: ['ssm:SendCommand'],
          resources: [RUN_SHELL_SCRIPT_ARN, ...targets.instances.map((i) => instanceArn(stack, i))],
        }
      : {
          actions: ['ssm:SendCommand'],
          resources: [
            stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }),
            stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: '*' }),
          ],
          conditions: {
            StringEquals: Object.fromEntries(
              Object.entries(targets.tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v]),
            ),
          },
        };
  return [
    send,
    ...('tags' in targets ? [{ actions: ['ssm:SendCommand'], resources: [RUN_SHELL_SCRIPT_ARN] }] : []),
    { actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations'], resources: ['*'] },
  ];
}

/** The statements `monitor`'s check needs. Header secrets are granted separately (grantSecretRead). */
export function awsAccessOf(stack: Stack, monitor: Monitor): AccessGrant[] {
  switch (monitor.kind) {
    case 'http':
      return [];
    case 'queue': {
      const s = monitor.source;
      if (s.kind === 'endpoint') return [];
      const queues = [s.queue, ...(s.deadLetterQueue ? [s.deadLetterQueue] : [])];
      // A queue given by name is looked up with GetQueueUrl first.
      const byName = queues.some((q) => !SQS_QUEUE_URL.test(q));
      return [
        {
          actions: ['sqs:GetQueueAttributes', ...(byName ? ['sqs:GetQueueUrl'] : [])],
          resources: queues.map((q) => queueArn(stack, q)),
        },
      ];
    }
    case 'backup': {
      const s = monitor.source;
      switch (s.kind) {
        case 's3': {
          const bucket = `arn:${Aws.PARTITION}:s3:::${s.bucket}`;
          return [
            {
              actions: ['s3:ListBucket'],
              resources: [bucket],
              ...(s.prefix && { conditions: { StringLike: { 's3:prefix': `${s.prefix}*` } } }),
            },
            // GetObject reads only the gzip header and trailer (two ranged GETs).
            { actions: ['s3:GetObject'], resources: [`${bucket}/${s.prefix}*`] },
          ];
        }
        case 'rds':
          return s.instance
            ? [
                // DescribeDBInstances tells a mistyped instance (not_found) from one with no snapshot.
                {
                  actions: ['rds:DescribeDBInstances'],
                  resources: [
                    stack.formatArn({
                      service: 'rds',
                      resource: 'db',
                      resourceName: s.instance,
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                  ],
                },
                {
                  actions: ['rds:DescribeDBSnapshots'],
                  resources: [
                    stack.formatArn({
                      service: 'rds',
                      resource: 'db',
                      resourceName: s.instance,
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                    stack.formatArn({
                      service: 'rds',
                      resource: 'snapshot',
                      resourceName: '*',
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                  ],
                },
              ]
            : [
                {
                  actions: ['rds:DescribeDBClusters'],
                  resources: [
                    stack.formatArn({
                      service: 'rds',
                      resource: 'cluster',
                      resourceName: s.cluster ?? '',
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                  ],
                },
                {
                  actions: ['rds:DescribeDBClusterSnapshots'],
                  resources: [
                    stack.formatArn({
                      service: 'rds',
                      resource: 'cluster',
                      resourceName: s.cluster ?? '',
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                    stack.formatArn({
                      service: 'rds',
                      resource: 'cluster-snapshot',
                      resourceName: '*',
                      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                    }),
                  ],
                },
              ];
        case 'awsBackup':
          return [
            {
              actions: ['backup:ListRecoveryPointsByBackupVault'],
              resources: [
                stack.formatArn({
                  service: 'backup',
                  resource: 'backup-vault',
                  resourceName: s.vault,
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              ],
            },
          ];
        case 'host':
          return runCommand(stack, { instances: [s.instance] });
        case 'endpoint':
          return [];
      }
      break;
    }
    case 'command':
      return runCommand(stack, monitor.targets);
  }
}
