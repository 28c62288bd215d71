/**
 * The demo config: the runbooks' health endpoints as served by `scripts/demo-app.ts`, healthy and
 * failing, plus their queues and backups: SQS queues and S3 dumps in fauxqs (a local SQS/S3
 * emulator, seeded by `scripts/demo-aws.ts`), madef's WhatsApp outbox and a database provider's
 * backups API on the demo app. `npm run demo` starts both and runs `vigil check` on this file; by
 * hand:
 *
 *   npx tsx scripts/demo-app.ts &     # starts both and prints the `vigil check` command with its env
 *
 * The SQS and S3 monitors name no endpoint: the AWS SDK takes it from `AWS_ENDPOINT_URL`; the host
 * monitors (Run Command) reach `scripts/demo-ssm.ts` through `AWS_ENDPOINT_URL_SSM`.
 * Half the monitors fail on purpose: each failure is a fault the demo injects, and
 * {@link expectedOutcomes} says which reason code each one must produce.
 */
import type { ReasonCode } from '../lambdas/canary/checks/result.ts';
import { defineConfig } from '../lib/config/index.ts';

const base = process.env.VIGIL_DEMO_URL ?? 'http://127.0.0.1:8787';
/**
 * The HTTPS endpoint with a short-lived self-signed certificate (scripts/demo-tls.ts), when
 * `npm run demo` started one; the process must trust it (`NODE_EXTRA_CA_CERTS`).
 */
const tls = process.env.VIGIL_DEMO_TLS_URL;
/**
 * The demo host's sandbox (scripts/demo-ssm.ts), when `npm run demo` started the local SSM Run
 * Command stand-in (found by the SDK through `AWS_ENDPOINT_URL_SSM`): its paths stand for the host's.
 */
const hostRoot = process.env.VIGIL_DEMO_SSM_ROOT;
/** The stand-in's instance ids (DEMO_INSTANCES in scripts/demo-ssm.ts): madef's host, a muhasebi worker. */
const MADEF_HOST = 'i-0123456789abcdef0';
const MUHASEBI_WORKER = 'i-0fedcba9876543210';

/** What a demo monitor must report, and for a deliberate failure, the fault behind it. */
export interface DemoExpectation {
  readonly result: 'pass' | ReasonCode;
  readonly fault?: string;
}

/**
 * What each demo monitor must report: `pass`, or the reason code of its deliberate failure.
 * `npm run demo` and the CLI tests hold the check run to this.
 */
export const expectedOutcomes: Readonly<Record<string, DemoExpectation>> = {
  'madef-api-health': { result: 'pass' },
  'madef-degraded': {
    result: 'http_status',
    fault: 'the database is down, so /api/health answers 503 "unhealthy"',
  },
  'madef-memory': {
    result: 'assertion_failed',
    fault: 'says "healthy" with memory at 91 %; the runbook wants < 85 %',
  },
  'muhasebi-healthz': { result: 'pass' },
  'muhasebi-readyz': { result: 'pass' },
  'muhasebi-db-down': {
    result: 'http_status',
    fault: '/readyz answers 503 not_ready: database connection failed',
  },
  'nutri-live': { result: 'pass' },
  'nutri-web': { result: 'pass' },
  'nutri-ml': { result: 'pass' },
  'nutri-ml-down': {
    result: 'health_status',
    fault: 'answers HTTP 200, but its body says "unhealthy": the model file is missing',
  },
  'whatsapp-ai-health': { result: 'pass' },
  'slow-endpoint': { result: 'slow', fault: 'answers after 1.5 s; the monitor allows 1000 ms' },
  'hanging-endpoint': { result: 'timeout', fault: 'accepts the connection and never answers' },
  'html-error-page': { result: 'bad_json', fault: "a proxy's HTML error page, served with 200" },
  // Passes, and says that its dead-letter queue holds 2 messages (the alarm on new ones judges them).
  'orders-queue': { result: 'pass' },
  'emails-queue': { result: 'queue_depth', fault: '1,200 emails waiting in SQS; the limit is 1,000' },
  'madef-outbox': { result: 'pass' },
  'madef-outbox-backlog': {
    result: 'queue_depth',
    fault: '1,500 WhatsApp messages stuck in the outbox, the oldest for 40 min',
  },
  'madef-s3-dumps': { result: 'pass' },
  'stale-s3-dumps': {
    result: 'backup_too_old',
    fault: "the newest dump in S3 is 30 h old: last night's failed",
  },
  'provider-backup': { result: 'pass' },
  'provider-backup-stale': {
    result: 'backup_too_old',
    fault: "the provider's newest backup completed 30 h ago",
  },
};

