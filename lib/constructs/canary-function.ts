import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CANARY_MONITORS_FILE, toVerifyMonitors } from '../config/events.ts';
import type { Monitor, SecretRef } from '../config/index.ts';
import type { AccessGrant } from '../monitors/aws-access.ts';
import { invocationDeadlineMs } from '../monitors/monitor-traits.ts';
import { METRIC_NAMESPACE } from '../naming.ts';
import { HouseFunction, wildcardFinding } from './house-function.ts';
import { grantSecretRead } from './secret-read.ts';

/** The canary's handler: middy wiring around the check engine. */
export const CANARY_ENTRY = fileURLToPath(new URL('../../lambdas/canary/handler.ts', import.meta.url));

/**
 * Seconds added to the slowest monitor's invocation deadline (a fast monitor's: one probe and the
 * send of its later slots) for the Lambda timeout: cold start, reading header secrets from SSM /
 * Secrets Manager, and flushing the EMF line, so a check that uses its whole deadline still reports
 * its result instead of being killed.
 */
export const TIMEOUT_MARGIN_SECONDS = 5;

/** Properties of a {@link CanaryFunction}. */
export interface CanaryFunctionProps {
  /** The project, as in the config: names the log group. */
  readonly project: string;
  /**
   * Every monitor this function may run: the slowest one's invocation deadline sizes the timeout,
   * and the enabled ones ship beside the bundle for verify mode (`vigil-monitors.json`).
   */
  readonly monitors: readonly Monitor[];
  /** Days the logs (and so the EMF metrics' raw lines) are kept; one of CloudWatch's retention values. */
  readonly logRetentionDays: number;
  /**
   * Receives invocations that failed (the handler threw, for example on a malformed event), so they
   * are visible rather than silently dropped.
   * @default - failed invocations are only logged
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * The handler file.
   * @default lambdas/canary/handler.ts
   */
  readonly entry?: string;
  /**
   * Memory in MB. Measured peak (bench/canary-usage.ts, docs/performance.md): 86 MB for 50 checks in
   * one invocation, 75 MB for a queued fast slot of 10 probes, 59 MB after init. 256 MB is kept for
   * its CPU share, not its memory: below 1,769 MB memory buys a share of a vCPU, and the cold init
   * (150 ms median target) and each check's TLS and JSON work run on it. Since fast mode stopped
   * waiting between probes, no invocation is billed for idle time, so 128 MB would save about
   * $0.06 an endpoint-month on a fast monitor and less on a standard one.
   * @default 256
   */
  readonly memorySize?: number;
}

/**
 * The canary Lambda, with the house defaults ({@link HouseFunction}): Node.js 22 on arm64, one ESM
 * bundle, JSON logs in its own log group, and a role that can write to that log group and nothing
 * else until {@link grantSecretRead} is called.
 *
 * It never calls PutMetricData: results leave as EMF lines in the log group (DESIGN.md decision 2).
 * Each invocation runs one monitor (`{ monitor }`), so asynchronous retries are off: a retried
 * check would report late into the wrong alarm period, and a missed one is already a missing data
 * point, which the monitor's alarm treats as a failure.
 *
 * Verify mode (`{ verify: "<monitor>" }`, a remediation's verify steps) looks monitors up by name in
 * `vigil-monitors.json`, written here at synth and copied beside the bundle after esbuild runs, like
 * the pager's catalog: read only by a verify invocation, so a scheduled check's cold start and the
 * bundle are unchanged, and its size is capped only by the Lambda package's.
 */
