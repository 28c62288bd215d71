/**
 * `vigil drill run` and `vigil drill history`, in-process with a fixed config: the exact SSM
 * commands (aws-sdk-client-mock) and what is printed.
 */

import * as ssmSdk from '@aws-sdk/client-ssm';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runDrill } from '../../lib/cli/drill.ts';
import {
  belowMinimumFacts,
  drillConfig,
  EXECUTION_ID,
  factsLine,
  hostExecution,
} from '../drills/drill-fixtures.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';

const ssm = mockClient(SSMClient);
const client = new SSMClient(TEST_CLIENT_CONFIG);

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

const deps = {
  loadConfig: async () => drillConfig,
  ssm: async () => ({ sdk: ssmSdk, client }),
  region: 'eu-west-1',
};

beforeEach(() => ssm.reset());

describe('vigil drill run', () => {
  it('starts the document with the schedule parameters and tags, and prints the link', async () => {
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
    const t = io();
    expect(await runDrill(['run', 'madef-monthly'], t.io, deps)).toBe(0);
    expect(ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        DocumentName: 'vigil-ops-drill-host-dump',
        Parameters: {
          Drill: ['madef-monthly'],
          InstanceId: ['i-0123456789abcdef0'],
          ExecutionTimeout: ['7500'],
        },
        Tags: [
          { Key: 'vigil:drill-name', Value: 'madef-monthly' },
          { Key: 'vigil:target:drill/madef-monthly', Value: 'madef-monthly' },
        ],
      },
    ]);
    expect(t.stdout()).toBe(
      [
        `Started drill madef-monthly: vigil-ops-drill-host-dump, execution ${EXECUTION_ID}`,
        `https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/${EXECUTION_ID}?region=eu-west-1`,
        'Its report is paged when it ends; vigil drill history madef-monthly lists it.',
        '',
      ].join('\n'),
    );
  });

  it('--local hands the drill and the URL to the local restore, and starts nothing in AWS', async () => {
    const local = vi.fn(async () => 0);
    const t = io();
    expect(
      await runDrill(
        [
          'run',
          'madef-monthly',
          '--local',
          'postgres://postgres@127.0.0.1:5433/postgres',
          '--dump',
          'x.sql.gz',
        ],
        t.io,
        { ...deps, runDrillLocal: local },
      ),
    ).toBe(0);
    expect(local).toHaveBeenCalledWith(
      drillConfig.drills[0],
      'postgres://postgres@127.0.0.1:5433/postgres',
      t.io,
      { dump: 'x.sql.gz' },
    );
    expect(ssm.calls()).toHaveLength(0);
  });

  it('an unknown drill lists the drills (exit 2)', async () => {
    const t = io();
    expect(await runDrill(['run', 'nope'], t.io, deps)).toBe(2);
    expect(t.stderr()).toBe('vigil: unknown drill "nope"; drills: madef-monthly, madef-s3, notif-rds\n');
  });

  it('access denied says which permission is missing (exit 1)', async () => {
    ssm.on(StartAutomationExecutionCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ssm:StartAutomationExecution'), {
        name: 'AccessDeniedException',
      }),
    );
    const t = io();
    expect(await runDrill(['run', 'madef-monthly'], t.io, deps)).toBe(1);
    expect(t.stderr()).toBe(
      [
        'vigil: drill run madef-monthly: AccessDeniedException: User is not authorized to perform: ssm:StartAutomationExecution',
        'hint: the caller needs ssm:StartAutomationExecution on the drill document and iam:PassRole on its role',
        '',
      ].join('\n'),
    );
  });
});

describe('vigil drill history', () => {
  it('lists executions by the drill tag key, reads each, and prints the table newest first', async () => {
    ssm
      .on(DescribeAutomationExecutionsCommand)
      .resolvesOnce({
        AutomationExecutionMetadataList: [
          { AutomationExecutionId: 'older', ExecutionStartTime: new Date('2026-11-01T03:00:00Z') },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({
        AutomationExecutionMetadataList: [
          { AutomationExecutionId: EXECUTION_ID, ExecutionStartTime: new Date('2026-12-06T03:00:00Z') },
        ],
      });
    ssm
      .on(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION_ID })
      .resolves({ AutomationExecution: hostExecution() as never })
      .on(GetAutomationExecutionCommand, { AutomationExecutionId: 'older' })
      .resolves({
        AutomationExecution: hostExecution({
          AutomationExecutionId: 'older',
          ExecutionStartTime: new Date('2026-11-01T03:00:00Z'),
          verdictFailed: true,
          restoreOutput: factsLine({ ...belowMinimumFacts, newestData: '2026-10-30T01:00:00.000Z' }),
        }) as never,
      });
    const t = io();
    expect(await runDrill(['history', 'madef-monthly'], t.io, deps)).toBe(0);
    const filters = [
      { Key: 'DocumentNamePrefix', Values: ['vigil-ops-drill-'] },
      { Key: 'TagKey', Values: ['vigil:target:drill/madef-monthly'] },
    ];
    expect(ssm.commandCalls(DescribeAutomationExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: filters, MaxResults: 50 },
      { Filters: filters, MaxResults: 50, NextToken: 'next' },
    ]);
    expect(ssm.commandCalls(GetAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: EXECUTION_ID },
      { AutomationExecutionId: 'older' },
    ]);
    const link = (id: string) =>
      `https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/${id}?region=eu-west-1`;
    expect(t.stdout()).toBe(
      [
        'DATE                  RESULT                                               RTO / TARGET  RPO / TARGET   DUMP / SNAPSHOT               EXECUTION',
        `2026-12-06 03:00 UTC  PASSED                                               4m12s / 1 h   3h5m / 24 h    madef_20261206_020000.sql.gz  ${link(EXECUTION_ID)}`,
        `2026-11-01 03:00 UTC  FAILED (below_minimum Avaliacao rows, rpo_exceeded)  4m12s / 1 h   2d2h / 24 h !  madef_20261206_020000.sql.gz  ${link('older')}`,
        '(! over target)',
        '',
      ].join('\n'),
    );
  });

  it('says so when SSM has no execution of the drill', async () => {
    ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    const t = io();
    expect(await runDrill(['history', 'madef-s3'], t.io, deps)).toBe(0);
    expect(t.stdout()).toBe("No executions of drill madef-s3 in SSM's history.\n");
  });

  it('refuses a bad command line with the usage (exit 2)', async () => {
    const t = io();
    expect(await runDrill(['history'], t.io, deps)).toBe(2);
    expect(t.stderr()).toContain('vigil: drill history: expected run NAME or history NAME\n');
    expect(await runDrill(['history', 'madef-monthly', '--local', 'postgres://x'], io().io, deps)).toBe(2);
  });
});
