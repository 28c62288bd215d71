/**
 * The pager through its real middy handler: SNS in fauxqs (the four notify topics, each with an SQS
 * queue subscribed, raw delivery off, so the test reads the SNS envelope a subscriber gets), and
 * CloudWatch and CloudWatch Logs, which have no emulator, with aws-sdk-client-mock, asserting the
 * exact commands. The handler's own SDK clients find fauxqs through AWS_ENDPOINT_URL_SNS, as
 * `vigil check` and the canary tests do; nothing in lambdas/ knows of it.
 *
 * fauxqs does not apply `MessageStructure: 'json'`: it delivers the JSON document itself, where SNS
 * would deliver its `default` value (the email text) to an SQS subscriber, `email` to email and
 * `sms` to SMS. The tests therefore read the published document and assert each protocol's text.
 */
import {
  CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetAlarmMuteRuleCommand,
  ListAlarmMuteRulesCommand,
  type MetricAlarm,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetCatalogCache } from '../../lambdas/pager/catalog.ts';
import { factsFromNotification } from '../../lambdas/pager/events.ts';
import { formatPage } from '../../lambdas/pager/format.ts';
import { failingMonitors } from '../../lambdas/pager/incident.ts';
import type { PagerResult } from '../../lambdas/pager/pager.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';
import { type NotifyInbox, startNotifyInbox } from '../support/notify-inbox.ts';
import {
  apiDown,
  backupStale,
  catalog,
  catalogWithoutComposites,
  compositeNotification,
  notification,
  outboxBusy,
  outboxFull,
  warningNotification,
} from './fixtures.ts';

const cloudwatch = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);

const LOG_GROUP = '/aws/lambda/vigil-ops-canary';
const DASHBOARD =
  'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-ops-{service}';
let inbox: NotifyInbox;

const context = {
  functionName: 'vigil-ops-pager',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-ops-pager',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  inbox = await startNotifyInbox('ops');
  const endpoint = inbox.endpoint;
  for (const [severity, arn] of Object.entries(inbox.topicArns)) vi.stubEnv(`NOTIFY_TOPIC_${severity}`, arn);
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoint);
  vi.stubEnv('AWS_REGION', TEST_CLIENT_CONFIG.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('VIGIL_PROJECT', 'ops');
  vi.stubEnv('CANARY_LOG_GROUP', LOG_GROUP);
  vi.stubEnv('SWEEP_MINUTES', '15');
  vi.stubEnv('DASHBOARD_URL_TEMPLATE', DASHBOARD);
  vi.stubEnv('VIGIL_CATALOG', JSON.stringify(catalog));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await inbox?.stop();
});

beforeEach(() => {
  cloudwatch.reset();
  logs.reset();
  // Only Date: the SDK and fauxqs keep their real timers.
  vi.useFakeTimers({ toFake: ['Date'] });
  // Powertools logs go to stdout/stderr; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.stubEnv('VIGIL_CATALOG', JSON.stringify(catalog));
  resetCatalogCache();
  await inbox.purge();
});

/** An SNS event as Lambda receives it from a raw alarm topic. */
function snsEvent(message: unknown) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:vigil-ops-alarms-P1:0b8f',
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:vigil-ops-alarms-P1',
          Subject: 'ALARM: "vigil-ops-madef-api-health" in EU (Ireland)',
          Message: JSON.stringify(message),
          Timestamp: '2026-03-01T10:02:31.000Z',
          MessageAttributes: {},
        },
      },
    ],
  };
}

async function invoke(event: unknown): Promise<PagerResult> {
  const { handler } = await import('../../lambdas/pager/handler.ts');
  return handler(event, context);
}

/** What reached the queue subscribed to a severity's notify topic: SNS envelopes. */
const received = (severity: Parameters<NotifyInbox['received']>[0]) => inbox.received(severity);

function metricAlarm(
  name: string,
  state: string,
  since: string,
  over: Partial<MetricAlarm> = {},
): MetricAlarm {
  return {
    AlarmName: name,
    StateValue: state as MetricAlarm['StateValue'],
    StateReason: 'Threshold Crossed',
    StateTransitionedTimestamp: new Date(since),
    StateUpdatedTimestamp: new Date(since),
    MetricName: 'Success',
    Threshold: 1,
    ComparisonOperator: 'LessThanThreshold',
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Period: 60,
    ...over,
  };
}

