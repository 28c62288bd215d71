/**
 * A config with one drill of each kind (resolved by the real parseConfig), its catalog, and the
 * executions and facts lines the drill tests read.
 */
import { parseConfig, type VigilConfig } from '../../lib/config/index.ts';
import { buildDrillCatalog } from '../../lib/drills/catalog.ts';
import type { DrillFacts } from '../../lib/drills/facts.ts';
import type { Drill } from '../../lib/drills/model.ts';
import type { DrillExecution } from '../../lib/drills/report.ts';

export const RUNBOOK =
  'https://github.com/example/ops/blob/main/runbooks/madef-home-care.md#3-restore-database-backup';

export const drillConfig: VigilConfig = parseConfig({
  project: 'ops',
  monitors: [
    { kind: 'http', name: 'madef-api', service: 'madef', url: 'https://madef.example.com/api/health' },
    {
      kind: 'backup',
      name: 'madef-backups',
      service: 'madef',
      severity: 'P2',
      runbook: RUNBOOK,
      host: {
        instance: 'i-0123456789abcdef0',
        directory: '/opt/madef/backups',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
      },
    },
    {
      kind: 'backup',
      name: 'madef-s3-backups',
      service: 'madef',
      s3: { bucket: 'example-db-backups', prefix: 'madef/', pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz' },
    },
    {
      kind: 'backup',
      name: 'notif-snapshots',
      service: 'notifications',
      severity: 'P3',
      rds: { instance: 'notif-db' },
    },
  ],
  drills: [
    {
      name: 'madef-monthly',
      backup: 'madef-backups',
      verify: {
        queries: [{ table: 'Paciente' }, { table: 'Avaliacao', min: 10 }],
        freshness: 'SELECT max(updated_at) FROM "Avaliacao"',
      },
      gameDay: true,
    },
    {
      name: 'madef-s3',
      backup: 'madef-s3-backups',
      restore: { instance: 'i-0aaaaaaaaaaaaaaa1' },
      verify: { queries: [{ table: 'Paciente' }] },
      schedule: 'cron(30 4 ? * MON#1 *)',
      timeZone: 'Europe/Berlin',
      rtoMinutes: 30,
    },
    {
      name: 'notif-rds',
      backup: 'notif-snapshots',
      restore: {
        subnetGroup: 'private-db',
        securityGroups: ['sg-0abc1234'],
        verifyInstance: 'i-0fedcba9876543210',
        user: 'postgres',
        database: 'notifications',
        password: { secretsManager: 'notifications/db', jsonKey: 'password' },
      },
      verify: { queries: [{ table: 'messages', min: 100 }] },
      rpoHours: 26,
    },
  ],
});

export const drillCatalog = buildDrillCatalog(drillConfig);

export function drillNamed(name: string): Drill {
  const drill = drillConfig.drills.find((d) => d.name === name);
  if (!drill) throw new Error(`no drill ${name}`);
  return drill;
}

/** Good facts of the host drill started at 2026-12-06T03:00:00Z: RTO 4 min 12 s, RPO 3 h 5 min (from the data). */
export const goodFacts: DrillFacts = {
  ok: true,
  dump: '/opt/madef/backups/madef_20261206_020000.sql.gz',
  dumpTimestamp: '2026-12-06T02:00:00.000Z',
  database: 'vigil_drill_madef_monthly_1a2b3c4d',
  startedAt: '2026-12-06T03:00:05.000Z',
  restoredAt: '2026-12-06T03:03:40.000Z',
  verifiedAt: '2026-12-06T03:04:17.000Z',
  queries: [
    { name: 'Paciente rows', value: 1200, min: 1, ok: true },
    { name: 'Avaliacao rows', value: 5400, min: 10, ok: true },
  ],
  newestData: '2026-12-05T23:55:00.000Z',
  dropped: true,
};

/** The host drill's facts with Avaliacao below its minimum. */
export const belowMinimumFacts: DrillFacts = {
  ...goodFacts,
  ok: false,
  reason: 'below_minimum',
  queries: [
    { name: 'Paciente rows', value: 1200, min: 1, ok: true },
    { name: 'Avaliacao rows', value: 3, min: 10, ok: false },
  ],
};

/** The line the script prints last. */
export function factsLine(facts: DrillFacts): string {
  return `VIGIL_DRILL_FACTS ${JSON.stringify(facts)}`;
}

export const EXECUTION_ID = '4f1c2a9e-0b7d-4c3e-9a51-2d6e8f0a1b2c';
export const STARTED = new Date('2026-12-06T03:00:00Z');

/** An execution of the host-dump document, as GetAutomationExecution returns it. */
export function hostExecution(
  over: Partial<DrillExecution> & { restoreOutput?: string; verdictFailed?: boolean } = {},
): DrillExecution {
  const { restoreOutput = factsLine(goodFacts), verdictFailed = false, ...rest } = over;
  const restoreFailed = !restoreOutput.includes('"ok":true');
  return {
    AutomationExecutionId: EXECUTION_ID,
    DocumentName: 'vigil-ops-drill-host-dump',
    AutomationExecutionStatus: restoreFailed || verdictFailed ? 'Failed' : 'Success',
    ExecutionStartTime: STARTED,
    ExecutionEndTime: new Date('2026-12-06T03:05:00Z'),
    Parameters: { Drill: ['madef-monthly'], InstanceId: ['i-0123456789abcdef0'], ExecutionTimeout: ['7500'] },
    StepExecutions: [
      { StepName: 'LoadEnvironment', Action: 'aws:executeAwsApi', StepStatus: 'Success' },
      {
        StepName: 'Restore',
        Action: 'aws:runCommand',
        StepStatus: restoreFailed ? 'Failed' : 'Success',
        Outputs: { Output: [restoreOutput] },
        ...(restoreFailed && {
          FailureMessage: 'Step fails when it is Executing. Fail The command exit code was 1.',
        }),
      },
      ...(restoreFailed
        ? []
        : [
            { StepName: 'VerifyRestore', Action: 'aws:invokeLambdaFunction', StepStatus: 'Success' },
            { StepName: 'Verdict', Action: 'aws:branch', StepStatus: 'Success' },
          ]),
      ...(restoreFailed || verdictFailed
        ? [
            { StepName: 'Cleanup', Action: 'aws:runCommand', StepStatus: 'Success' },
            { StepName: 'FailDrill', Action: 'aws:assertAwsResourceProperty', StepStatus: 'Failed' },
          ]
        : []),
    ],
    ...rest,
  };
}
