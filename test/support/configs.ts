/**
 * Config fixtures for infrastructure tests, validated and resolved by the real `parseConfig`, so a
 * test always sees the config shape the app sees.
 */
import { parseConfig, type VigilConfig, type VigilConfigInput } from '../../lib/config/index.ts';

/** A full ARN, used as given by the canary's IAM policy. */
export const FULL_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/shop/db-AbCdEf';

/**
 * Four monitors covering what the infrastructure decides on:
 * - `api-health` P1, every minute, default alarm (confirmed, 1 of 1), an SSM and a Secrets Manager header;
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

/**
 * Services that page as one incident, with dependencies, maintenance windows and a heartbeat:
 * - `db` (P1 `db-health`, P2 `db-backups` hourly): two monitors, and depended on;
 * - `api` depends on `db`: P1 `api-health`, P2 queue `api-orders` (P3 warning and P2 dead-letter
 *   aspects), P3 `api-slow` every 5 minutes;
 * - `web` depends on `api` and `db`: one P2 monitor, grouped for its dependencies;
 * - `blog`: one P4 monitor, no dependencies: pages from its own alarm (plus a disabled one);
 * - `sunday-maintenance` (db, api; SUN 02:00-04:00 UTC) and `deploys` (every service; TUE and THU
 *   21:30-22:15 Europe/Istanbul);
 * - a weekly P4 heartbeat.
 */
export const incidentConfigInput = {
  project: 'shop',
  logRetentionDays: 7,
  paging: {
    P1: {
      email: ['oncall@shop.example.com'],
      sms: ['+15555550111'],
      https: ['https://events.pagerduty.example.com/integration/p1/enqueue'],
    },
    P2: { email: ['team@shop.example.com'] },
    P3: { https: ['https://api.opsgenie.example.com/v1/json/cloudwatch?apiKey=abc'] },
  },
  services: {
    db: { description: 'PostgreSQL primary' },
    api: { description: 'Orders API', dependsOn: ['db'] },
    web: { dependsOn: ['api', 'db'], dashboard: 'https://grafana.example.com/d/web' },
    blog: {},
  },
  maintenance: [
    {
      name: 'sunday-maintenance',
      services: ['db', 'api'],
      days: ['SUN'],
      start: '02:00',
      end: '04:00',
      timeZone: 'UTC',
    },
    { name: 'deploys', days: ['TUE', 'THU'], start: '21:30', end: '22:15', timeZone: 'Europe/Istanbul' },
  ],
  heartbeat: { schedule: 'cron(0 9 ? * MON *)', severity: 'P4' },
  monitors: [
    { kind: 'http', name: 'db-health', service: 'db', url: 'https://db.example.com/health', severity: 'P1' },
    { kind: 'backup', name: 'db-backups', service: 'db', rds: { instance: 'shop-db' }, severity: 'P2' },
    {
      kind: 'http',
      name: 'api-health',
      service: 'api',
      url: 'https://api.example.com/health',
      severity: 'P1',
      runbook: 'https://github.com/acme/ops/blob/main/runbook.md#api-down',
    },
    {
      kind: 'queue',
      name: 'api-orders',
      service: 'api',
      sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
      warnDepth: 100,
      maxDepth: 500,
      severity: 'P2',
    },
    {
      kind: 'http',
      name: 'api-slow',
      service: 'api',
      url: 'https://api.example.com/orders?limit=1',
      severity: 'P3',
      schedule: 'rate(5 minutes)',
      maxLatencyMs: 800,
    },
    { kind: 'http', name: 'web-home', service: 'web', url: 'https://www.example.com/', severity: 'P2' },
    { kind: 'http', name: 'blog-home', service: 'blog', url: 'https://blog.example.com/', severity: 'P4' },
    { kind: 'http', name: 'blog-old', service: 'blog', url: 'https://old.blog.example.com/', enabled: false },
  ],
} satisfies VigilConfigInput;

/** {@link incidentConfigInput}, validated and resolved. */
export const incidentConfig: VigilConfig = parseConfig(incidentConfigInput, 'test/support/configs.ts');

/**
 * Self-healing, for the remediation template tests and cdk-nag:
 * - `orders` (one P1 monitor): the service's block, ECS restart then rollback of prod/orders;
 * - `billing-fn`: a Lambda alias rollback;
 * - `madef` (two monitors, so its alarms page through composites): `madef-api` restarts compose
 *   postgres then app on an EC2 host and rolls back to the previous tag; `madef-worker-queue`'s
 *   stalled alarm restarts the worker (compose v1) on a hybrid-activated host; its own alarm does not;
 * - `assistant`: a webhook rollback with a Secrets Manager token;
 * - `blog`: no remediation.
 * No ec2-reboot, container-restart or container-rollback: those kinds deploy nothing.
 */
export const remediationConfigInput = {
  project: 'heal',
  paging: { P1: { email: ['oncall@heal.example.com'] } },
  services: {
    orders: {
      remediate: {
        steps: [
          { action: 'ecs-restart', cluster: 'prod', service: 'orders' },
          { action: 'ecs-rollback', cluster: 'prod', service: 'orders' },
        ],
      },
    },
  },
  monitors: [
    {
      kind: 'http',
      name: 'orders-api',
      service: 'orders',
      url: 'https://orders.example.com/health',
      severity: 'P1',
    },
    {
      kind: 'http',
      name: 'billing-fn',
      url: 'https://billing.example.com/health',
      remediate: { steps: [{ action: 'lambda-rollback', functionName: 'billing', alias: 'live' }] },
    },
    {
      kind: 'http',
      name: 'madef-api',
      service: 'madef',
      url: 'https://madef.example.com/api/health',
      remediate: {
        steps: [
          {
            action: 'compose-restart',
            instances: ['i-0123456789abcdef0'],
            directory: '/opt/madef',
            services: ['postgres', 'app'],
          },
          {
            action: 'compose-rollback',
            instances: ['i-0123456789abcdef0'],
            directory: '/opt/madef',
            services: ['app'],
            release: { git: 'tag' },
          },
        ],
      },
    },
    {
      kind: 'queue',
      name: 'madef-worker-queue',
      service: 'madef',
      sqs: { queue: 'madef-jobs' },
      maxDepth: 1000,
      stalled: { minDepth: 10, checks: 5 },
      remediate: {
        on: 'stalled',
        steps: [
          {
            action: 'compose-restart',
            instances: ['mi-0123456789abcdef0'],
            directory: '/opt/worker',
            services: ['worker'],
            compose: 'v1',
          },
        ],
        cooldownMinutes: 30,
      },
    },
    {
      kind: 'http',
      name: 'assistant',
      url: 'https://assistant.example.com/api/health',
      remediate: {
        steps: [
          {
            action: 'webhook',
            url: 'https://api.vercel.com/v1/projects/assistant/rollback/dpl_good',
            token: { secretsManager: 'vigil/assistant/vercel-token' },
            expectStatus: [201],
            rollback: true,
          },
        ],
      },
    },
    { kind: 'http', name: 'blog', url: 'https://blog.example.com/' },
  ],
} satisfies VigilConfigInput;

/** {@link remediationConfigInput}, validated and resolved. */
export const remediationConfig: VigilConfig = parseConfig(remediationConfigInput, 'test/support/configs.ts');