export class CanaryFunction extends HouseFunction {
  constructor(scope: Construct, id: string, props: CanaryFunctionProps) {
    const monitorsFile = join(mkdtempSync(join(tmpdir(), 'vigil-canary-monitors-')), CANARY_MONITORS_FILE);
    writeFileSync(monitorsFile, JSON.stringify(toVerifyMonitors(props.monitors)));
    // A fast monitor's invocation is one probe and a send (docs/adr/0006-fast-mode.md): its default
    // 5 s probe gives 15 s. The fast-probe queue's visibility timeout follows this timeout.
    const slowestCheckMs = Math.max(0, ...props.monitors.map(invocationDeadlineMs));
    super(scope, id, {
      project: props.project,
      name: 'canary',
      entry: props.entry ?? CANARY_ENTRY,
      description: `Vigil ${props.project}: runs one monitor's check per invocation and reports it as EMF`,
      roleDescription: `Vigil ${props.project} canary: write its own logs, read the secrets its monitors name`,
      logRetentionDays: props.logRetentionDays,
      memorySize: props.memorySize ?? 256,
      timeout: Duration.seconds(Math.ceil(slowestCheckMs / 1000) + TIMEOUT_MARGIN_SECONDS),
      environment: { POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE },
      bundledFiles: { [CANARY_MONITORS_FILE]: monitorsFile },
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      ...(props.deadLetterQueue && { deadLetterQueue: props.deadLetterQueue }),
    });
  }

  /**
   * Lets the canary read exactly these secrets: `ssm:GetParameter` on each named parameter,
   * `secretsmanager:GetSecretValue` on each named secret (a name matches its ARN's random 6-character
   * suffix; an ARN is used as given), and `kms:Decrypt` through those two services only, for
   * SecureStrings and secrets encrypted with a customer-managed key. Nothing is granted for an
   * empty list.
   */
  grantSecretRead(refs: readonly SecretRef[]): void {
    grantSecretRead(this.role, refs, {
      parameters: 'ReadHeaderParameters',
      secrets: 'ReadHeaderSecrets',
      decrypt: 'DecryptHeaderSecrets',
      what: 'the named SecureStrings and secrets',
    });
  }

  /**
   * Lets the canary make the AWS reads its monitors need (lib/monitors/aws-access.ts), merged by
   * action and condition so one statement lists every queue, bucket or instance it applies to.
   * Reading a backup object from a bucket encrypted with a customer-managed key also needs
   * `kms:Decrypt` through S3.
   */
  grantAwsAccess(grants: readonly AccessGrant[]): void {
    const merged = new Map<string, { grant: AccessGrant; resources: Set<string> }>();
    for (const grant of grants) {
      const key = JSON.stringify([[...grant.actions].sort(), grant.conditions ?? null]);
      const entry = merged.get(key) ?? { grant, resources: new Set<string>() };
      for (const r of grant.resources) entry.resources.add(r);
      merged.set(key, entry);
    }
    const wildcards: string[] = [];
    for (const { grant, resources } of merged.values()) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [...grant.actions],
          resources: [...resources].sort(),
          ...(grant.conditions && { conditions: grant.conditions as Record<string, unknown> }),
        }),
      );
      wildcards.push(
        ...[...resources].filter((r) => (Token.isUnresolved(r) ? r.includes('*') : r.endsWith('*'))),
      );
    }
    if (grants.some((g) => g.actions.includes('s3:GetObject'))) {
      const anyKey = Stack.of(this).formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptBackupObjects',
          actions: ['kms:Decrypt'],
          resources: [anyKey],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
      wildcards.push(anyKey);
    }
    // cdk-nag names each wildcard finding by its resource; acknowledge exactly those, with the reason.
    for (const id of new Set(wildcards.map((r) => wildcardFinding(Stack.of(this), r)))) {
      Validations.of(this.role).acknowledge({
        id,
        reason:
          'The narrowest IAM allows: objects under the monitored backup prefix (prefix*), snapshots of the monitored database (RDS authorizes DescribeDB*Snapshots on snapshot ARNs whose names are not known in advance), Run Command results (GetCommandInvocation/ListCommandInvocations have no resource type), instances selected by tag (conditioned on ssm:resourceTag), and kms:Decrypt only via S3 for backup objects.',
      });
    }
  }
}
