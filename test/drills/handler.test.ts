/**
 * The drill function through its real middy handler: SNS in fauxqs (a notify topic per severity,
 * each with an SQS queue subscribed, so the test reads the page a subscriber gets), and SSM, RDS and
 * CloudWatch, which have no emulator, with aws-sdk-client-mock, asserting the exact commands. The
 * metrics are read from the EMF lines Powertools prints.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDrillCatalogCache } from '../../lambdas/drill/catalog.ts';
import type { Severity } from '../../lib/config/index.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';
import { type NotifyInbox, startNotifyInbox } from '../support/notify-inbox.ts';
import {
  belowMinimumFacts,
  drillCatalog,
  EXECUTION_ID,
  factsLine,
  goodFacts,
  hostExecution,
} from './drill-fixtures.ts';

const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

let inbox: NotifyInbox;
let stdout: string[] = [];

const context = {
  functionName: 'vigil-ops-drill',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-ops-drill',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  inbox = await startNotifyInbox('ops');
  const endpoint = inbox.endpoint;
  for (const severity of SEVERITIES) vi.stubEnv(`NOTIFY_TOPIC_${severity}`, inbox.topicArns[severity]);
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoint);
  vi.stubEnv('AWS_REGION', TEST_CLIENT_CONFIG.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('VIGIL_DRILLS', JSON.stringify(drillCatalog));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await inbox?.stop();
});

beforeEach(() => {
  ssm.reset();
  rds.reset();
  cloudwatch.reset();
  resetDrillCatalogCache();
  vi.useFakeTimers({ toFake: ['Date'] });
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await inbox.purge();
});

async function invoke(event: unknown): Promise<unknown> {
  const { handler } = await import('../../lambdas/drill/handler.ts');
  return handler(event, context);
}

/** What reached the queue subscribed to a severity's notify topic. */
function received(severity: Severity) {
  return inbox.received(severity);
}

/** The EMF metrics printed: per line, the Drill dimension and each metric's value. */
function emf(): { drill: string; values: Record<string, number> }[] {
  return stdout
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map(
      (line) =>
        JSON.parse(line) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
        },
    )
    .map((line) => {
      const directive = line._aws.CloudWatchMetrics[0];
      expect(directive?.Namespace).toBe('Vigil');
      return {
        drill: String(line.Drill),
        values: Object.fromEntries((directive?.Metrics ?? []).map((m) => [m.Name, Number(line[m.Name])])),
      };
    });
}

const statusEvent = (status: string, definition = 'vigil-ops-drill-host-dump') => ({
  version: '0',
  id: 'd290ece9-1088-4383-9df6-cd5b4ac42b99',
  'detail-type': 'EC2 Automation Execution Status-change Notification',
  source: 'aws.ssm',
  account: '123456789012',
  time: '2026-12-06T03:05:01Z',
  region: 'eu-west-1',
  resources: [`arn:aws:ssm:eu-west-1:123456789012:automation-execution/${EXECUTION_ID}`],
  detail: {
    ExecutionId: EXECUTION_ID,
    Definition: definition,
    DefinitionVersion: 1.0,
    Status: status,
    StartTime: 'Dec 6, 2026 3:00:00 AM',
    EndTime: 'Dec 6, 2026 3:05:00 AM',
    Time: 300000.0,
    ExecutedBy: 'arn:aws:sts::123456789012:assumed-role/vigil-ops-drill-schedule/abc',
  },
});

