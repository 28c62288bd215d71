/**
 * The page texts, exactly: what a person reads on a phone (SMS, at most 140 ASCII characters) and in
 * email, for each kind of monitor and each state.
 */
import { describe, expect, it } from 'vitest';
import { type AlarmFacts, factsFromNotification } from '../../lambdas/pager/events.ts';
import {
  duration,
  type FormatContext,
  formatPage,
  type LastCheck,
  latestDatapoint,
  type Page,
  SMS_MAX,
  SUBJECT_MAX,
} from '../../lambdas/pager/format.ts';
import { failingMonitors } from '../../lambdas/pager/incident.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { buildPagerCatalog } from '../../lib/paging/catalog.ts';
import {
  apiDown,
  backupStale,
  catalog,
  compositeNotification,
  notification,
  outboxBusy,
  outboxFull,
  warningNotification,
  workerDown,
} from './fixtures.ts';

const MADEF_DASHBOARD =
  'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-ops-madef';
const WHATSAPP_DASHBOARD =
  'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-ops-whatsapp';

function ctx(now: string, dashboardUrl = MADEF_DASHBOARD): FormatContext {
  return { catalog, now: new Date(now), dashboardUrl };
}

/** Last checks by monitor: canary results (a `CheckResult` is a `LastCheck`). */
function checks(...results: (LastCheck & { monitor: string })[]): Map<string, LastCheck> {
  return new Map(results.map((r) => [r.monitor, r]));
}

/** The ALARM page of a monitor or aspect alarm, with the last checks given. */
function alarmPage(
  alarm: AlarmFacts,
  others: AlarmFacts[],
  last: Map<string, LastCheck>,
  at: FormatContext,
): Page {
  return formatPage({ state: 'ALARM', alarm, failing: failingMonitors(catalog, alarm, others, last) }, at);
}

/**
 * The api-health alarm as CloudWatch sends it: a confirmed HTTP monitor's default 1 of 1, so one
 * failing minute (two failed probes 5 s apart) is enough.
 */
const apiTrigger = {
  ...notification({ AlarmName: 'x' }).Trigger,
  DatapointsToAlarm: 1,
  EvaluationPeriods: 1,
};
const API_REASON =
  'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/03/26 10:01:00)] was less than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).';
const apiAlarm = factsFromNotification(
  notification({ AlarmName: 'vigil-ops-madef-api-health', NewStateReason: API_REASON, Trigger: apiTrigger }),
);
/** The backup alarm as CloudWatch sends it: a backup monitor's default 1 of 1, hourly. */
const BACKUP_REASON =
  'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/03/26 10:00:00)] was less than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).';
const apiRecovered = factsFromNotification(
  notification({
    AlarmName: 'vigil-ops-madef-api-health',
    Trigger: apiTrigger,
    NewStateValue: 'OK',
    OldStateValue: 'ALARM',
    StateChangeTime: '2026-03-01T10:14:30.000+0000',
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints [1.0 (01/03/26 10:13:00), 1.0 (01/03/26 10:12:00), 1.0 (01/03/26 10:11:00)] were not less than the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).',
  }),
);