function compositeAlarm(name: string, state: string, since: string): CompositeAlarm {
  return {
    AlarmName: name,
    AlarmRule: 'ALARM("...")',
    StateValue: state as CompositeAlarm['StateValue'],
    StateReason:
      'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-ops-madef-api-health transitioned to ALARM',
    StateTransitionedTimestamp: new Date(since),
  };
}

/** A canary log line as CloudWatch Logs returns it from FilterLogEvents. */
function canaryLine(result: { monitor: string; checkedAt: string; ok: boolean; reason?: string }) {
  return {
    timestamp: Date.parse(result.checkedAt),
    message: JSON.stringify({
      level: result.ok ? 'INFO' : 'WARN',
      message: result.ok ? 'check passed' : `check failed: ${result.reason}`,
      timestamp: result.checkedAt,
      service: 'vigil-canary',
      monitor: result.monitor,
      monitorService: 'madef',
      severity: 'P1',
      result,
    }),
  };
}

const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm'];
const MADEF_SIBLINGS_OF_API = [
  'vigil-ops-madef-db-backup',
  'vigil-ops-service-madef-P1',
  'vigil-ops-service-madef-P2',
];

describe('an ALARM notification', () => {
  const apiAlarm = notification({ AlarmName: 'vigil-ops-madef-api-health' });

  it('publishes a readable page to the notify topic of its severity, with the last check from the canary logs', async () => {
    vi.setSystemTime(new Date('2026-03-01T10:02:35Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('vigil-ops-madef-db-backup', 'OK', '2026-02-27T04:00:00Z')],
      CompositeAlarms: [],
    });
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        canaryLine({ ...apiDown, checkedAt: '2026-03-01T10:00:58.000Z', reason: 'http_status' }),
        canaryLine(apiDown),
      ],
    });

    const result = await invoke(snsEvent(apiAlarm));

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: MADEF_SIBLINGS_OF_API, AlarmTypes: ALARM_TYPES },
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: LOG_GROUP,
        filterPattern: '{ $.monitor = "madef-api-health" }',
        startTime: Date.parse('2026-03-01T09:47:35Z'),
      },
    ]);
    const expected = formatPage(
      {
        state: 'ALARM',
        alarm: factsFromNotification(apiAlarm),
        failing: failingMonitors(
          catalog,
          factsFromNotification(apiAlarm),
          [],
          new Map([['madef-api-health', apiDown]]),
        ),
      },
      {
        catalog,
        now: new Date('2026-03-01T10:02:35Z'),
        dashboardUrl:
          'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-ops-madef',
      },
    );
    const [page, ...more] = await received('P1');
    expect(more).toEqual([]);
    expect(page).toMatchObject({
      Type: 'Notification',
      Subject: 'P1 ALARM madef: madef-api-health down (assertion_failed)',
      MessageAttributes: {
        incident_key: { Type: 'String', Value: 'vigil/ops/madef' },
        severity: { Type: 'String', Value: 'P1' },
        state: { Type: 'String', Value: 'ALARM' },
      },
    });
    expect(page?.document).toEqual({ default: expected.email, email: expected.email, sms: expected.sms });
    expect(page?.document.sms).toBe('P1 ALARM madef: madef-api-health down (assertion_failed)');
    expect(page?.document.email).toContain('  Last check: assertion_failed at 2026-03-01 10:01 UTC\n');
    expect(page?.document.email).toContain(
      '\nDashboard: https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-ops-madef\n',
    );
    for (const other of ['P2', 'P3', 'P4'] as const) expect(await received(other)).toEqual([]);
    expect(result.published.map((p) => [p.alarm, p.state, p.severity])).toEqual([
      ['vigil-ops-madef-api-health', 'ALARM', 'P1'],
    ]);
  });

  it('pages without the last check when the canary logs cannot be read', async () => {
    vi.setSystemTime(new Date('2026-03-01T10:02:35Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({});
    logs
      .on(FilterLogEventsCommand)
      .rejects(new Error('User is not authorized to perform: logs:FilterLogEvents'));

    await invoke(snsEvent(apiAlarm));

    const [page] = await received('P1');
    expect(page?.document.sms).toBe('P1 ALARM madef: madef-api-health down');
    expect(page?.document.email).toContain("  Last check: none found in the canary's recent logs\n");
  });

  it("escalates a queue's warning (P3) to its critical alarm (P2) under one incident key", async () => {
    vi.setSystemTime(new Date('2026-03-01T09:41:10Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: [canaryLine(outboxBusy)] });
    await invoke(snsEvent(warningNotification()));

    vi.setSystemTime(new Date('2026-03-01T10:21:45Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metricAlarm('vigil-ops-wa-outbox-warning', 'ALARM', '2026-03-01T09:41:05Z', {
          MetricName: 'QueueDepth',
          Threshold: 500,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          StateReason:
            'Threshold Crossed: 1 out of the last 1 datapoints [1450.0 (01/03/26 10:20:00)] was greater than the threshold (500.0) (minimum 1 datapoint for OK -> ALARM transition).',
        }),
        metricAlarm('vigil-ops-wa-worker', 'OK', '2026-02-20T00:00:00Z'),
      ],
    });
    logs.on(FilterLogEventsCommand).resolves({ events: [canaryLine(outboxBusy), canaryLine(outboxFull)] });
    await invoke(
      snsEvent(
        notification({ AlarmName: 'vigil-ops-wa-outbox', StateChangeTime: '2026-03-01T10:21:40.000+0000' }),
      ),
    );

    const [warning] = await received('P3');
    const [critical] = await received('P2');
    expect(warning?.document.sms).toBe('P3 ALARM whatsapp: wa-outbox warning (QueueDepth 812 > 500)');
    expect(critical?.document.sms).toBe('P2 ALARM whatsapp: wa-outbox down (queue_depth; escalated from P3)');
    expect(warning?.MessageAttributes.incident_key).toEqual({ Type: 'String', Value: 'vigil/ops/whatsapp' });
    expect(critical?.MessageAttributes.incident_key).toEqual(warning?.MessageAttributes.incident_key);
    expect(critical?.MessageAttributes.severity).toEqual({ Type: 'String', Value: 'P2' });
    expect(critical?.document.email).toContain(
      '  Observed (warning): QueueDepth 1450, alarm threshold > 500 (1 of 1 datapoints of 60 s)\n',
    );
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).at(-1)?.args[0].input).toEqual({
      AlarmNames: [
        'vigil-ops-wa-outbox-warning',
        'vigil-ops-wa-outbox-dead-letters',
        'vigil-ops-wa-worker',
        'vigil-ops-service-whatsapp-P2',
        'vigil-ops-service-whatsapp-P3',
      ],
      AlarmTypes: ALARM_TYPES,
    });
  });

  it('lists every failing monitor of a service composite, read with one DescribeAlarms and one log query', async () => {
    vi.setSystemTime(new Date('2026-03-01T10:02:40Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metricAlarm('vigil-ops-madef-api-health', 'ALARM', '2026-03-01T10:02:30Z'),
        metricAlarm('vigil-ops-madef-db-backup', 'ALARM', '2026-03-01T10:00:40Z', { Period: 3600 }),
      ],
      CompositeAlarms: [compositeAlarm('vigil-ops-service-madef-P2', 'ALARM', '2026-03-01T10:00:41Z')],
    });
    logs.on(FilterLogEventsCommand).resolves({ events: [canaryLine(backupStale), canaryLine(apiDown)] });

    await invoke(snsEvent(compositeNotification('vigil-ops-service-madef-P1')));

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      {
        AlarmNames: ['vigil-ops-madef-api-health', 'vigil-ops-madef-db-backup', 'vigil-ops-service-madef-P2'],
        AlarmTypes: ALARM_TYPES,
      },
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: LOG_GROUP,
        filterPattern: '{ ($.monitor = "madef-api-health") || ($.monitor = "madef-db-backup") }',
        startTime: Date.parse('2026-03-01T09:47:40Z'),
      },
    ]);
    const [page] = await received('P1');
    // The backups (P2) were already failing: the API (P1) escalates the same incident.
    expect(page?.document.sms).toBe(
      'P1 ALARM madef: madef-api-health, madef-db-backup down (assertion_failed, backup_too_old; escalated from P2)',
    );
    expect(page?.Subject).toBe(
      'P1 ALARM madef: madef-api-health, mad... down (assertion_failed, backup_too_old; escalated from P2)',
    );
    expect(page?.document.email).toContain(
      '\n- madef-api-health (http): GET https://madef.example.com/api/health\n',
    );
    expect(page?.document.email).toContain(
      '\n- madef-db-backup (backup): newest backup in s3://acme-db-backups/madef/\n',
    );
  });

  it('leaves the page to the service composite when one is deployed', async () => {
    vi.setSystemTime(new Date('2026-03-01T10:02:35Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [compositeAlarm('vigil-ops-service-madef-P1', 'ALARM', '2026-03-01T10:02:31Z')],
    });

    const result = await invoke(snsEvent(apiAlarm));

    expect(result).toEqual({
      published: [],
      skipped: [{ alarm: 'vigil-ops-madef-api-health', why: 'its service composite pages for it' }],
    });
    expect(logs.commandCalls(FilterLogEventsCommand)).toEqual([]);
    expect(await received('P1')).toEqual([]);
  });
});