describe('judge (the document VerifyRestore step)', () => {
  it('answers compact JSON from the facts line, reading the execution start from SSM', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionId: EXECUTION_ID,
        ExecutionStartTime: new Date('2026-12-06T03:00:00Z'),
      },
    });
    const answer = await invoke({
      op: 'judge',
      drill: 'madef-monthly',
      output: `${factsLine(belowMinimumFacts)}\n\n----------ERROR-------\n[vigil-drill] restored`,
      executionId: EXECUTION_ID,
    });
    expect(answer).toEqual({ ok: false, failures: ['below_minimum'], rtoSeconds: 252, rpoSeconds: 11100 });
    expect(ssm.commandCalls(GetAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: EXECUTION_ID },
    ]);
  });

  it('takes executionStartedAt in SSM global:DATE_TIME form without reading SSM', async () => {
    const answer = await invoke({
      op: 'judge',
      drill: 'madef-monthly',
      output: factsLine(goodFacts),
      executionStartedAt: '2026-12-06_03.00.00',
    });
    expect(answer).toEqual({ ok: true, failures: [], rtoSeconds: 252, rpoSeconds: 11100 });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('no facts line is a failed drill, not a crash', async () => {
    const answer = await invoke({
      op: 'judge',
      drill: 'madef-monthly',
      output: 'Killed',
      executionStartedAt: '2026-12-06T03:00:00Z',
    });
    expect(answer).toEqual({ ok: false, failures: ['no_facts'] });
  });
});

describe('newest-snapshot (the RDS document)', () => {
  it('returns the newest available snapshot by its data time, across pages', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'notif-db' })
      .resolves({
        DBSnapshots: [
          {
            DBSnapshotIdentifier: 'rds:notif-db-2026-12-05',
            Status: 'available',
            SnapshotCreateTime: new Date('2026-12-05T02:10:00Z'),
          },
          {
            DBSnapshotIdentifier: 'rds:notif-db-2026-12-06',
            Status: 'creating',
            SnapshotCreateTime: new Date('2026-12-06T02:10:00Z'),
          },
        ],
        Marker: 'page-2',
      })
      .on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'notif-db', Marker: 'page-2' })
      .resolves({
        DBSnapshots: [
          // A copy made today of a week-old snapshot: its data is a week old.
          {
            DBSnapshotIdentifier: 'copy-of-old',
            Status: 'available',
            SnapshotCreateTime: new Date('2026-12-06T01:00:00Z'),
            OriginalSnapshotCreateTime: new Date('2026-11-29T02:10:00Z'),
          },
        ],
      });
    expect(await invoke({ op: 'newest-snapshot', instance: 'notif-db' })).toEqual({
      snapshot: 'rds:notif-db-2026-12-05',
      takenAt: '2026-12-05T02:10:00.000Z',
    });
    expect(rds.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'notif-db' },
      { DBInstanceIdentifier: 'notif-db', Marker: 'page-2' },
    ]);
  });

  it('fails the step when there is nothing to restore', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    await expect(invoke({ op: 'newest-snapshot', instance: 'notif-db' })).rejects.toThrow(
      'no available snapshot of RDS instance notif-db (0 listed): nothing to restore',
    );
  });
});