describe('HTTP monitor', () => {
  const page = alarmPage(apiAlarm, [], checks(apiDown), ctx('2026-03-01T10:03:00Z'));

  it('pages the SMS line the runbooks ask for: severity, service, monitor, state, reason code', () => {
    expect(page.sms).toBe('P1 ALARM madef: madef-api-health down (assertion_failed)');
    expect(page.subject).toBe('P1 ALARM madef: madef-api-health down (assertion_failed)');
    expect(page).toMatchObject({ incidentKey: 'vigil/ops/madef', severity: 'P1', state: 'ALARM' });
  });

  it('emails what failed, against which threshold (saying each failure is confirmed), since when, why, the components, runbook and dashboard', () => {
    expect(page.email).toBe(
      [
        'P1 ALARM madef: madef-api-health down (assertion_failed)',
        '',
        'Service: madef - MAdef home care platform',
        'Severity: P1',
        'In ALARM since: 2026-03-01 10:02 UTC',
        '',
        'What failed:',
        '- madef-api-health (http): GET https://madef.example.com/api/health',
        '  About: MAdef API health document',
        '  Threshold: 1 of 1 check fails (rate(1 minute), each failure confirmed by a second probe 5 s later)',
        '  Observed: Success 0, alarm threshold < 1 (1 of 1 datapoints of 60 s)',
        '  Last check: assertion_failed at 2026-03-01 10:01 UTC',
        '    status: expected "healthy", got "unhealthy"',
        '    HTTP 503 in 5012 ms',
        '    Components: database: error, latency 5001 ms; healthy: redis, whatsapp',
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md#5-verify-system-health',
        '',
        'Alarm: vigil-ops-madef-api-health',
        `Reason: ${API_REASON}`,
        `Dashboard: ${MADEF_DASHBOARD}`,
        'Remediation: none configured',
        'Incident key: vigil/ops/madef',
        '',
      ].join('\n'),
    );
  });

  it("says in the threshold line what a failed check means: confirmed, unconfirmed, or a fast monitor's probes", () => {
    const { monitors } = buildPagerCatalog(
      parseConfig({
        project: 'modes',
        monitors: [
          { kind: 'http', name: 'confirmed', url: 'https://a.example.com/', confirm: { afterMs: 2_000 } },
          { kind: 'http', name: 'single', url: 'https://b.example.com/', confirm: false },
          { kind: 'http', name: 'fast', url: 'https://c.example.com/', fast: true },
        ],
      }),
    );
    expect(monitors.confirmed?.threshold).toBe(
      '1 of 1 check fails (rate(1 minute), each failure confirmed by a second probe 2 s later)',
    );
    expect(monitors.single?.threshold).toBe('2 of 3 checks fail (rate(1 minute))');
    expect(monitors.fast?.threshold).toBe('2 of 3 probes fail (every 10 s)');
  });

  it('resolves the same incident key on OK and says how long it lasted', () => {
    const ok = formatPage(
      { state: 'OK', alarm: apiRecovered, alarmSince: apiAlarm.since },
      ctx('2026-03-01T10:15:00Z'),
    );
    expect(ok.incidentKey).toBe(page.incidentKey);
    expect(ok).toMatchObject({ severity: 'P1', state: 'OK' });
    expect(ok.sms).toBe('P1 OK madef: madef-api-health recovered after 12m');
    expect(ok.subject).toBe('P1 OK madef: madef-api-health recovered after 12m');
    expect(ok.email).toBe(
      [
        'P1 OK madef: madef-api-health recovered after 12m',
        '',
        'Service: madef - MAdef home care platform',
        'Severity: P1',
        'Recovered: 2026-03-01 10:14 UTC',
        'Lasted: 12m (in ALARM since 2026-03-01 10:02 UTC)',
        'Checks: GET https://madef.example.com/api/health',
        '',
        'Alarm: vigil-ops-madef-api-health',
        'Reason: Threshold Crossed: 3 out of the last 3 datapoints [1.0 (01/03/26 10:13:00), 1.0 (01/03/26 10:12:00), 1.0 (01/03/26 10:11:00)] were not less than the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).',
        `Dashboard: ${MADEF_DASHBOARD}`,
        'Incident key: vigil/ops/madef',
        '',
      ].join('\n'),
    );
  });

  it('says the duration is unknown when the alarm history could not be read', () => {
    const ok = formatPage({ state: 'OK', alarm: apiRecovered }, ctx('2026-03-01T10:15:00Z'));
    expect(ok.sms).toBe('P1 OK madef: madef-api-health recovered');
    expect(ok.email).toContain('\nLasted: unknown (the alarm history could not be read)\n');
  });

  it('pages without the last check when the canary logs had none, and names a dead canary "no data"', () => {
    const silent = factsFromNotification(
      notification({
        AlarmName: 'vigil-ops-madef-api-health',
        Trigger: apiTrigger,
        NewStateReason:
          'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].',
      }),
    );
    const p = alarmPage(silent, [], new Map(), ctx('2026-03-01T10:03:00Z'));
    expect(p.sms).toBe('P1 ALARM madef: madef-api-health down (no data)');
    expect(p.email).toContain(
      [
        '  Observed: no Success data, alarm threshold < 1 (1 of 1 datapoints of 60 s)',
        "  Last check: none found in the canary's recent logs",
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md#5-verify-system-health',
      ].join('\n'),
    );
  });
});

