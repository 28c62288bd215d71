/**
 * The DR drill documents, run step by step by the Automation simulator: success, a failing
 * restore and a failing verification for each kind, and the cleanup reached from every failure
 * path (each step made to fail in turn). Run Command steps run their real shell lines under sh
 * (`localShell`) against fakes of bash, psql, sudo, docker and aws that log what they were asked;
 * the judge is the real `parseDrillFacts` + `judgeDrill`. Lint clean, kind by kind.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { drillParameters } from '../../lib/drills/catalog.ts';
import {
  DRILL_KINDS,
  type DrillKind,
  drillDocument,
  drillEnvironment,
  drillEnvironmentValue,
} from '../../lib/drills/documents/index.ts';
import { type DrillFacts, parseDrillFacts } from '../../lib/drills/facts.ts';
import { judgeDrill } from '../../lib/drills/judge.ts';
import type { Drill } from '../../lib/drills/model.ts';
import { RESTORE_SCRIPT } from '../../lib/drills/restore-script.ts';
import type { AutomationDocument } from '../../lib/ssm/automation.ts';
import { lintAutomationDocument } from '../../lib/ssm/lint.ts';
import { type AwsCall, localShell, type SimResult, simulateAutomation } from '../support/automation-sim.ts';

const START = new Date('2026-12-06T03:00:00Z');
const ROLE = 'arn:aws:iam::123456789012:role/vigil-drill';
const FUNCTION = 'vigil-example-drill';

const config = parseConfig({
  project: 'example',
  monitors: [
    {
      kind: 'backup',
      name: 'madef-host-backups',
      service: 'madef',
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
    { kind: 'backup', name: 'notif-snapshots', rds: { instance: 'whatsapp-notif-db' } },
  ],
  drills: [
    {
      name: 'madef-host',
      backup: 'madef-host-backups',
      verify: { queries: [{ table: 'Paciente' }, { table: 'Cuidador', min: 2 }] },
    },
    {
      name: 'madef-s3',
      backup: 'madef-s3-backups',
      restore: { instance: 'i-0fedcba9876543210' },
      verify: { queries: [{ table: 'Paciente' }] },
    },
    {
      name: 'notif-rds',
      backup: 'notif-snapshots',
      restore: {
        subnetGroup: 'private-db',
        securityGroups: ['sg-0abc1234'],
        verifyInstance: 'i-0aaaabbbbccccdddd',
        user: 'postgres',
        database: 'notifications',
        password: { secretsManager: 'notif/db', jsonKey: 'password' },
      },
      verify: {
        queries: [{ table: 'Message', min: 3 }],
        freshness: 'SELECT max("updatedAt") FROM "Message"',
      },
    },
  ],
});
const drillOf = (kind: DrillKind): Drill => {
  const found = config.drills.find((d) => d.target.kind === kind);
  if (!found) throw new Error(kind);
  return found;
};
const docOf = (kind: DrillKind): AutomationDocument =>
  drillDocument(kind, { project: 'example', assumeRoleArn: ROLE, drillFunctionName: FUNCTION });

/** Facts a good restore reports: done 3 minutes in, data an hour old. */
const goodFacts = (drill: Drill): DrillFacts => ({
  ok: true,
  dump: '/opt/madef/backups/madef_20261206_020000.sql.gz',
  dumpTimestamp: '2026-12-06T02:00:00.000Z',
  database: 'vigil_drill_x',
  startedAt: '2026-12-06T03:00:05.000Z',
  restoredAt: '2026-12-06T03:02:00.000Z',
  verifiedAt: '2026-12-06T03:03:00.000Z',
  queries: drill.queries.map((q) => ({ name: q.name, value: 10, min: q.min, ok: true })),
  dropped: true,
});

let bin: string;
let logFile: string;
let factsFile: string;