describe('an OK notification', () => {
  const recovered = notification({
    AlarmName: 'vigil-ops-madef-api-health',
    NewStateValue: 'OK',
    OldStateValue: 'ALARM',
    StateChangeTime: '2026-03-01T10:14:30.000+0000',
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints [1.0 (01/03/26 10:13:00)] were not less than the threshold (1.0).',
  });

  it('resolves the same incident key and says how long it lasted, from the alarm history', async () => {
    vi.setSystemTime(new Date('2026-03-01T10:14:33Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({});
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        {
          AlarmName: 'vigil-ops-madef-api-health',
          Timestamp: new Date('2026-03-01T10:14:30Z'),
          HistoryItemType: 'StateUpdate',
          HistorySummary: 'Alarm updated from ALARM to OK',
          HistoryData: '{"version":"1.0","oldState":{"stateValue":"ALARM"},"newState":{"stateValue":"OK"}}',
        },
        {
          AlarmName: 'vigil-ops-madef-api-health',
          Timestamp: new Date('2026-03-01T10:02:30.123Z'),
          HistoryItemType: 'StateUpdate',
          HistorySummary: 'Alarm updated from OK to ALARM',
          HistoryData: '{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}',
        },
      ],
    });

    await invoke(snsEvent(recovered));

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: ['vigil-ops-service-madef-P1'], AlarmTypes: ALARM_TYPES },
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand).map((c) => c.args[0].input)).toEqual([
      {
        AlarmName: 'vigil-ops-madef-api-health',
        AlarmTypes: ALARM_TYPES,
        HistoryItemType: 'StateUpdate',
        ScanBy: 'TimestampDescending',
        MaxRecords: 10,
      },
    ]);
    const [page] = await received('P1');
    expect(page?.Subject).toBe('P1 OK madef: madef-api-health recovered after 12m');
    expect(page?.document.sms).toBe('P1 OK madef: madef-api-health recovered after 12m');
    expect(page?.MessageAttributes).toEqual({
      incident_key: { Type: 'String', Value: 'vigil/ops/madef' },
      severity: { Type: 'String', Value: 'P1' },
      state: { Type: 'String', Value: 'OK' },
    });
    expect(page?.document.email).toContain('\nLasted: 12m (in ALARM since 2026-03-01 10:02 UTC)\n');
  });

  it("resolves a service composite's incident, reading a composite's history", async () => {
    vi.setSystemTime(new Date('2026-03-01T11:07:35Z'));
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        {
          AlarmName: 'vigil-ops-service-madef-P1',
          AlarmType: 'CompositeAlarm',
          Timestamp: new Date('2026-03-01T10:02:31Z'),
          HistoryItemType: 'StateUpdate',
          HistorySummary: 'Alarm updated from OK to ALARM',
        },
      ],
    });

    await invoke(
      snsEvent(
        compositeNotification('vigil-ops-service-madef-P1', {
          NewStateValue: 'OK',
          OldStateValue: 'ALARM',
          StateChangeTime: '2026-03-01T11:07:31.000+0000',
        }),
      ),
    );

    // A composite is the page: no member state to check first.
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toEqual([]);
    const [page] = await received('P1');
    expect(page?.document.sms).toBe('P1 OK madef: service recovered after 1h 5m');
    expect(page?.MessageAttributes.incident_key).toEqual({ Type: 'String', Value: 'vigil/ops/madef' });
  });

  it('is not a recovery after INSUFFICIENT_DATA', async () => {
    const result = await invoke(snsEvent({ ...recovered, OldStateValue: 'INSUFFICIENT_DATA' }));
    expect(result.skipped).toEqual([
      { alarm: 'vigil-ops-madef-api-health', why: 'OK after INSUFFICIENT_DATA is not a recovery' },
    ]);
    expect(cloudwatch.calls()).toEqual([]);
    expect(await received('P1')).toEqual([]);
  });
});