describe('queue monitor: warning, then critical', () => {
  const warning = factsFromNotification(warningNotification());
  const warningPage = alarmPage(
    warning,
    [],
    checks(outboxBusy),
    ctx('2026-03-01T09:42:00Z', WHATSAPP_DASHBOARD),
  );

  it('pages the warning aspect at its own severity with the depth against the warning threshold', () => {
    expect(warningPage).toMatchObject({ incidentKey: 'vigil/ops/whatsapp', severity: 'P3', state: 'ALARM' });
    expect(warningPage.sms).toBe('P3 ALARM whatsapp: wa-outbox warning (QueueDepth 812 > 500)');
    expect(warningPage.email).toBe(
      [
        'P3 ALARM whatsapp: wa-outbox warning (QueueDepth 812 > 500)',
        '',
        'Service: whatsapp - WhatsApp notifications',
        'Depends on: madef',
        'Severity: P3',
        'In ALARM since: 2026-03-01 09:41 UTC',
        '',
        'What failed:',
        '- wa-outbox (queue): SQS queue wa-outbox',
        '  Threshold: 2 of 3 checks fail (rate(1 minute)); more than 1000 messages fails',
        '  Observed (warning): QueueDepth 812, alarm threshold > 500 (1 of 1 datapoints of 60 s)',
        '  Last check: passed at 2026-03-01 09:40 UTC',
        '    wa-outbox: 812 messages visible, 4 in flight, 0 delayed',
        '    Measured: QueueDepth 812, InFlight 4, Delayed 0, DeadLetterDepth 0',
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/whatsapp-notifications.md#queue-backlog',
        '',
        'Alarm: vigil-ops-wa-outbox-warning',
        'Reason: Threshold Crossed: 1 out of the last 1 datapoints [812.0 (01/03/26 09:40:00)] was greater than the threshold (500.0) (minimum 1 datapoint for OK -> ALARM transition).',
        `Dashboard: ${WHATSAPP_DASHBOARD}`,
        'Remediation: none configured',
        'Incident key: vigil/ops/whatsapp',
        '',
      ].join('\n'),
    );
  });

  it('escalates to the critical alarm under the same incident key, with the new severity', () => {
    const critical = factsFromNotification(
      notification({
        AlarmName: 'vigil-ops-wa-outbox',
        StateChangeTime: '2026-03-01T10:21:40.000+0000',
        Trigger: {
          ...notification({ AlarmName: 'x' }).Trigger,
          Dimensions: [{ value: 'wa-outbox', name: 'Monitor' }],
        },
      }),
    );
    const page = formatPage(
      {
        state: 'ALARM',
        alarm: critical,
        failing: failingMonitors(catalog, critical, [warning], checks(outboxFull)),
        escalatedFrom: 'P3',
      },
      ctx('2026-03-01T10:22:00Z', WHATSAPP_DASHBOARD),
    );
    expect(page.incidentKey).toBe(warningPage.incidentKey);
    expect(page).toMatchObject({ severity: 'P2', state: 'ALARM' });
    expect(page.sms).toBe('P2 ALARM whatsapp: wa-outbox down (queue_depth; escalated from P3)');
    expect(page.email).toContain(
      [
        'Severity: P2, escalated from P3',
        'In ALARM since: 2026-03-01 10:21 UTC',
        '',
        'What failed:',
        '- wa-outbox (queue): SQS queue wa-outbox',
        '  Threshold: 2 of 3 checks fail (rate(1 minute)); more than 1000 messages fails',
        '  Observed: Success 0, alarm threshold < 1 (2 of 3 datapoints of 60 s)',
        '  Observed (warning): QueueDepth 812, alarm threshold > 500 (1 of 1 datapoints of 60 s)',
        '  Last check: queue_depth at 2026-03-01 10:20 UTC',
        '    wa-outbox: 1450 messages visible, more than 1000',
        '    Measured: QueueDepth 1450, InFlight 0, Delayed 0, DeadLetterDepth 0',
      ].join('\n'),
    );
  });
});