describe('an execution ended: report, page, metrics', () => {
  it('a pass pages PASSED (state OK) on the drill key and publishes the three metrics', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: hostExecution() as never });
    await invoke(statusEvent('Success'));
    expect(ssm.commandCalls(GetAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: EXECUTION_ID },
    ]);
    const [page, ...more] = await received('P2');
    expect(more).toEqual([]);
    expect(page?.Subject).toBe('P2 DRILL PASSED madef-monthly: RTO 4m12s/1 h, RPO 3h5m/24 h');
    expect(page?.attributes).toEqual({
      incident_key: 'vigil/ops/madef/drill/madef-monthly',
      severity: 'P2',
      state: 'OK',
    });
    expect(page?.document.sms).toBe('P2 DRILL PASSED madef-monthly: RTO 4m12s/1 h, RPO 3h5m/24 h');
    expect(page?.document.email).toContain(
      `Execution: https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/${EXECUTION_ID}?region=eu-west-1\n`,
    );
    expect(emf()).toEqual([
      { drill: 'madef-monthly', values: { DrillSucceeded: 1, DrillRtoSeconds: 252, DrillRpoSeconds: 11100 } },
    ]);
  });

  it('a restore that failed before judge still pages FAILED with the step, and DrillSucceeded 0', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: hostExecution({ restoreOutput: 'bash: psql: command not found' }) as never,
    });
    await invoke(statusEvent('Failed'));
    const [page] = await received('P2');
    expect(page?.Subject).toBe('P2 DRILL FAILED madef-monthly: step Restore failed');
    expect(page?.attributes.state).toBe('ALARM');
    expect(emf()).toEqual([{ drill: 'madef-monthly', values: { DrillSucceeded: 0 } }]);
  });

  it('ignores an execution still running and another project document', async () => {
    expect(await invoke(statusEvent('InProgress'))).toEqual({
      published: [],
      skipped: 'status InProgress has not ended',
    });
    expect(await invoke(statusEvent('Success', 'vigil-ops-remediate-ecs-restart'))).toEqual({
      published: [],
      skipped: 'vigil-ops-remediate-ecs-restart is not a drill document of ops',
    });
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('sweep: did not run', () => {
  it('pages the drill whose grace ended without a run, and publishes DrillOverdue per drill', async () => {
    vi.setSystemTime(new Date('2026-12-06T06:00:30Z'));
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    await invoke({ op: 'sweep' });
    // madef-monthly and notif-rds (first Sunday 03:00 UTC) were due in (2026-12-05 06:00,
    // 2026-12-06 06:00]; madef-s3 (first Monday, Berlin) was not, so SSM is not asked about it.
    const filters = (drill: string) => ({
      Filters: [
        { Key: 'DocumentNamePrefix', Values: ['vigil-ops-drill-'] },
        { Key: 'TagKey', Values: [`vigil:target:drill/${drill}`] },
        { Key: 'StartTimeAfter', Values: ['2026-12-06T03:00:00Z'] },
      ],
      MaxResults: 50,
    });
    expect(ssm.commandCalls(DescribeAutomationExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      filters('madef-monthly'),
      filters('notif-rds'),
    ]);
    const [page, ...more] = await received('P2');
    expect(more).toEqual([]);
    expect(page?.Subject).toBe('P2 DRILL DID NOT RUN madef-monthly: due 2026-12-06 03:00 UTC');
    expect(page?.attributes).toEqual({
      incident_key: 'vigil/ops/madef/drill/madef-monthly',
      severity: 'P2',
      state: 'ALARM',
    });
    expect((await received('P3')).map((p) => p.Subject)).toEqual([
      'P3 DRILL DID NOT RUN notif-rds: due 2026-12-06 03:00 UTC',
    ]);
    expect(emf()).toEqual([
      { drill: 'madef-monthly', values: { DrillOverdue: 1 } },
      { drill: 'madef-s3', values: { DrillOverdue: 0 } },
      { drill: 'notif-rds', values: { DrillOverdue: 1 } },
    ]);
  });

  it('a drill that ran, even late, is not paged', async () => {
    vi.setSystemTime(new Date('2026-12-06T06:00:30Z'));
    ssm.on(DescribeAutomationExecutionsCommand).resolves({
      AutomationExecutionMetadataList: [
        { AutomationExecutionId: EXECUTION_ID, ExecutionStartTime: new Date('2026-12-06T05:10:00Z') },
      ],
    });
    expect(await invoke({ op: 'sweep' })).toEqual({ published: [] });
    expect(await received('P2')).toEqual([]);
    expect(emf().map((e) => e.values.DrillOverdue)).toEqual([0, 0, 0]);
  });
});

describe('game day', () => {
  it('sets the alarm to ALARM with a [DRILL] reason and pages a notice', async () => {
    vi.setSystemTime(new Date('2026-12-06T03:00:00Z'));
    cloudwatch.on(SetAlarmStateCommand).resolves({});
    await invoke({ op: 'game-day', drill: 'madef-monthly' });
    expect(cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input)).toEqual([
      {
        AlarmName: 'vigil-ops-madef-backups',
        StateValue: 'ALARM',
        StateReason: '[DRILL] game day madef-monthly',
      },
    ]);
    const [page] = await received('P2');
    expect(page?.Subject).toBe('P2 GAME DAY madef: vigil-ops-madef-backups set to ALARM, a drill');
    expect(page?.attributes.state).toBe('DRILL');
  });

  it('refuses a drill without game day, with the fix', async () => {
    await expect(invoke({ op: 'game-day', drill: 'madef-s3' })).rejects.toThrow(
      'drill "madef-s3" has no game day: set gameDay: true on it in vigil.config.ts',
    );
    expect(cloudwatch.calls()).toHaveLength(0);
  });
});