/** A fake command: logs `name arg...` (one line, args joined by a space) and runs `body`. */
function fake(name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${logFile}'\n${body}\n`);
  chmodSync(path, 0o755);
}

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'vigil-drill-doc-'));
  logFile = join(bin, 'calls.log');
  factsFile = join(bin, 'facts.txt');
  writeFileSync(logFile, '');
  // The restore and verify scripts' bash: records its script and environment, prints progress and
  // the facts line the test chose, exits with FAKE_EXIT.
  const body = [
    `printf '%s' "$2" > '${bin}/script.txt'`,
    `env | grep '^VIGIL_' | sort > '${bin}/env.txt'`,
    'i=0; while [ $i -lt 200 ]; do echo "[vigil-drill] progress line $i of a long restore"; i=$((i+1)); done',
    `cat '${factsFile}'`,
    'exit "$FAKE_EXIT"',
  ].join('\n');
  const path = join(bin, 'bash');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  // psql, however it is reached: lists two leftover scratch databases and the live one.
  const psql = `case "$*" in *"SELECT datname"*) printf 'vigil_drill_madef_host\\nvigil_drill_old\\nmadef\\n' ;; esac`;
  fake('sudo', psql);
  fake('docker', psql);
  fake('aws', `printf '%s' 'rds:whatsapp-notif-db-2026-12-06-02-05'`);
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

const writeFacts = (facts: DrillFacts) =>
  writeFileSync(factsFile, `VIGIL_DRILL_FACTS ${JSON.stringify(facts)}\n`);
const calls = () => readFileSync(logFile, 'utf8').trimEnd().split('\n').filter(Boolean);

/** The RDS API as the drill sees it: the instance becomes available, then is deleted. */
function rdsApi(answers: { failApi?: string } = {}) {
  return (call: AwsCall): unknown => {
    if (call.Api === answers.failApi) throw new Error(`${call.Api}: AccessDenied`);
    switch (`${call.Service}:${call.Api}`) {
      case 'ssm:GetParameter':
        expect(call.params.Name).toMatch(/^\/vigil\/example\/drills\/[a-z0-9-]+$/);
        return {
          Parameter: {
            Value: drillEnvironmentValue(
              config.drills.find((d) => `/vigil/example/drills/${d.name}` === call.params.Name) as Drill,
            ),
          },
        };
      case 'ssm:GetAutomationExecution':
        return { AutomationExecution: { AutomationExecutionStatus: 'InProgress' } };
      case 'rds:RestoreDBInstanceFromDBSnapshot':
        return { DBInstance: { DBInstanceStatus: 'creating' } };
      case 'rds:DescribeDBInstances':
        return {
          DBInstances: [
            {
              DBInstanceStatus: 'available',
              Endpoint: { Address: 'vigil-drill-notif-rds.abc.eu-central-1.rds.amazonaws.com', Port: 5432 },
              InstanceCreateTime: '2026-12-06T03:00:30.000Z',
            },
          ],
        };
      case 'rds:DeleteDBInstance':
        return { DBInstance: { DBInstanceStatus: 'deleting' } };
      case 'rds:DescribeEvents':
        return { Events: [{ Message: 'DB instance deleted' }] };
      default:
        throw new Error(`unexpected ${call.Service}:${call.Api}`);
    }
  };
}

/** Runs a drill's document with the real judge. */
async function run(
  kind: DrillKind,
  doc: AutomationDocument = docOf(kind),
  aws = rdsApi(),
  fakeExit = 0,
): Promise<SimResult> {
  const drill = drillOf(kind);
  const params = Object.fromEntries(
    Object.entries(drillParameters(drill)).map(([k, v]) =>
      k === 'SecurityGroups' ? [k, v] : [k, v[0] as string],
    ),
  );
  return simulateAutomation(
    doc,
    params,
    {
      aws,
      runCommand: localShell({ pathPrepend: [bin], env: { FAKE_EXIT: String(fakeExit) } }),
      invokeLambda: async ({ FunctionName, Payload }) => {
        expect(FunctionName).toBe(FUNCTION);
        const input = JSON.parse(Payload) as {
          op: string;
          drill: string;
          output: string;
          executionId: string;
        };
        expect([input.op, input.drill, input.executionId]).toEqual([
          'judge',
          drill.name,
          'sim-execution-0001',
        ]);
        const outcome = judgeDrill(parseDrillFacts(input.output), drill, { drillStartedAt: START.getTime() });
        return { Payload: JSON.stringify(outcome) };
      },
    },
    { startTime: START },
  );
}

const names = (r: SimResult) => r.steps.map((s) => `${s.name}:${s.status}`);