describe('backup monitor', () => {
  it('pages the age of the newest backup against the RPO, with the restore runbook', () => {
    const alarm = factsFromNotification(
      notification({
        AlarmName: 'vigil-ops-madef-db-backup',
        StateChangeTime: '2026-03-01T10:00:40.000+0000',
        NewStateReason: BACKUP_REASON,
        Trigger: {
          ...notification({ AlarmName: 'x' }).Trigger,
          Period: 3600,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
        },
      }),
    );
    const page = alarmPage(alarm, [], checks(backupStale), ctx('2026-03-01T10:01:00Z'));
    expect(page).toMatchObject({ incidentKey: 'vigil/ops/madef', severity: 'P2', state: 'ALARM' });
    expect(page.sms).toBe('P2 ALARM madef: madef-db-backup down (backup_too_old)');
    expect(page.email).toBe(
      [
        'P2 ALARM madef: madef-db-backup down (backup_too_old)',
        '',
        'Service: madef - MAdef home care platform',
        'Severity: P2',
        'In ALARM since: 2026-03-01 10:00 UTC',
        '',
        'What failed:',
        '- madef-db-backup (backup): newest backup in s3://acme-db-backups/madef/',
        '  Threshold: 1 of 1 check fails (rate(1 hour)); newest backup older than 26 h fails',
        '  Observed: Success 0, alarm threshold < 1 (1 of 1 datapoints of 3600 s)',
        '  Last check: backup_too_old at 2026-03-01 10:00 UTC',
        '    newest backup madef/madef_20260228_040000.sql.gz is 30.0 h old; the limit is 26 h',
        '    Measured: BackupAgeSeconds 108000, BackupSizeBytes 48213404, BackupCount 7',
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md#3-restore-database-backup',
        '',
        'Alarm: vigil-ops-madef-db-backup',
        `Reason: ${BACKUP_REASON}`,
        `Dashboard: ${MADEF_DASHBOARD}`,
        'Remediation: none configured',
        'Incident key: vigil/ops/madef',
        '',
      ].join('\n'),
    );
  });
});

describe('command monitor', () => {
  it("quotes the command's output line by line and says when no runbook is linked", () => {
    const alarm = factsFromNotification(
      notification({ AlarmName: 'vigil-ops-wa-worker', StateChangeTime: '2026-03-01T10:30:02.000+0000' }),
    );
    const page = alarmPage(alarm, [], checks(workerDown), ctx('2026-03-01T10:31:00Z', WHATSAPP_DASHBOARD));
    expect(page.sms).toBe('P2 ALARM whatsapp: wa-worker down (command_failed)');
    expect(page.email).toContain(
      [
        'What failed:',
        '- wa-worker (command): `docker compose ps --status running worker | grep -q worker` on i-0123456789abcdef0',
        '  Threshold: 2 of 3 checks fail (rate(5 minutes)); exit code other than 0 within 60 s fails',
        '  Observed: Success 0, alarm threshold < 1 (2 of 3 datapoints of 60 s)',
        '  Last check: command_failed at 2026-03-01 10:25 UTC',
        '    i-0123456789abcdef0: exit 1',
        '    no such service: worker',
        '  Runbook: none linked (add runbook to monitor wa-worker in vigil.config.ts)',
        '',
        'Alarm: vigil-ops-wa-worker',
      ].join('\n'),
    );
  });
});

