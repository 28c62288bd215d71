/**
 * The pager's fixtures: a config of the runbooks' systems (MAdef's API and database backups, the
 * WhatsApp outbox queue and worker), its catalog built by the real `buildPagerCatalog`, and the
 * alarm JSON CloudWatch publishes, in its real shape ("+0000" times, Trigger, AlarmRule).
 */
import type { CheckFailure, CheckSuccess } from '../../lambdas/canary/checks/result.ts';
import type { AlarmNotification } from '../../lambdas/pager/events.ts';
import { parseConfig, type VigilConfig } from '../../lib/config/index.ts';
import { heartbeatAlarmName } from '../../lib/naming.ts';
import { buildPagerCatalog, type PagerCatalog } from '../../lib/paging/catalog.ts';

export const RUNBOOK = 'https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md';

/** Project "ops": services madef (P1 API, P2 backups) and whatsapp (P2 outbox queue with a P3 warning, P2 worker). */
export const pagerConfig: VigilConfig = parseConfig(
  {
    project: 'ops',
    services: {
      madef: { description: 'MAdef home care platform' },
      whatsapp: { description: 'WhatsApp notifications', dependsOn: ['madef'] },
    },
    monitors: [
      {
        kind: 'http',
        name: 'madef-api-health',
        service: 'madef',
        description: 'MAdef API health document',
        url: 'https://madef.example.com/api/health',
        severity: 'P1',
        runbook: `${RUNBOOK}#5-verify-system-health`,
        assertions: [{ path: 'status', equals: 'healthy' }],
      },
      {
        kind: 'backup',
        name: 'madef-db-backup',
        service: 'madef',
        severity: 'P2',
        schedule: 'rate(1 hour)',
        s3: { bucket: 'acme-db-backups', prefix: 'madef/' },
        maxAgeHours: 26,
        runbook: `${RUNBOOK}#3-restore-database-backup`,
      },
      {
        kind: 'queue',
        name: 'wa-outbox',
        service: 'whatsapp',
        severity: 'P2',
        sqs: { queue: 'wa-outbox', deadLetterQueue: 'wa-outbox-dlq' },
        maxDepth: 1000,
        warnDepth: 500,
        runbook: 'https://github.com/acme/ops/blob/main/runbooks/whatsapp-notifications.md#queue-backlog',
      },
      {
        kind: 'command',
        name: 'wa-worker',
        service: 'whatsapp',
        severity: 'P2',
        schedule: 'rate(5 minutes)',
        instances: ['i-0123456789abcdef0'],
        command: 'docker compose ps --status running worker | grep -q worker',
        workingDirectory: '/opt/whatsapp',
      },
    ],
  },
  'test/pager/fixtures.ts',
);

/** The catalog the stack builds, plus the heartbeat alarm it adds (under Vigil's own service). */
export const catalog: PagerCatalog = {
  ...buildPagerCatalog(pagerConfig),
  alarms: {
    ...buildPagerCatalog(pagerConfig).alarms,
    [heartbeatAlarmName('ops')]: { type: 'heartbeat', service: 'vigil', severity: 'P4' },
  },
};

/** {@link catalog} without service composites: monitor and aspect alarms page on their own. */
export const catalogWithoutComposites: PagerCatalog = {
  ...catalog,
  alarms: Object.fromEntries(Object.entries(catalog.alarms).filter(([, a]) => a.type !== 'service')),
};

/** A CloudWatch alarm notification, as SNS delivers it in `Records[].Sns.Message`. */
export function notification(over: Partial<AlarmNotification> & { AlarmName: string }): AlarmNotification {
  return {
    AlarmDescription: 'from the stack',
    AWSAccountId: '123456789012',
    NewStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 2 out of the last 3 datapoints [0.0 (01/03/26 10:01:00), 0.0 (01/03/26 10:00:00)] were less than the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).',
    StateChangeTime: '2026-03-01T10:02:30.123+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${over.AlarmName}`,
    OldStateValue: 'OK',
    Trigger: {
      MetricName: 'Success',
      Namespace: 'Vigil',
      StatisticType: 'Statistic',
      Statistic: 'MINIMUM',
      Unit: null,
      Dimensions: [{ value: 'madef-api-health', name: 'Monitor' }],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1.0,
      TreatMissingData: 'breaching',
      EvaluateLowSampleCountPercentile: '',
    },
    ...over,
  };
}