const DROP_CALLS = (psql: string) => [
  `${psql} -X -At -d postgres -c SELECT datname FROM pg_database WHERE datname LIKE 'vigil\\_drill\\_%'`,
  `${psql} -X -q -d postgres -c SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'vigil_drill_madef_host'`,
  `${psql} -X -q -v ON_ERROR_STOP=1 -d postgres -c DROP DATABASE IF EXISTS "vigil_drill_madef_host"`,
  `${psql} -X -q -d postgres -c SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'vigil_drill_old'`,
  `${psql} -X -q -v ON_ERROR_STOP=1 -d postgres -c DROP DATABASE IF EXISTS "vigil_drill_old"`,
];
const HOST_PSQL = 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U postgres';
const S3_PSQL = 'sudo -u postgres psql';

describe('drill documents are lint clean', () => {
  it.each(DRILL_KINDS)('%s', (kind) => {
    expect(lintAutomationDocument(docOf(kind))).toEqual([]);
  });
});

describe.each([
  ['host-dump', HOST_PSQL],
  ['s3-dump', S3_PSQL],
] as const)('%s drill document', (kind, psql) => {
  it('restores, verifies and passes: the script runs with the drill environment, the judge reads its facts line', async () => {
    const drill = drillOf(kind);
    writeFacts(goodFacts(drill));
    const result = await run(kind);
    expect(names(result)).toEqual([
      'LoadEnvironment:Success',
      'Restore:Success',
      'VerifyRestore:Success',
      'Verdict:Success',
    ]);
    expect(result.status).toBe('Success');
    // The very restore script, quoted and unquoted intact; the environment exported line by line.
    expect(readFileSync(join(bin, 'script.txt'), 'utf8')).toBe(RESTORE_SCRIPT);
    const env = Object.fromEntries(
      readFileSync(join(bin, 'env.txt'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toEqual(drillEnvironment(drill));
    expect(env.VIGIL_PSQL).toBe(psql);
    // 200 progress lines went to stderr; stdout held the facts line whole, first in the output.
    const output = String(result.steps[1]?.outputs.Output);
    expect(output.split('\n')[0]).toBe(`VIGIL_DRILL_FACTS ${JSON.stringify(goodFacts(drill))}`);
    expect(output.length).toBeLessThanOrEqual(2500);
    expect(calls()).toEqual([]);
  });

  it('fails a restore that fails: drops the leftover scratch databases (never the live one), then fails', async () => {
    writeFacts({ ...goodFacts(drillOf(kind)), ok: false, reason: 'restore_failed', queries: [] });
    const result = await run(kind, docOf(kind), rdsApi(), 1);
    expect(names(result)).toEqual([
      'LoadEnvironment:Success',
      'Restore:Failed',
      'Cleanup:Success',
      'FailDrill:Failed',
    ]);
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('Restore');
    const shown = psql.split(' ')[0] as string;
    expect(calls()).toEqual(DROP_CALLS(psql).map((c) => c.replace(/^\S+/, shown)));
  });

  it('fails a restore the judge rejects (data older than the RPO), with the cleanup', async () => {
    writeFacts({ ...goodFacts(drillOf(kind)), dumpTimestamp: '2026-12-04T02:00:00.000Z' });
    const result = await run(kind);
    expect(names(result)).toEqual([
      'LoadEnvironment:Success',
      'Restore:Success',
      'VerifyRestore:Success',
      'Verdict:Success',
      'Cleanup:Success',
      'FailDrill:Failed',
    ]);
    expect(result.status).toBe('Failed');
    expect(String(result.steps[2]?.outputs.Payload)).toContain('"code":"rpo_exceeded"');
  });
});

describe('rds-snapshot drill document', () => {
  const drill = drillOf('rds-snapshot');
  const SUCCESS = [
    'LoadEnvironment:Success',
    'FindSnapshot:Success',
    'RestoreScratch:Success',
    'WaitAvailable:Success',
    'DescribeScratch:Success',
    'VerifyQueries:Success',
    'VerifyRestore:Success',
    'Verdict:Success',
    'DeleteScratch:Success',
    'WaitDeleted:Success',
  ];

  it('restores the newest snapshot into a private scratch instance tagged as a drill, verifies it, deletes it', async () => {
    writeFacts({ ...goodFacts(drill), newestData: '2026-12-06T01:30:00.000Z' });
    const result = await run('rds-snapshot');
    expect(names(result)).toEqual(SUCCESS);
    expect(result.status).toBe('Success');
    const restore = result.awsCalls.find((c) => c.Api === 'RestoreDBInstanceFromDBSnapshot');
    expect(restore?.params).toEqual({
      DBInstanceIdentifier: 'vigil-drill-notif-rds',
      DBSnapshotIdentifier: 'rds:whatsapp-notif-db-2026-12-06-02-05',
      DBInstanceClass: 'db.t4g.micro',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-0abc1234'],
      PubliclyAccessible: false,
      MultiAZ: false,
      DeletionProtection: false,
      AutoMinorVersionUpgrade: false,
      CopyTagsToSnapshot: false,
      Tags: [
        { Key: 'vigil:drill', Value: 'true' },
        { Key: 'vigil:drill-name', Value: 'notif-rds' },
      ],
    });
    expect(result.awsCalls.find((c) => c.Api === 'DeleteDBInstance')?.params).toEqual({
      DBInstanceIdentifier: 'vigil-drill-notif-rds',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
    // Every RDS call names the scratch instance, never the source.
    expect(JSON.stringify(result.awsCalls)).not.toContain('"whatsapp-notif-db"');
    expect(calls()).toEqual([
      'aws rds describe-db-snapshots --db-instance-identifier whatsapp-notif-db --snapshot-type automated --query reverse(sort_by(DBSnapshots[?Status==`available`],&SnapshotCreateTime))[0].DBSnapshotIdentifier --output text',
    ]);
    const env = readFileSync(join(bin, 'env.txt'), 'utf8');
    expect(env).toContain('VIGIL_PGHOST=vigil-drill-notif-rds.abc.eu-central-1.rds.amazonaws.com\n');
    expect(env).toContain('VIGIL_PASSWORD_SECRET=notif/db\n');
    expect(env).toContain('VIGIL_STARTED_AT=2026-12-06T03:00:30.000Z\n');
  });

  it('deletes the scratch instance and fails when the verification fails (a table under its minimum)', async () => {
    writeFacts({
      ...goodFacts(drill),
      ok: false,
      reason: 'below_minimum',
      queries: [{ name: 'Message rows', value: 1, min: 3, ok: false }],
    });
    const result = await run('rds-snapshot', docOf('rds-snapshot'), rdsApi(), 1);
    expect(names(result)).toEqual([
      ...SUCCESS.slice(0, 5),
      'VerifyQueries:Failed',
      'DeleteScratchAfterFailure:Success',
      'WaitDeletedAfterFailure:Success',
      'FailDrill:Failed',
    ]);
    expect(result.status).toBe('Failed');
  });

  it('deletes what a failed restore call may have left and fails', async () => {
    const result = await run(
      'rds-snapshot',
      docOf('rds-snapshot'),
      rdsApi({ failApi: 'RestoreDBInstanceFromDBSnapshot' }),
    );
    expect(names(result)).toEqual([
      ...SUCCESS.slice(0, 2),
      'RestoreScratch:Failed',
      'DeleteScratchAfterFailure:Success',
      'WaitDeletedAfterFailure:Success',
      'FailDrill:Failed',
    ]);
    expect(result.status).toBe('Failed');
  });

  it('runs the real verify script: password from Secrets Manager, queries and freshness against the scratch endpoint', async () => {
    rmSync(join(bin, 'bash'));
    fake(
      'aws',
      `case "$*" in *describe-db-snapshots*) printf '%s' 'rds:whatsapp-notif-db-2026-12-06-02-05' ;; *get-secret-value*) printf '%s\\n' '{"password":"s3cret"}' ;; esac`,
    );
    fake(
      'psql',
      [
        `printf '%s\\n' "PGPASSWORD=$PGPASSWORD" >> '${logFile}'`,
        'case "$*" in *updatedAt*) echo "2026-12-06 01:30:00+00" ;; *count*) echo 7 ;; esac',
      ].join('\n'),
    );
    const result = await run('rds-snapshot');
    expect(names(result)).toEqual(SUCCESS);
    const facts = parseDrillFacts(String(result.steps[5]?.outputs.Output));
    expect(facts).toMatchObject({
      ok: true,
      database: 'vigil-drill-notif-rds',
      startedAt: '2026-12-06T03:00:30.000Z',
      queries: [{ name: 'Message rows', value: 7, min: 3, ok: true }],
      newestData: '2026-12-06T01:30:00.000Z',
    });
    const host =
      '-h vigil-drill-notif-rds.abc.eu-central-1.rds.amazonaws.com -p 5432 -U postgres -d notifications';
    expect(calls().slice(1)).toEqual([
      'aws secretsmanager get-secret-value --secret-id notif/db --query SecretString --output text',
      `psql -X -q -v ON_ERROR_STOP=1 ${host} -At -c SELECT count(*) FROM "Message"`,
      'PGPASSWORD=s3cret',
      `psql -X -q -v ON_ERROR_STOP=1 ${host} -At -c SET TIME ZONE 'UTC' -c SELECT max("updatedAt") FROM "Message"`,
      'PGPASSWORD=s3cret',
    ]);
  });
});

/** Steps that run before a drill creates anything: their failure has nothing to clean. */
const BEFORE_ANYTHING = new Set(['LoadEnvironment', 'FindSnapshot']);
const CLEANUP_STEPS = new Set([
  'Cleanup',
  'DeleteScratchAfterFailure',
  'WaitDeletedAfterFailure',
  'FailDrill',
  'DeleteScratch',
  'WaitDeleted',
]);

describe.each(DRILL_KINDS)('%s: the cleanup is reached from every failure path', (kind) => {
  const doc = docOf(kind);
  const failable = doc.mainSteps.filter((s) => !BEFORE_ANYTHING.has(s.name) && !CLEANUP_STEPS.has(s.name));
  const cleanup = kind === 'rds-snapshot' ? 'DeleteScratchAfterFailure' : 'Cleanup';

  it('has failure paths to try', () => {
    expect(failable.map((s) => s.name)).toEqual(
      kind === 'rds-snapshot'
        ? ['RestoreScratch', 'WaitAvailable', 'DescribeScratch', 'VerifyQueries', 'VerifyRestore', 'Verdict']
        : ['Restore', 'VerifyRestore', 'Verdict'],
    );
  });

  it.each(failable.map((s) => s.name))('when %s fails', async (stepName) => {
    writeFacts({ ...goodFacts(drillOf(kind)), newestData: '2026-12-06T01:30:00.000Z' });
    // A reference to nothing fails the step before it acts, as any error of its own would.
    const broken: AutomationDocument = {
      ...doc,
      mainSteps: doc.mainSteps.map((s) =>
        s.name === stepName ? { ...s, inputs: { ...s.inputs, Broken: '{{ NoSuchStep.Output }}' } } : s,
      ),
    };
    const result = await run(kind, broken);
    const ran = result.steps.map((s) => s.name);
    expect(result.steps.find((s) => s.name === stepName)?.status).toBe('Failed');
    expect(ran.slice(ran.indexOf(stepName) + 1)).toEqual(
      kind === 'rds-snapshot'
        ? ['DeleteScratchAfterFailure', 'WaitDeletedAfterFailure', 'FailDrill']
        : ['Cleanup', 'FailDrill'],
    );
    expect(result.steps.find((s) => s.name === cleanup)?.status).toBe('Success');
    expect(result.status).toBe('Failed');
  });

  it('fails the execution even when the cleanup itself fails', async () => {
    writeFacts({ ...goodFacts(drillOf(kind)), ok: false, reason: 'restore_failed', queries: [] });
    fake('sudo', 'exit 1');
    fake('docker', 'exit 1');
    const aws = rdsApi({ failApi: kind === 'rds-snapshot' ? 'DeleteDBInstance' : 'none' });
    const result = await run(kind, docOf(kind), aws, 1);
    expect(result.steps.find((s) => s.name === cleanup)?.status).toBe('Failed');
    expect(result.steps.at(-1)?.name).toBe('FailDrill');
    expect(result.status).toBe('Failed');
  });
});
