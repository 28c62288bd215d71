/**
 * A drill's report, from the execution SSM keeps: pass or fail, RTO and RPO against their targets
 * (with the execution's start as the drill's start), the backup used, each query with its result,
 * why it failed, and the execution link; the "did not run" and game-day pages; the history table.
 */
import { describe, expect, it } from 'vitest';
import {
  didNotRunPage,
  executionLink,
  gameDayPage,
  historyRows,
  runPage,
  SMS_MAX,
  summarizeExecution,
} from '../../lib/drills/report.ts';
import {
  belowMinimumFacts,
  drillNamed,
  EXECUTION_ID,
  factsLine,
  goodFacts,
  hostExecution,
  RUNBOOK,
} from './drill-fixtures.ts';

const drill = drillNamed('madef-monthly');
const LINK = executionLink('eu-west-1', EXECUTION_ID);
const ctx = { project: 'ops', drill, link: LINK };

describe('the report of a finished drill', () => {
  it('a pass: RTO and RPO against the targets, the dump, every query, state OK on the drill key', () => {
    const run = summarizeExecution(hostExecution(), drill);
    expect(run).toMatchObject({ passed: true, status: 'Success' });
    expect(run.outcome).toMatchObject({ rtoSeconds: 252, rpoSeconds: 11_100, rpoFrom: 'data' });
    const page = runPage(run, ctx);
    expect(page).toMatchObject({
      incidentKey: 'vigil/ops/madef/drill/madef-monthly',
      severity: 'P2',
      state: 'OK',
      subject: 'P2 DRILL PASSED madef-monthly: RTO 4m12s/1 h, RPO 3h5m/24 h',
      sms: 'P2 DRILL PASSED madef-monthly: RTO 4m12s/1 h, RPO 3h5m/24 h',
    });
    expect(page.email).toBe(
      [
        'P2 DRILL PASSED madef-monthly: RTO 4m12s/1 h, RPO 3h5m/24 h',
        '',
        'Drill: madef-monthly (host dump in /opt/madef/backups (madef_{YYYYMMDD}_{HHMMSS}.sql.gz) on i-0123456789abcdef0)',
        'Service: madef; backup monitor: madef-backups',
        'Result: PASSED',
        '',
        'RTO: 4 min 12 s (target 1 h): met',
        'RPO: 3 h 5 min (target 24 h, from the newest data restored): met',
        'Backup: /opt/madef/backups/madef_20261206_020000.sql.gz (taken 2026-12-06 02:00 UTC)',
        '',
        'Verification:',
        '- Paciente rows: 1200 (minimum 1) ok',
        '- Avaliacao rows: 5400 (minimum 10) ok',
        '- newest data: 2026-12-05 23:55 UTC',
        'Scratch database: vigil_drill_madef_monthly_1a2b3c4d, dropped',
        '',
        'Started: 2026-12-06 03:00 UTC, ended 2026-12-06 03:05 UTC',
        `Execution: ${LINK}`,
        `Runbook: ${RUNBOOK}`,
        'Incident key: vigil/ops/madef/drill/madef-monthly',
        '',
      ].join('\n'),
    );
  });

  it('a table below its minimum fails naming the table, in the SMS and the email', () => {
    const run = summarizeExecution(
      hostExecution({ verdictFailed: true, restoreOutput: factsLine(belowMinimumFacts) }),
      drill,
    );
    const page = runPage(run, ctx);
    expect(page.state).toBe('ALARM');
    expect(page.sms).toBe('P2 DRILL FAILED madef-monthly: below_minimum Avaliacao rows');
    expect(page.email).toContain(
      [
        'Result: FAILED (execution Failed)',
        '',
        'Why:',
        '- Avaliacao rows is 3, below the minimum of 10',
        '',
        'RTO: 4 min 12 s (target 1 h): met',
      ].join('\n'),
    );
    expect(page.email).toContain('- Avaliacao rows: 3 (minimum 10) BELOW MINIMUM\n');
  });

  it('RTO exceeded and data older than the RPO, measured from the execution start', () => {
    const late = {
      ...goodFacts,
      verifiedAt: '2026-12-06T04:30:05.000Z',
      newestData: '2026-12-04T20:00:00.000Z',
    };
    const run = summarizeExecution(
      hostExecution({ verdictFailed: true, restoreOutput: factsLine(late) }),
      drill,
    );
    const page = runPage(run, ctx);
    expect(page.sms).toBe('P2 DRILL FAILED madef-monthly: rto_exceeded, rpo_exceeded');
    expect(page.email).toContain('RTO: 1 h 30 min (target 1 h): EXCEEDED\n');
    // 2026-12-06T03:00 (execution start) minus 2026-12-04T20:00 = 31 h.
    expect(page.email).toContain('RPO: 31.0 h (target 24 h, from the newest data restored): EXCEEDED\n');
  });

  it('a restore that failed (truncated dump) says so with the error, and no RTO', () => {
    const truncated = {
      ...goodFacts,
      ok: false,
      reason: 'restore_failed' as const,
      restoredAt: undefined,
      verifiedAt: undefined,
      newestData: undefined,
      queries: [],
      error: 'gzip: stdin: unexpected end of file',
    };
    const page = runPage(
      summarizeExecution(hostExecution({ restoreOutput: factsLine(truncated) }), drill),
      ctx,
    );
    expect(page.sms).toBe('P2 DRILL FAILED madef-monthly: restore_failed');
    expect(page.email).toContain(
      '- restoring /opt/madef/backups/madef_20261206_020000.sql.gz into vigil_drill_madef_monthly_1a2b3c4d failed: gzip: stdin: unexpected end of file\n',
    );
    expect(page.email).toContain('RTO: not measured (target 1 h): the restore never verified\n');
    expect(page.email).toContain('Verification:\n- none ran\n');
  });

  it('a step that failed before any facts pages FAILED with the step and its error', () => {
    const page = runPage(
      summarizeExecution(hostExecution({ restoreOutput: 'bash: psql: command not found' }), drill),
      ctx,
    );
    expect(page.sms).toBe('P2 DRILL FAILED madef-monthly: step Restore failed');
    expect(page.email).toContain(
      '- step Restore failed before the restore was measured: Step fails when it is Executing. Fail The command exit code was 1.\n',
    );
    expect(page.email).toContain('Backup: unknown (none was found or the run stopped before choosing one)\n');
  });

  it('a failed cleanup fails a drill that otherwise passed, and says what may be left behind', () => {
    const execution = hostExecution();
    const run = summarizeExecution(
      {
        ...execution,
        StepExecutions: [
          ...(execution.StepExecutions ?? []),
          { StepName: 'CleanupScratch', StepStatus: 'Failed', FailureMessage: 'DROP DATABASE failed' },
        ],
      },
      drill,
    );
    expect(run.passed).toBe(false);
    const page = runPage(run, ctx);
    expect(page.sms).toBe('P2 DRILL FAILED madef-monthly: cleanup_failed');
    expect(page.email).toContain(
      '- cleanup failed: step CleanupScratch: DROP DATABASE failed; look for a leftover scratch database vigil_drill_* and remove it\n',
    );
  });

  it('an RDS drill names the snapshot and measures RTO from the execution start', () => {
    const rds = drillNamed('notif-rds');
    const run = summarizeExecution(
      {
        AutomationExecutionId: EXECUTION_ID,
        AutomationExecutionStatus: 'Success',
        ExecutionStartTime: new Date('2026-12-06T03:00:00Z'),
        Parameters: { Drill: ['notif-rds'] },
        StepExecutions: [
          {
            StepName: 'NewestSnapshot',
            StepStatus: 'Success',
            Outputs: {
              Payload: ['{"snapshot":"rds:notif-db-2026-12-06-02-10","takenAt":"2026-12-06T02:10:00.000Z"}'],
            },
          },
          {
            StepName: 'Verify',
            Action: 'aws:runCommand',
            StepStatus: 'Success',
            Outputs: {
              Output: [
                factsLine({
                  ...goodFacts,
                  dump: undefined,
                  dumpTimestamp: undefined,
                  startedAt: '2026-12-06T03:21:00.000Z',
                  verifiedAt: '2026-12-06T03:22:30.000Z',
                  newestData: '2026-12-06T02:09:00.000Z',
                  queries: [{ name: 'messages rows', value: 48_000, min: 100, ok: true }],
                }),
              ],
            },
          },
        ],
      },
      rds,
    );
    expect(run.snapshot).toBe('rds:notif-db-2026-12-06-02-10');
    // 03:00:00 to 03:22:30: the snapshot restore counts, not only the queries.
    expect(run.outcome?.rtoSeconds).toBe(1350);
    const page = runPage(run, { project: 'ops', drill: rds, link: LINK });
    expect(page.sms).toBe('P3 DRILL PASSED notif-rds: RTO 22m30s/1 h, RPO 51m/26 h');
    expect(page.email).toContain('Backup: snapshot rds:notif-db-2026-12-06-02-10\n');
    expect(page.email).not.toContain('Scratch database');
  });

  it("reads the snapshot the RDS document's FindSnapshot step printed", () => {
    const run = summarizeExecution(
      {
        AutomationExecutionId: EXECUTION_ID,
        AutomationExecutionStatus: 'Failed',
        ExecutionStartTime: new Date('2026-12-06T03:00:00Z'),
        StepExecutions: [
          {
            StepName: 'FindSnapshot',
            Action: 'aws:runCommand',
            StepStatus: 'Success',
            Outputs: { Output: ['rds:notif-db-2026-12-06-02-10'] },
          },
          {
            StepName: 'RestoreScratch',
            StepStatus: 'Failed',
            FailureMessage: 'InsufficientDBInstanceCapacity',
          },
        ],
      },
      drillNamed('notif-rds'),
    );
    expect(run.snapshot).toBe('rds:notif-db-2026-12-06-02-10');
    expect(run.failedStep).toEqual({ name: 'RestoreScratch', error: 'InsufficientDBInstanceCapacity' });
  });
});

