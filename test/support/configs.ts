/**
 * Config fixtures for infrastructure tests, validated and resolved by the real `parseConfig`, so a
 * test always sees the config shape the app sees.
 */
import { parseConfig, type VigilConfig, type VigilConfigInput } from '../../lib/config/index.ts';

/** A full ARN, used as given by the canary's IAM policy. */
export const FULL_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/shop/db-AbCdEf';

/**
 * Four monitors covering what the infrastructure decides on:
 * - `api-health` P1, every minute, default 2 of 3, an SSM and a Secrets Manager header;
 * - `shop-health` P3, every 5 minutes, 3 of 5, 20 s timeout, a secret given by full ARN;
 * - `nightly-report` P4, a daily-running cron every 15 minutes;
 * - `retired` disabled, with a parameter the canary must NOT be allowed to read.
 */
export const infraConfigInput = {
  project: 'acme',
  logRetentionDays: 14,
  paging: {
    P1: { email: ['oncall@example.com'], sms: ['+15555550100'] },
    P3: { https: ['https://events.pagerduty.example.com/integration/abc/enqueue'] },
  },
  monitors: [
    {
      kind: 'http',
      name: 'api-health',
      description: 'Public API health document',
      url: 'https://api.example.com/health',
      severity: 'P1',
      runbook: 'https://github.com/acme/ops/blob/main/runbook.md#api-down',
      headers: {
        authorization: { ssmParameter: '/vigil/acme/api-token', prefix: 'Bearer ' },
        'x-api-key': { secretsManager: 'vigil/acme/api-key' },
        accept: 'application/json',
      },
    },
    {
      kind: 'http',
      name: 'shop-health',
      url: 'https://shop.example.com/healthz',
      severity: 'P3',
      schedule: 'rate(5 minutes)',
      timeoutMs: 20_000,
      alarm: { datapointsToAlarm: 3, evaluationPeriods: 5 },
      headers: { 'x-db-token': { secretsManager: FULL_SECRET_ARN, jsonKey: 'token' } },
    },
    {
      kind: 'http',
      name: 'nightly-report',
      url: 'https://reports.example.com/status',
      severity: 'P4',
      schedule: 'cron(0/15 * * * ? *)',
    },
    {
      kind: 'http',
      name: 'retired',
      url: 'https://old.example.com/health',
      enabled: false,
      headers: { authorization: { ssmParameter: '/vigil/acme/retired-token' } },
    },
  ],
} satisfies VigilConfigInput;

/** {@link infraConfigInput}, validated and resolved. */
export const infraConfig: VigilConfig = parseConfig(infraConfigInput, 'test/support/configs.ts');

/** The smallest deployable config: one monitor, no secrets, no subscribers. */
export const minimalConfig: VigilConfig = parseConfig(
  {
    project: 'tiny',
    monitors: [{ kind: 'http', name: 'home', url: 'https://example.com/' }],
  },
  'minimal',
);

/** {@link infraConfigInput} with `changes` applied to its first monitor, resolved. */
export function withFirstMonitor(changes: Record<string, unknown>): VigilConfig {
  const [first, ...rest] = infraConfigInput.monitors;
  return parseConfig({ ...infraConfigInput, monitors: [{ ...first, ...changes }, ...rest] }, 'test');
}

/** Queue, backup and command monitors of every source, for IAM scoping, queue alarms and cdk-nag. */
export const opsConfig = parseConfig({
  project: 'ops',
  monitors: [
    {
      kind: 'queue',
      name: 'orders-queue',
      sqs: {
        queue: 'orders',
        deadLetterQueue: 'https://sqs.eu-west-1.amazonaws.com/210987654321/orders-dlq',
      },
      maxDepth: 1000,
      warnDepth: 500,
      stalled: { minDepth: 10, checks: 5 },
      maxOldestMessageAgeSeconds: 900,
      severity: 'P2',
    },
    {
      kind: 'queue',
      name: 'outbox',
      endpoint: { url: 'https://madef.example.com/api/whatsapp/queue', depthPath: 'pending' },
      maxDepth: 200,
    },
    {
      kind: 'backup',
      name: 'madef-s3-dumps',
      s3: { bucket: 'acme-db-backups', prefix: 'madef/', pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz' },
    },
    { kind: 'backup', name: 'nutri-rds', rds: { instance: 'nutri-db' } },
    { kind: 'backup', name: 'aurora', rds: { cluster: 'shop-aurora' } },
    {
      kind: 'backup',
      name: 'vault',
      awsBackup: { vault: 'prod-vault', resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:nutri-db' },
    },
    {
      kind: 'backup',
      name: 'madef-host-dumps',
      host: {
        instance: 'i-0123456789abcdef0',
        directory: '/opt/madef/backups',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
      },
    },
    {
      kind: 'command',
      name: 'muhasebi-worker',
      tags: { Role: 'worker' },
      command: 'pnpm -C apps/worker-jobs health-check',
      workingDirectory: '/opt/ai-muhasebi',
    },
  ],
});