describe('notifications that do not page', () => {
  it('ignores alarms outside the catalog and INSUFFICIENT_DATA, calling nothing', async () => {
    const result = await invoke({
      Records: [
        ...snsEvent(notification({ AlarmName: 'someone-elses-alarm' })).Records,
        ...snsEvent(
          notification({ AlarmName: 'vigil-ops-madef-api-health', NewStateValue: 'INSUFFICIENT_DATA' }),
        ).Records,
      ],
    });
    expect(result).toEqual({
      published: [],
      skipped: [
        { alarm: 'someone-elses-alarm', why: 'not in the pager catalog' },
        { alarm: 'vigil-ops-madef-api-health', why: 'INSUFFICIENT_DATA does not page' },
      ],
    });
    expect(cloudwatch.calls()).toEqual([]);
    expect(logs.calls()).toEqual([]);
  });

  it('rejects an event it does not know, and a message that is not an alarm', async () => {
    await expect(invoke({ kind: 'page-everyone' })).rejects.toThrow();
    await expect(invoke(snsEvent({ hello: 'world' }))).rejects.toThrow();
  });
});

describe('heartbeat', () => {
  it('sets the heartbeat alarm to ALARM, and pages HEARTBEAT when its notification comes back', async () => {
    vi.setSystemTime(new Date('2026-03-02T09:00:00Z'));
    cloudwatch.on(SetAlarmStateCommand).resolves({});

    await invoke({ kind: 'heartbeat' });

    expect(cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input)).toEqual([
      {
        AlarmName: 'vigil-ops-vigil-heartbeat',
        StateValue: 'ALARM',
        StateReason:
          'Vigil heartbeat at 2026-03-02T09:00:00.000Z: testing the paging path (alarm -> SNS -> pager -> notify topic)',
      },
    ]);
    expect(await received('P4')).toEqual([]);

    const beat = { AlarmName: 'vigil-ops-vigil-heartbeat', StateChangeTime: '2026-03-02T09:00:00.412+0000' };
    await invoke(snsEvent(notification({ ...beat, NewStateReason: 'Vigil heartbeat', Trigger: undefined })));
    const [page] = await received('P4');
    expect(page?.Subject).toBe('P4 HEARTBEAT ops: paging path works');
    expect(page?.MessageAttributes.state).toEqual({ Type: 'String', Value: 'HEARTBEAT' });
    expect(page?.document.email).toContain('Vigil heartbeat: paging path works.\n');

    const back = await invoke(
      snsEvent(notification({ ...beat, NewStateValue: 'OK', OldStateValue: 'ALARM' })),
    );
    expect(back.skipped).toEqual([{ alarm: 'vigil-ops-vigil-heartbeat', why: 'heartbeat back to OK' }]);
  });
});