describe('did not run, and game day', () => {
  it('"did not run" names the due time, the schedule and what to do', () => {
    const page = didNotRunPage(drill, {
      project: 'ops',
      dueAt: new Date('2026-12-06T03:00:00Z'),
      now: new Date('2026-12-06T06:10:00Z'),
      historyLink:
        'https://eu-west-1.console.aws.amazon.com/systems-manager/automation/executions?region=eu-west-1',
    });
    expect(page).toMatchObject({
      state: 'ALARM',
      severity: 'P2',
      incidentKey: 'vigil/ops/madef/drill/madef-monthly',
      sms: 'P2 DRILL DID NOT RUN madef-monthly: due 2026-12-06 03:00 UTC',
    });
    expect(page.email).toContain(
      'Due: 2026-12-06 03:00 UTC (cron(0 3 ? * SUN#1 *) in UTC); no execution started since, 3 h 10 min later\n',
    );
    expect(page.email).toContain('run it by hand: vigil drill run madef-monthly\n');
  });

  it('game day says which alarm was set and that its pages are a drill', () => {
    const page = gameDayPage(drill, {
      project: 'ops',
      alarm: 'vigil-ops-madef-backups',
      now: new Date('2026-12-06T03:00:00Z'),
    });
    expect(page.state).toBe('DRILL');
    expect(page.sms).toBe('P2 GAME DAY madef: vigil-ops-madef-backups set to ALARM, a drill');
    expect(page.email).toContain(
      'Game day of drill madef-monthly: at 2026-12-06 03:00 UTC Vigil set alarm vigil-ops-madef-backups to ALARM with the reason "[DRILL] game day madef-monthly".\n',
    );
  });

  it('keeps the SMS to 140 printable ASCII characters', () => {
    const long = { ...drill, name: `${'x'.repeat(42)}`, severity: 'P1' as const };
    const page = didNotRunPage(long, {
      project: 'ops',
      dueAt: new Date('2026-12-06T03:00:00Z'),
      now: new Date('2026-12-06T06:00:00Z'),
      historyLink: 'h',
    });
    expect(page.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(page.sms).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('history rows', () => {
  it('newest first: date, result, RTO and RPO against targets (! when over), the dump, the link', () => {
    const older = summarizeExecution(
      hostExecution({
        AutomationExecutionId: 'older',
        ExecutionStartTime: new Date('2026-11-01T03:00:00Z'),
        verdictFailed: true,
        restoreOutput: factsLine({ ...belowMinimumFacts, newestData: '2026-10-30T01:00:00.000Z' }),
      }),
      drill,
    );
    const newer = summarizeExecution(hostExecution(), drill);
    const running = summarizeExecution(
      {
        AutomationExecutionId: 'now',
        AutomationExecutionStatus: 'InProgress',
        ExecutionStartTime: new Date('2026-12-07T03:00:00Z'),
      },
      drill,
    );
    expect(historyRows([older, newer, running], drill, (id) => `link/${id}`)).toEqual([
      {
        date: '2026-12-07 03:00 UTC',
        result: 'InProgress',
        rto: '- / 1 h',
        rpo: '- / 24 h',
        backup: '-',
        link: 'link/now',
      },
      {
        date: '2026-12-06 03:00 UTC',
        result: 'PASSED',
        rto: '4m12s / 1 h',
        rpo: '3h5m / 24 h',
        backup: 'madef_20261206_020000.sql.gz',
        link: `link/${EXECUTION_ID}`,
      },
      {
        date: '2026-11-01 03:00 UTC',
        result: 'FAILED (below_minimum Avaliacao rows, rpo_exceeded)',
        rto: '4m12s / 1 h',
        rpo: '2d2h / 24 h !',
        backup: 'madef_20261206_020000.sql.gz',
        link: 'link/older',
      },
    ]);
  });
});
