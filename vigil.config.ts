/**
 * Vigil's example config: the endpoints our runbooks (../shared/runbooks/) check by hand with curl,
 * pointed at example hosts. Copy it, change the hosts and subscribers, and `npx cdk deploy`.
 * `npx vigil validate` checks it; `npx vigil check` runs every monitor once from this machine.
 */
import { defineConfig } from './lib/config/index.ts';

const RUNBOOKS = 'https://github.com/example/ops/blob/main/runbooks';

// Hosts the remediations act on, over Systems Manager Run Command. MAdef's is the EC2 instance its
// backups are read from; nutri's server is outside AWS ("ssh root@<server-ip>"), registered with
// Systems Manager by a hybrid activation, so it has a managed-instance (mi-) ID.
const MADEF_HOST = 'i-0123456789abcdef0';
const NOTIFICATIONS_HOST = 'i-0fedcba9876543210';
const NUTRI_HOST = 'mi-0123456789abcdef0';

export default defineConfig({
  project: 'example',
  defaults: {
    severity: 'P2',
    schedule: 'rate(1 minute)',
    // No alarm here: each kind has its own default. "Alert if status is not healthy for 2 consecutive
    // checks" (whatsapp-ai-assistant runbook) is, for an HTTP monitor, the confirmation probe (a
    // failing check is probed again 5 s later and fails only if that fails too) and a 1-of-1 alarm:
    // one confirmed failing minute pages, and a blip shorter than 5 s pages nothing.
    timeoutMs: 10_000,
  },
  paging: {
    P1: { email: ['oncall@example.com'], sms: ['+15555550100'] },
    P2: { email: ['oncall@example.com'] },
    P3: { email: ['ops@example.com'] },
    P4: {},
  },
  // Nutri's maintenance window, "Sunday 2-4 AM UTC" (nutri.md "Maintenance Windows"): its pages are
  // held (CloudWatch alarm mute rules), its checks keep running, and whatever still breaches at 04:00
  // pages then.
  maintenance: [
    {
      name: 'sunday-maintenance',
      services: ['nutri'],
      days: ['SUN'],
      start: '02:00',
      end: '04:00',
      timeZone: 'UTC',
    },
  ],
  monitors: [
    // MAdef Home Care: Next.js under docker compose on one host (madef-home-care.md §5).
    {
      name: 'madef-api-health',
      service: 'madef',
      kind: 'http',
      description: 'MAdef /api/health: database, redis, whatsapp and memory',
      url: 'https://madef.example.com/api/health',
      severity: 'P1',
      runbook: `${RUNBOOKS}/madef-home-care.md#5-verify-system-health`,
      maxLatencyMs: 2_000,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'checks.redis.status', oneOf: ['ok', 'not_configured'] },
        { path: 'checks.whatsapp.status', equals: 'ok' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
      // One metric per component costs $0.30 a month: publish only the database's.
      componentMetrics: ['database'],
      // The certificate is checked on every https monitor (14 days warns, 7 fails); this one also
      // pages P3 when fewer than 14 days remain, for the week the renewal job has to be fixed in.
      certificate: { warningAlarm: true },
      // "Restart PostgreSQL first, then the app" (madef-home-care.md §7.2, §7.3); if health does
      // not come back, "check out the previous commit and rebuild" (§2 Rollback). Right after a
      // deploy the remediator goes straight to the rollback.
      remediate: {
        steps: [
          {
            action: 'compose-restart',
            instances: [MADEF_HOST],
            directory: '/opt/madef',
            services: ['postgres', 'app'],
          },
          {
            action: 'compose-rollback',
            instances: [MADEF_HOST],
            directory: '/opt/madef',
            services: ['app'],
            release: { git: 'commit' },
          },
        ],
      },
    },
    {
      name: 'madef-admin-status',
      service: 'madef',
      kind: 'http',
      description: 'MAdef admin system status (needs the admin token)',
      url: 'https://madef.example.com/api/admin/system/status',
      severity: 'P3',
      schedule: 'rate(5 minutes)',
      // Read at run time from SSM Parameter Store (SecureString), never written into the template.
      headers: { authorization: { ssmParameter: '/vigil/madef/admin-token', prefix: 'Bearer ' } },
      runbook: `${RUNBOOKS}/madef-home-care.md#5-verify-system-health`,
    },
    // ai-muhasebi: backend API liveness and readiness (ai-muhasebi.md "Health Check Endpoints").
    {
      name: 'muhasebi-healthz',
      service: 'muhasebi',
      kind: 'http',
      url: 'https://api.muhasebi.example.com/healthz',
      assertions: [{ path: 'status', equals: 'ok' }],
      runbook: `${RUNBOOKS}/ai-muhasebi.md#health-check-endpoints`,
    },
    {
      name: 'muhasebi-readyz',
      service: 'muhasebi',
      kind: 'http',
      description: 'Readiness: 503 {"status":"not_ready"} when the database is down',
      url: 'https://api.muhasebi.example.com/readyz',
      severity: 'P1',
      assertions: [{ path: 'status', equals: 'ready' }],
      runbook: `${RUNBOOKS}/ai-muhasebi.md#health-check-endpoints`,
    },
    // Nutri: backend API and ML service (nutri.md "Morning Health Check").
    {
      name: 'nutri-api-live',
      service: 'nutri',
      kind: 'http',
      url: 'https://api.nutri.example.com/health/live',
      maxLatencyMs: 1_000,
      runbook: `${RUNBOOKS}/nutri.md#morning-health-check`,
      // "docker restart nutri-backend", then "start with old image" (nutri.md "Service Down",
      // "Rollback Deployment"). The deploy appends each image tag to releases.log on the host. Held
      // during the Sunday window like its pages.
      remediate: {
        steps: [
          { action: 'container-restart', instances: [NUTRI_HOST], container: 'nutri-backend' },
          {
            action: 'container-rollback',
            instances: [NUTRI_HOST],
            container: 'nutri-backend',
            image: 'ghcr.io/example/nutri/backend',
            runArgs: '-d --name nutri-backend --env-file /opt/nutri/.env -p 3000:3000',
            release: { imageTag: { releaseLog: '/opt/nutri/releases.log' } },
          },
        ],
      },
    },
    {
      name: 'nutri-api-health',
      service: 'nutri',
      kind: 'http',
      url: 'https://api.nutri.example.com/health',
      assertions: [{ path: 'status', equals: 'healthy' }],
      runbook: `${RUNBOOKS}/nutri.md#morning-health-check`,
    },
    {
      name: 'nutri-ml-health',
      service: 'nutri',
      kind: 'http',
      url: 'https://ml.nutri.example.com/health',
      severity: 'P3',
      assertions: [{ path: 'status', equals: 'healthy' }],
      runbook: `${RUNBOOKS}/nutri.md#morning-health-check`,
    },
    // WhatsApp AI assistant: `services.*.status == "up"` (whatsapp-ai-assistant.md "Health Endpoint").
    {
      name: 'whatsapp-assistant-health',
      service: 'whatsapp-assistant',
      kind: 'http',
      url: 'https://assistant.example.com/api/health',
      severity: 'P1',
      // "Alert if response time > 5 seconds"; "not healthy for 2 consecutive checks": the default
      // confirmation probe and 1-of-1 alarm (see defaults).
      maxLatencyMs: 5_000,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'services.database.status', equals: 'up' },
        { path: 'services.redis.status', equals: 'up' },
        { path: 'services.waha.status', equals: 'up' },
      ],
      runbook: `${RUNBOOKS}/whatsapp-ai-assistant.md#health-endpoint`,
      // "vercel rollback" (whatsapp-ai-assistant.md "Quick Rollback"), through Vercel's REST API:
      // it names the deployment to go back to, so pin your last known good one here. The token is
      // read from Secrets Manager when the webhook runs, never written into the template.
      remediate: {
        steps: [
          {
            action: 'webhook',
            url: 'https://api.vercel.com/v1/projects/whatsapp-assistant/rollback/dpl_LastKnownGood',
            method: 'POST',
            token: { secretsManager: 'vigil/assistant/vercel-token' },
            expectStatus: [201],
            rollback: true,
          },
        ],
        maxRunsPerDay: 1,
      },
    },
    // WhatsApp notifications API (whatsapp-notifications.md).
    {
      name: 'notifications-api-health',
      service: 'whatsapp-notifications',
      kind: 'http',
      url: 'https://api.notifications.example.com/v1/health',
      assertions: [{ path: 'database.connected', equals: true }],
      runbook: `${RUNBOOKS}/whatsapp-notifications.md#health-monitoring`,
    },

    // Queues. "SQS queue depth > 1000" (whatsapp-notifications.md "Queue Backup"): read directly with
    // GetQueueAttributes; dead letters page on arrival; a consumer that stops draining pages too.
    {
      name: 'notifications-queue',
      service: 'whatsapp-notifications',
      kind: 'queue',
      sqs: { queue: 'whatsapp-notifications', deadLetterQueue: 'whatsapp-notifications-dlq' },
      warnDepth: 500,
      maxDepth: 1_000,
      stalled: { minDepth: 100, checks: 10 },
      maxOldestMessageAgeSeconds: 900,
      runbook: `${RUNBOOKS}/whatsapp-notifications.md#queue-backup`,
      // A consumer that stopped draining: "docker-compose restart worker" (whatsapp-notifications.md
      // "High Error Rate"). The stalled alarm starts it, not the depth alarm: a deep queue that is
      // draining needs more workers, not a restart.
      remediate: {
        on: 'stalled',
        steps: [
          {
            action: 'compose-restart',
            instances: [NOTIFICATIONS_HOST],
            directory: '/opt/whatsapp-notifications',
            services: ['worker'],
            compose: 'v1',
          },
        ],
      },
    },
    // MAdef's WhatsApp outbox is a BullMQ queue, not SQS: its depth comes from the app's own API
    // ("outbox messages piling up", madef-home-care.md §7.1).
    {
      name: 'madef-outbox',
      service: 'madef',
      kind: 'queue',
      endpoint: {
        url: 'https://madef.example.com/api/whatsapp/queue',
        headers: { authorization: { ssmParameter: '/vigil/madef/admin-token', prefix: 'Bearer ' } },
        depthPath: 'pending',
        oldestAgePath: 'oldestQueuedAt',
      },
      maxDepth: 500,
      maxOldestMessageAgeSeconds: 1_800,
      runbook: `${RUNBOOKS}/madef-home-care.md#71-circuit-breaker-open-whatsapp`,
    },

    // Backups. MAdef dumps to /opt/madef/backups on its host, pruned after 7 days (§3): read over
    // SSM Run Command, aged by the timestamp in the file name, gzip-tested on the host.
    {
      name: 'madef-host-backups',
      service: 'madef',
      kind: 'backup',
      host: {
        instance: 'i-0123456789abcdef0',
        directory: '/opt/madef/backups',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        minSizeBytes: 1_024,
        minCount: 6,
        maxSizeDropPercent: 50,
      },
      // Dumps run at 02:00; 26 h leaves the dump itself time to finish before anyone is paged.
      maxAgeHours: 26,
      severity: 'P2',
      runbook: `${RUNBOOKS}/madef-home-care.md#3-restore-database-backup`,
    },
    // "Check disk space for backups" (madef-home-care.md §3, `df -h /opt/madef/backups`), and
    // "PostgreSQL may stop if disk is full": the dumps and the database volume share the host's disk.
    {
      name: 'madef-backups-disk',
      service: 'madef',
      kind: 'command',
      instances: ['i-0123456789abcdef0'],
      disk: { path: '/opt/madef/backups', maxUsedPercent: 90, warnUsedPercent: 80, maxInodesUsedPercent: 90 },
      schedule: 'rate(15 minutes)',
      severity: 'P2',
      runbook: `${RUNBOOKS}/madef-home-care.md#3-restore-database-backup`,
    },
    // The same dumps, copied off the host to S3 (if you sync them there).
    {
      name: 'madef-s3-backups',
      service: 'madef',
      kind: 'backup',
      s3: {
        bucket: 'example-db-backups',
        prefix: 'madef/',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        minSizeBytes: 1_024,
        minCount: 6,
      },
      maxAgeHours: 26,
      runbook: `${RUNBOOKS}/madef-home-care.md#3-restore-database-backup`,
    },
    // whatsapp-notifications keeps its database on RDS: the newest available snapshot, RPO 24 h.
    {
      name: 'notifications-db-snapshots',
      service: 'whatsapp-notifications',
      kind: 'backup',
      rds: { instance: 'whatsapp-notif-db' },
      maxAgeHours: 25,
      runbook: `${RUNBOOKS}/whatsapp-notifications.md#database-backup`,
    },

    // Host commands. ai-muhasebi's worker health lives only on the host (ai-muhasebi.md "Worker
    // Health Check"): run it over Run Command on the instances tagged as its workers.
    {
      name: 'muhasebi-worker-health',
      service: 'muhasebi',
      kind: 'command',
      tags: { Role: 'muhasebi-worker' },
      command: 'pnpm -C apps/worker-jobs health-check',
      workingDirectory: '/opt/ai-muhasebi',
      timeoutSeconds: 60,
      schedule: 'rate(5 minutes)',
      runbook: `${RUNBOOKS}/ai-muhasebi.md#worker-health-check`,
    },
  ],
  // DR drills (README "DR drills"): every month, restore the newest backup of a backup monitor into
  // scratch, verify it, measure RTO and RPO against the runbooks' "RTO 1 hour, RPO 24 hours", clean up
  // and report. Default schedule: the first Sunday of the month at 03:00 UTC.
  drills: [
    // MAdef's nightly dumps, restored on their own host into a scratch database of its PostgreSQL,
    // as madef-home-care.md §3 restores them (`docker compose exec -T postgres psql -U madef`), and
    // checked with §3's row counts.
    {
      name: 'madef-host-dumps',
      backup: 'madef-host-backups',
      restore: { psql: 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U madef' },
      verify: {
        queries: [
          { table: 'Paciente', min: 1 },
          { table: 'Cuidador', min: 1 },
          { table: 'Avaliacao', min: 1 },
        ],
        // Prisma's updatedAt: the newest data, for the RPO (not the dump's name, which a stale dump can carry).
        freshness: 'SELECT max("updatedAt") FROM "Avaliacao"',
      },
      rpoHours: 26,
    },
    // The same dumps copied to S3, restored on a drill host a week later.
    {
      name: 'madef-s3-dumps',
      backup: 'madef-s3-backups',
      restore: { instance: 'i-0fedcba9876543210' },
      verify: { queries: [{ table: 'Paciente' }, { table: 'Cuidador' }, { table: 'Avaliacao' }] },
      rpoHours: 26,
      schedule: 'cron(0 3 ? * SUN#2 *)',
    },
    // whatsapp-notifications' RDS snapshots ("Restore from Backup", whatsapp-notifications.md), into a
    // private db.t4g.micro scratch instance, verified from the drill host, deleted afterwards. Game
    // day: its alarm is set to ALARM with a [DRILL] reason, proving the paging path every month.
    {
      name: 'notifications-db',
      backup: 'notifications-db-snapshots',
      restore: {
        subnetGroup: 'notifications-private',
        securityGroups: ['sg-0123456789abcdef0'],
        verifyInstance: 'i-0fedcba9876543210',
        user: 'postgres',
        database: 'whatsapp_notifications',
        password: { secretsManager: 'whatsapp-notifications/db', jsonKey: 'password' },
      },
      verify: {
        queries: [{ table: 'notifications', min: 1 }],
        freshness: 'SELECT max(created_at) FROM notifications',
      },
      rtoMinutes: 60,
      rpoHours: 25,
      schedule: 'cron(0 3 ? * SUN#3 *)',
      gameDay: true,
    },
  ],
});