describe('service composite', () => {
  const composite = factsFromNotification(compositeNotification('vigil-ops-service-madef-P1'));
  const api = { ...apiAlarm, since: new Date('2026-03-01T10:02:30.123Z') };
  const backup: AlarmFacts = {
    name: 'vigil-ops-madef-db-backup',
    state: 'ALARM',
    reason: BACKUP_REASON,
    since: new Date('2026-03-01T10:00:40Z'),
    trigger: {
      metricName: 'Success',
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      periodSeconds: 3600,
    },
  };
  const composedOk: AlarmFacts = {
    ...backup,
    name: 'vigil-ops-service-madef-P2',
    state: 'ALARM',
    trigger: undefined,
  };

  it('lists every failing monitor of the service, in config order, each with its last check and runbook', () => {
    const failing = failingMonitors(
      catalog,
      composite,
      [backup, api, composedOk],
      checks(apiDown, backupStale),
    );
    const page = formatPage({ state: 'ALARM', alarm: composite, failing }, ctx('2026-03-01T10:03:00Z'));
    expect(page).toMatchObject({ incidentKey: 'vigil/ops/madef', severity: 'P1', state: 'ALARM' });
    expect(page.sms).toBe(
      'P1 ALARM madef: madef-api-health, madef-db-backup down (assertion_failed, backup_too_old)',
    );
    expect(page.email).toBe(
      [
        'P1 ALARM madef: madef-api-health, madef-db-backup down (assertion_failed, backup_too_old)',
        '',
        'Service: madef - MAdef home care platform',
        'Severity: P1',
        'In ALARM since: 2026-03-01 10:02 UTC',
        '',
        'What failed:',
        '- madef-api-health (http): GET https://madef.example.com/api/health',
        '  About: MAdef API health document',
        '  Threshold: 1 of 1 check fails (rate(1 minute), each failure confirmed by a second probe 5 s later)',
        '  Observed: Success 0, alarm threshold < 1 (1 of 1 datapoints of 60 s)',
        '  Last check: assertion_failed at 2026-03-01 10:01 UTC',
        '    status: expected "healthy", got "unhealthy"',
        '    HTTP 503 in 5012 ms',
        '    Components: database: error, latency 5001 ms; healthy: redis, whatsapp',
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md#5-verify-system-health',
        '',
        '- madef-db-backup (backup): newest backup in s3://acme-db-backups/madef/',
        '  Threshold: 1 of 1 check fails (rate(1 hour)); newest backup older than 26 h fails',
        '  Observed: Success 0, alarm threshold < 1 (1 of 1 datapoints of 3600 s)',
        '  Last check: backup_too_old at 2026-03-01 10:00 UTC',
        '    newest backup madef/madef_20260228_040000.sql.gz is 30.0 h old; the limit is 26 h',
        '    Measured: BackupAgeSeconds 108000, BackupSizeBytes 48213404, BackupCount 7',
        '  Runbook: https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md#3-restore-database-backup',
        '',
        'Alarm: vigil-ops-service-madef-P1',
        'Reason: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-ops-madef-api-health transitioned to ALARM at Sunday 01 March, 2026 10:02:30 UTC',
        `Dashboard: ${MADEF_DASHBOARD}`,
        'Remediation: none configured',
        'Incident key: vigil/ops/madef',
        '',
      ].join('\n'),
    );
  });

  it('still pages when the states of its monitors could not be read', () => {
    const page = formatPage({ state: 'ALARM', alarm: composite, failing: [] }, ctx('2026-03-01T10:03:00Z'));
    expect(page.sms).toBe('P1 ALARM madef: service down');
    expect(page.email).toContain(
      "What failed:\n- not known: the states of the service's alarms could not be read; see the dashboard\n\nAlarm: vigil-ops-service-madef-P1\n",
    );
  });

  it('recovers as the service', () => {
    const ok = formatPage(
      {
        state: 'OK',
        alarm: { ...composite, state: 'OK', since: new Date('2026-03-01T11:07:30Z') },
        alarmSince: composite.since,
      },
      ctx('2026-03-01T11:08:00Z'),
    );
    expect(ok).toMatchObject({ incidentKey: 'vigil/ops/madef', state: 'OK' });
    expect(ok.sms).toBe('P1 OK madef: service recovered after 1h 5m');
  });
});

describe('reminder', () => {
  it('repeats the page with how long it has been down', () => {
    const page = formatPage(
      {
        state: 'REMINDER',
        alarm: apiAlarm,
        failing: failingMonitors(catalog, apiAlarm, [], checks(apiDown)),
      },
      ctx('2026-03-01T14:02:30.123Z'),
    );
    expect(page).toMatchObject({ incidentKey: 'vigil/ops/madef', severity: 'P1', state: 'REMINDER' });
    expect(page.sms).toBe('P1 REMINDER madef: madef-api-health down for 4h (assertion_failed)');
    expect(page.email).toContain(
      [
        'P1 REMINDER madef: madef-api-health down for 4h (assertion_failed)',
        '',
        'Service: madef - MAdef home care platform',
        'Severity: P1',
        'In ALARM since: 2026-03-01 10:02 UTC (4h ago)',
        'Reminder: still in ALARM; this page repeats until it recovers.',
        '',
        'What failed:',
      ].join('\n'),
    );
  });
});