/**
 * What the HTTPS monitor must report when the demo serves HTTPS (`VIGIL_DEMO_TLS_URL` set): kept
 * apart from {@link expectedOutcomes} because the endpoint's port is known only once it listens.
 */
export const tlsOutcomes: Readonly<Record<string, DemoExpectation>> = {
  'madef-tls': {
    result: 'certificate_expiring',
    fault: 'its certificate expires in 5 days: the renewal stopped, and the check fails under 7',
  },
};

/**
 * What the host monitors must report when the demo runs its SSM stand-in (`VIGIL_DEMO_SSM_ROOT`
 * set): kept apart from {@link expectedOutcomes} because the sandbox's path is known only once it
 * exists.
 */
export const hostOutcomes: Readonly<Record<string, DemoExpectation>> = {
  'madef-host-backups': { result: 'pass' },
  'madef-backups-disk': { result: 'pass' },
  'madef-disk-strict': {
    result: 'disk_full',
    fault: 'the same disk held to 1 % used, so any real disk is "full"',
  },
  'muhasebi-worker-health': {
    result: 'command_failed',
    fault: "the worker's health script exits 1: Redis refuses connections",
  },
};

export default defineConfig({
  project: 'demo',
  defaults: { severity: 'P2', timeoutMs: 3000 },
  monitors: [
    {
      // runbooks/madef-home-care.md, "5. Verify System Health"
      name: 'madef-api-health',
      kind: 'http',
      severity: 'P1',
      url: `${base}/madef/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
      componentMetrics: true,
    },
    {
      // The same endpoint with the database down: 503 "unhealthy", memory at 91 %.
      name: 'madef-degraded',
      kind: 'http',
      severity: 'P1',
      url: `${base}/madef-degraded/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
      componentMetrics: true,
      // What its alarm would do (`vigil remediate madef-degraded --dry-run`, step 3 of the demo):
      // restart postgres, then the app; roll back to the previous commit if health does not return.
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
            release: { git: 'commit' },
          },
        ],
      },
    },
    {
      // Says "healthy" with memory at 91 %; the runbook wants it below 85 %.
      name: 'madef-memory',
      kind: 'http',
      severity: 'P3',
      url: `${base}/madef-high-memory/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
    },
    {
      // runbooks/ai-muhasebi.md: liveness, no database involved.
      name: 'muhasebi-healthz',
      kind: 'http',
      url: `${base}/muhasebi/healthz`,
      assertions: [{ path: 'status', equals: 'ok' }],
    },
    {
      // ... and readiness, which needs the database.
      name: 'muhasebi-readyz',
      kind: 'http',
      url: `${base}/muhasebi/readyz`,
      assertions: [{ path: 'status', equals: 'ready' }],
    },
    {
      // Readiness while the database is down: 503 {"status":"not_ready",...}.
      name: 'muhasebi-db-down',
      kind: 'http',
      url: `${base}/muhasebi-down/readyz`,
      assertions: [{ path: 'status', equals: 'ready' }],
    },
    {
      // runbooks/nutri.md, "Quick latency check": expected < 500 ms.
      name: 'nutri-live',
      kind: 'http',
      url: `${base}/nutri/health/live`,
      maxLatencyMs: 500,
    },
    {
      // Nutri's web app is HTML: a text assertion on the raw body (its first 64 KiB), no JSON needed.
      name: 'nutri-web',
      kind: 'http',
      url: `${base}/nutri/web`,
      assertions: [{ text: true, contains: 'Sign in' }],
    },
    {
      // runbooks/nutri.md, "Morning Health Check": the ML service's /health, expected "healthy".
      // No assertion needed: a health document that says it is down fails on its own.
      name: 'nutri-ml',
      kind: 'http',
      url: `${base}/nutri-ml/health`,
    },
    {
      // The ML service with its model missing: HTTP 200, body "unhealthy". Fails as health_status,
      // naming the failing component (set healthStatus: false to judge by the status code only).
      name: 'nutri-ml-down',
      kind: 'http',
      url: `${base}/nutri-ml-down/health`,
    },
    {
      // runbooks/whatsapp-ai-assistant.md: "Verify all services show "up" status".
      name: 'whatsapp-ai-health',
      kind: 'http',
      url: `${base}/whatsapp/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'services.database.status', equals: 'up' },
        { path: 'services.waha.status', equals: 'up' },
      ],
    },
    {
      // Answers after 1.5 s: up, but too slow to count as healthy.
      name: 'slow-endpoint',
      kind: 'http',
      url: `${base}/slow`,
      maxLatencyMs: 1000,
    },
    {
      // Accepts the connection and never answers.
      name: 'hanging-endpoint',
      kind: 'http',
      url: `${base}/hang`,
      timeoutMs: 2000,
    },
    {
      // A proxy's HTML error page served with 200: only an assertion on the JSON catches it.
      name: 'html-error-page',
      kind: 'http',
      url: `${base}/html`,
      assertions: [{ path: 'status', equals: 'ok' }],
    },
    {
      // runbooks/whatsapp-notifications.md, "Queue Backup": alert when SQS holds over 1000 messages.
      // The dead-letter queue's 2 messages are a note here; an alarm pages on new ones.
      name: 'orders-queue',
      kind: 'queue',
      sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
      maxDepth: 1000,
    },
    {
      // The same limit on a queue whose consumer has stopped: 1,200 emails waiting.
      name: 'emails-queue',
      kind: 'queue',
      sqs: { queue: 'emails' },
      maxDepth: 1000,
    },
    {
      // runbooks/madef-home-care.md §7.1, "outbox messages piling up": not SQS, a JSON endpoint.
      name: 'madef-outbox',
      kind: 'queue',
      endpoint: {
        url: `${base}/madef/api/whatsapp/queue`,
        depthPath: 'pending',
        oldestAgePath: 'oldestQueuedAt',
      },
      maxDepth: 1000,
      maxOldestMessageAgeSeconds: 900,
    },
    {
      // The outbox behind a stuck WhatsApp provider: 1,500 pending, the oldest queued 40 min ago.
      name: 'madef-outbox-backlog',
      kind: 'queue',
      endpoint: {
        url: `${base}/madef-backlog/api/whatsapp/queue`,
        depthPath: 'pending',
        oldestAgePath: 'oldestQueuedAt',
      },
      maxDepth: 1000,
      maxOldestMessageAgeSeconds: 900,
    },
    {
      // runbooks/madef-home-care.md §3: a nightly pg_dump, 7 days kept, RPO 24 h (26 h leaves the
      // dump time to finish). Aged by the file name; each newest dump's gzip is checked end to end.
      name: 'madef-s3-dumps',
      kind: 'backup',
      s3: {
        bucket: 'acme-db-backups',
        prefix: 'madef/',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        minCount: 7,
      },
      maxAgeHours: 26,
    },
    {
      // The same rules on a prefix whose newest dump is 30 h old: last night's dump never arrived.
      name: 'stale-s3-dumps',
      kind: 'backup',
      s3: {
        bucket: 'acme-db-backups',
        prefix: 'stale/',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        minCount: 7,
      },
      maxAgeHours: 26,
    },
    {
      // A managed database provider's backups API: the newest backup's completion time.
      name: 'provider-backup',
      kind: 'backup',
      endpoint: { url: `${base}/provider/backups/latest`, timestampPath: 'latest.completedAt' },
    },
    {
      // The same API when the provider's last backup completed 30 h ago (the default RPO is 24 h).
      name: 'provider-backup-stale',
      kind: 'backup',
      endpoint: { url: `${base}/provider-stale/backups/latest`, timestampPath: 'latest.completedAt' },
    },
    // Only when the demo runs its fake host (see `hostRoot` above): Run Command, for real, in a sandbox.
    ...(hostRoot
      ? [
          {
            // runbooks/madef-home-care.md §3 on the host itself: listed over Run Command, aged by the
            // file name, every dump gzip-tested on the host.
            name: 'madef-host-backups',
            kind: 'backup' as const,
            host: {
              instance: MADEF_HOST,
              directory: `${hostRoot}/opt/madef/backups`,
              pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
              minCount: 7,
            },
            maxAgeHours: 26,
          },
          {
            // §3's `df -h /opt/madef/backups`: the dumps and the database share this disk.
            name: 'madef-backups-disk',
            kind: 'command' as const,
            instances: [MADEF_HOST],
            disk: { path: `${hostRoot}/opt/madef/backups`, maxUsedPercent: 90 },
          },
          {
            // The same disk with a 1 % limit: what a full disk's failure says.
            name: 'madef-disk-strict',
            kind: 'command' as const,
            instances: [MADEF_HOST],
            disk: { path: `${hostRoot}/opt/madef/backups`, maxUsedPercent: 1 },
          },
          {
            // runbooks/ai-muhasebi.md "Worker Health Check", on a worker whose Redis is down.
            name: 'muhasebi-worker-health',
            kind: 'command' as const,
            instances: [MUHASEBI_WORKER],
            command: 'sh ./health-check.sh',
            workingDirectory: `${hostRoot}/opt/ai-muhasebi`,
            timeoutSeconds: 30,
          },
        ]
      : []),
    // Only when the demo serves HTTPS (see `tls` above): every https monitor reads its certificate.
    ...(tls
      ? [
          {
            name: 'madef-tls',
            kind: 'http' as const,
            url: `${tls}/api/health`,
            assertions: [{ path: 'status', equals: 'healthy' }],
          },
        ]
      : []),
  ],
});