describe('sweep', () => {
  it('sends a reminder on the 4 h boundary and reads alarms and mute rules with the exact commands', async () => {
    vi.setSystemTime(new Date('2026-03-01T14:15:03Z'));
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [metricAlarm('vigil-ops-madef-api-health', 'ALARM', '2026-03-01T10:02:30Z')],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        CompositeAlarms: [
          compositeAlarm('vigil-ops-service-madef', 'ALARM', '2026-03-01T10:02:31Z'),
          compositeAlarm('vigil-ops-service-madef-P1', 'ALARM', '2026-03-01T10:02:31Z'),
        ],
      });
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({
      AlarmMuteRuleSummaries: [
        {
          AlarmMuteRuleArn:
            'arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:other-team-quiet-hours',
        },
        {
          AlarmMuteRuleArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-ops-mute-sunday',
        },
      ],
    });
    cloudwatch.on(GetAlarmMuteRuleCommand).resolves({
      Name: 'vigil-ops-mute-sunday',
      Rule: { Schedule: { Expression: 'cron(0 2 * * SUN)', Duration: 'PT2H', Timezone: 'UTC' } },
      MuteTargets: { AlarmNames: ['vigil-ops-service-madef-P1'] },
    });
    logs
      .on(FilterLogEventsCommand)
      .resolves({ events: [canaryLine({ ...apiDown, checkedAt: '2026-03-01T14:14:58Z' })] });

    const result = await invoke({ kind: 'sweep' });

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { StateValue: 'ALARM', AlarmNamePrefix: 'vigil-ops-', AlarmTypes: ALARM_TYPES },
      { StateValue: 'ALARM', AlarmNamePrefix: 'vigil-ops-', AlarmTypes: ALARM_TYPES, NextToken: 'page-2' },
    ]);
    expect(cloudwatch.commandCalls(ListAlarmMuteRulesCommand).map((c) => c.args[0].input)).toEqual([{}]);
    expect(cloudwatch.commandCalls(GetAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmMuteRuleName: 'vigil-ops-mute-sunday' },
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: LOG_GROUP,
        filterPattern: '{ $.monitor = "madef-api-health" }',
        startTime: Date.parse('2026-03-01T14:00:03Z'),
      },
    ]);
    expect(result.published.map((p) => [p.alarm, p.state])).toEqual([
      ['vigil-ops-service-madef-P1', 'REMINDER'],
    ]);
    const [page] = await received('P1');
    expect(page?.Subject).toBe('P1 REMINDER madef: madef-api-health down for 4h 12m (assertion_failed)');
    expect(page?.MessageAttributes.state).toEqual({ Type: 'String', Value: 'REMINDER' });
    expect(page?.MessageAttributes.incident_key).toEqual({ Type: 'String', Value: 'vigil/ops/madef' });
  });

  it('sends nothing on the next sweep', async () => {
    vi.setSystemTime(new Date('2026-03-01T14:30:03Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [compositeAlarm('vigil-ops-service-madef-P1', 'ALARM', '2026-03-01T10:02:31Z')],
    });
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({});

    expect(await invoke({ kind: 'sweep' })).toEqual({ published: [], skipped: [] });
    expect(await received('P1')).toEqual([]);
  });

  it('reads no mute rules when nothing is in ALARM', async () => {
    vi.setSystemTime(new Date('2026-03-01T14:15:03Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    await invoke({ kind: 'sweep' });

    expect(cloudwatch.commandCalls(ListAlarmMuteRulesCommand)).toEqual([]);
  });

  it('pages what breached during the Sunday maintenance window once it has closed', async () => {
    vi.stubEnv('VIGIL_CATALOG', JSON.stringify(catalogWithoutComposites));
    resetCatalogCache();
    vi.setSystemTime(new Date('2026-03-01T04:10:00Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metricAlarm('vigil-ops-madef-db-backup', 'ALARM', '2026-03-01T03:00:40Z', { Period: 3600 }),
      ],
    });
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({
      AlarmMuteRuleSummaries: [
        {
          AlarmMuteRuleArn:
            'arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-ops-mute-deploy-41',
        },
        {
          AlarmMuteRuleArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-ops-mute-sunday',
        },
      ],
    });
    // A rule that cannot be read (deleted meanwhile) costs only its own held pages.
    cloudwatch
      .on(GetAlarmMuteRuleCommand, { AlarmMuteRuleName: 'vigil-ops-mute-deploy-41' })
      .rejects(new Error('ResourceNotFoundException'));
    cloudwatch.on(GetAlarmMuteRuleCommand, { AlarmMuteRuleName: 'vigil-ops-mute-sunday' }).resolves({
      Name: 'vigil-ops-mute-sunday',
      Rule: { Schedule: { Expression: 'cron(0 2 * * SUN)', Duration: 'PT2H' } },
      MuteTargets: { AlarmNames: ['vigil-ops-madef-api-health', 'vigil-ops-madef-db-backup'] },
    });
    logs.on(FilterLogEventsCommand).resolves({ events: [canaryLine(backupStale)] });

    await invoke({ kind: 'sweep' });

    const [page, ...more] = await received('P2');
    expect(more).toEqual([]);
    expect(page?.Subject).toBe('P2 ALARM madef: madef-db-backup down after maintenance (backup_too_old)');
    expect(page?.MessageAttributes.state).toEqual({ Type: 'String', Value: 'ALARM' });
    expect(page?.document.email).toContain(
      '\nHeld: breached during maintenance window sunday (2026-03-01 02:00 UTC to 2026-03-01 04:00 UTC) and still breaching\n',
    );
  });
});