describe('held by a maintenance window', () => {
  it('pages, when the window closes, what breached during it and still breaches', () => {
    const alarm = { ...apiAlarm, since: new Date('2026-03-01T02:40:00Z') };
    const page = formatPage(
      {
        state: 'ALARM',
        alarm,
        failing: failingMonitors(catalog, alarm, [], checks(apiDown)),
        heldBy: {
          window: 'sunday-maintenance',
          start: new Date('2026-03-01T02:00:00Z'),
          end: new Date('2026-03-01T04:00:00Z'),
        },
      },
      ctx('2026-03-01T04:05:00Z'),
    );
    expect(page).toMatchObject({ incidentKey: 'vigil/ops/madef', severity: 'P1', state: 'ALARM' });
    expect(page.sms).toBe('P1 ALARM madef: madef-api-health down after maintenance (assertion_failed)');
    expect(page.email).toContain(
      [
        'Severity: P1',
        'In ALARM since: 2026-03-01 02:40 UTC (1h 25m ago)',
        'Held: breached during maintenance window sunday-maintenance (2026-03-01 02:00 UTC to 2026-03-01 04:00 UTC) and still breaching',
        '',
        'What failed:',
      ].join('\n'),
    );
  });
});

describe('heartbeat', () => {
  it('says the paging path works', () => {
    const page = formatPage(
      {
        state: 'HEARTBEAT',
        alarm: {
          name: 'vigil-ops-vigil-heartbeat',
          state: 'ALARM',
          reason: 'Vigil heartbeat',
          since: new Date('2026-03-02T09:00:01Z'),
        },
      },
      ctx('2026-03-02T09:00:02Z'),
    );
    expect(page).toEqual({
      incidentKey: 'vigil/ops/vigil',
      severity: 'P4',
      state: 'HEARTBEAT',
      subject: 'P4 HEARTBEAT ops: paging path works',
      sms: 'P4 HEARTBEAT ops: paging path works',
      email: [
        'P4 HEARTBEAT ops: paging path works',
        '',
        'Vigil heartbeat: paging path works.',
        'This page travelled alarm -> SNS -> pager -> notify topic. Nothing to do.',
        'If it stops arriving on schedule, pages are not reaching you: check the pager function and the topic subscriptions.',
        '',
        'Sent: 2026-03-02 09:00 UTC',
        'Alarm: vigil-ops-vigil-heartbeat',
        'Incident key: vigil/ops/vigil',
        '',
      ].join('\n'),
    });
  });
});