/** The queue's warning-depth alarm (QueueDepth > 500). */
export function warningNotification(over: Partial<AlarmNotification> = {}): AlarmNotification {
  return notification({
    AlarmName: 'vigil-ops-wa-outbox-warning',
    NewStateReason:
      'Threshold Crossed: 1 out of the last 1 datapoints [812.0 (01/03/26 09:40:00)] was greater than the threshold (500.0) (minimum 1 datapoint for OK -> ALARM transition).',
    StateChangeTime: '2026-03-01T09:41:05.000+0000',
    Trigger: {
      MetricName: 'QueueDepth',
      Namespace: 'Vigil',
      Statistic: 'MAXIMUM',
      Dimensions: [{ value: 'wa-outbox', name: 'Monitor' }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 500,
      TreatMissingData: 'notBreaching',
    },
    ...over,
  });
}

/** A composite's notification: AlarmRule and TriggeringChildren, no Trigger. */
export function compositeNotification(
  name: string,
  over: Partial<AlarmNotification> = {},
): AlarmNotification {
  const { Trigger: _, ...base } = notification({ AlarmName: name });
  return {
    ...base,
    NewStateReason:
      'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-ops-madef-api-health transitioned to ALARM at Sunday 01 March, 2026 10:02:30 UTC',
    AlarmRule: 'ALARM("vigil-ops-madef-api-health")',
    TriggeringChildren: [
      {
        Arn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-ops-madef-api-health',
        State: { Value: 'ALARM', Timestamp: '2026-03-01T10:02:30.123+0000' },
      },
    ],
    ...over,
  };
}

/** MAdef's health document answering 503 with the database down (runbook "Verify System Health"). */
export const apiDown: CheckFailure = {
  ok: false,
  monitor: 'madef-api-health',
  kind: 'http',
  checkedAt: '2026-03-01T10:01:58.412Z',
  durationMs: 5030,
  latencyMs: 5012,
  statusCode: 503,
  attempts: 1,
  reason: 'assertion_failed',
  detail: 'status: expected "healthy", got "unhealthy"',
  overallStatus: 'unhealthy',
  components: [
    { name: 'database', state: 'unhealthy', status: 'error', latencyMs: 5001 },
    { name: 'redis', state: 'healthy', status: 'ok', latencyMs: 3 },
    { name: 'whatsapp', state: 'healthy', status: 'not_configured' },
  ],
  assertions: [{ path: 'status', operator: 'equals', expected: 'healthy', actual: 'unhealthy' }],
};

/** Last night's dump is missing: the newest is 30 h old. */
export const backupStale: CheckFailure = {
  ok: false,
  monitor: 'madef-db-backup',
  kind: 'backup',
  checkedAt: '2026-03-01T10:00:04.000Z',
  durationMs: 420,
  attempts: 1,
  reason: 'backup_too_old',
  detail: 'newest backup madef/madef_20260228_040000.sql.gz is 30.0 h old; the limit is 26 h',
  measurements: { BackupAgeSeconds: 108000, BackupSizeBytes: 48213404, BackupCount: 7 },
};

/** The outbox between warning and critical depth: the check passes, the warning alarm judges. */
export const outboxBusy: CheckSuccess = {
  ok: true,
  monitor: 'wa-outbox',
  kind: 'queue',
  checkedAt: '2026-03-01T09:40:12.000Z',
  durationMs: 85,
  attempts: 1,
  detail: 'wa-outbox: 812 messages visible, 4 in flight, 0 delayed',
  measurements: { QueueDepth: 812, InFlight: 4, Delayed: 0, DeadLetterDepth: 0 },
};

/** The outbox above critical depth. */
export const outboxFull: CheckFailure = {
  ok: false,
  monitor: 'wa-outbox',
  kind: 'queue',
  checkedAt: '2026-03-01T10:20:11.000Z',
  durationMs: 90,
  attempts: 1,
  reason: 'queue_depth',
  detail: 'wa-outbox: 1450 messages visible, more than 1000',
  measurements: { QueueDepth: 1450, InFlight: 0, Delayed: 0, DeadLetterDepth: 0 },
};

/** The worker container is not running. */
export const workerDown: CheckFailure = {
  ok: false,
  monitor: 'wa-worker',
  kind: 'command',
  checkedAt: '2026-03-01T10:25:00.000Z',
  durationMs: 2100,
  attempts: 1,
  reason: 'command_failed',
  detail: 'i-0123456789abcdef0: exit 1\nno such service: worker',
};