describe('length limits', () => {
  const long = 'a'.repeat(20);
  const service = `${long}-customer-notifications-platform-eu`; // 55 characters
  const monitor = `${long}-whatsapp-outbound-message-queue-health`; // 59 characters
  const config = parseConfig({
    project: 'ops',
    monitors: [
      {
        kind: 'http',
        name: monitor,
        service,
        url: 'https://example.com/health',
        severity: 'P1',
        description: 'Santé de l’API — vérifiée chaque minute',
      },
      {
        kind: 'http',
        name: `${long}-second-monitor-with-a-long-name`,
        service,
        url: 'https://example.com/b',
      },
    ],
  });
  const longCatalog = buildPagerCatalog(config);
  const alarm = factsFromNotification(notification({ AlarmName: `vigil-ops-${monitor}` }));
  const failing = failingMonitors(longCatalog, alarm, [], checks({ ...apiDown, monitor }));
  const at = { catalog: longCatalog, now: new Date('2026-03-01T14:02:30.123Z') };

  it('keeps the SMS within 140 characters by cutting the monitor name, never the reason', () => {
    const page = formatPage({ state: 'REMINDER', alarm, failing }, at);
    expect(page.sms).toBe(
      `P1 REMINDER ${service}: aaaaaaaaaaaaaaaaaaaa-whatsapp-outboun... down for 4h (assertion_failed)`,
    );
    expect(page.sms).toHaveLength(SMS_MAX);
  });

  it('keeps the subject under 100 characters by cutting the service name next', () => {
    const page = formatPage({ state: 'REMINDER', alarm, failing }, at);
    expect(page.subject).toBe(
      'P1 REMINDER aaaaaaaaaaaaaaaaaaaa-customer-notificat...: aaaaaaaaa... down for 4h (assertion_failed)',
    );
    expect(page.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
  });

  it('keeps the email headline whole and every line ASCII in SMS and subject', () => {
    const page = formatPage({ state: 'ALARM', alarm, failing }, at);
    expect(page.email.split('\n')[0]).toBe(`P1 ALARM ${service}: ${monitor} down (assertion_failed)`);
    expect(page.email).toContain('  About: Santé de l’API — vérifiée chaque minute');
    expect(page.sms).toMatch(/^[\x20-\x7e]{1,140}$/);
    expect(page.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  it('holds every state within the limits with the longest names a config allows (64 characters)', () => {
    const [svc, m1, m2] = ['s', 'm', 'n'].map((c) => c.repeat(64)) as [string, string, string];
    const widest = buildPagerCatalog(
      parseConfig({
        project: 'p'.repeat(64),
        monitors: [
          { kind: 'http', name: m1, service: svc, url: 'https://example.com/a', severity: 'P1' },
          { kind: 'http', name: m2, service: svc, url: 'https://example.com/b', severity: 'P1' },
        ],
      }),
    );
    const first = factsFromNotification(notification({ AlarmName: `vigil-${'p'.repeat(64)}-${m1}` }));
    const second = { ...first, name: `vigil-${'p'.repeat(64)}-${m2}` };
    const composite = factsFromNotification(
      compositeNotification(`vigil-${'p'.repeat(64)}-service-${svc}-P1`),
    );
    const last = new Map<string, LastCheck>([
      [m1, apiDown],
      [m2, { ...apiDown, reason: 'connection_refused' }],
    ]);
    const widestAt = { catalog: widest, now: new Date('2026-03-03T10:00:00Z') };
    const heldBy = { window: 'w'.repeat(64), start: new Date(0), end: new Date(1) };
    const pages: Page[] = [
      formatPage(
        {
          state: 'ALARM',
          alarm: first,
          failing: failingMonitors(widest, first, [], last),
          escalatedFrom: 'P3',
        },
        widestAt,
      ),
      formatPage(
        {
          state: 'ALARM',
          alarm: composite,
          failing: failingMonitors(widest, composite, [first, second], last),
        },
        widestAt,
      ),
      formatPage(
        { state: 'ALARM', alarm: first, failing: failingMonitors(widest, first, [], last), heldBy },
        widestAt,
      ),
      formatPage(
        {
          state: 'REMINDER',
          alarm: composite,
          failing: failingMonitors(widest, composite, [first, second], last),
        },
        widestAt,
      ),
      formatPage({ state: 'OK', alarm: { ...composite, state: 'OK' }, alarmSince: new Date(0) }, widestAt),
      formatPage({ state: 'OK', alarm: { ...first, state: 'OK' } }, widestAt),
    ];
    for (const page of pages) {
      expect(page.sms.length).toBeLessThanOrEqual(SMS_MAX);
      expect(page.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
      expect(page.sms.startsWith(`P1 ${page.state} ssssssss`)).toBe(true);
    }
    expect(pages[1]?.sms).toBe(
      `P1 ALARM ${svc}: ${'m'.repeat(18)}... down (assertion_failed, connection_refused)`,
    );
  });
});

describe('helpers', () => {
  it('reads the newest datapoint CloudWatch quotes in a reason', () => {
    expect(
      latestDatapoint('... datapoints [1200.0 (01/03/26 10:20:00), 900.0 (01/03/26 10:19:00)] was ...'),
    ).toBe('1200');
    expect(latestDatapoint('... datapoints [0.25 (01/03/26 10:20:00)] ...')).toBe('0.25');
    expect(latestDatapoint('no datapoints were received for 3 periods')).toBe('no data');
    expect(latestDatapoint('arn:... transitioned to ALARM')).toBeUndefined();
  });

  it('says durations the way people do', () => {
    expect([45_000, 12 * 60_000, 4 * 3_600_000, 65 * 60_000, 51 * 3_600_000].map(duration)).toEqual([
      '45s',
      '12m',
      '4h',
      '1h 5m',
      '2d 3h',
    ]);
  });
});
