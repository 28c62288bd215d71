/**
 * DR drills in the config: one test per mistake, each asserting the whole message (path and fix),
 * and the defaults a drill resolves to.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { problems } from '../support/config-problems.ts';

const RUNBOOK =
  'https://github.com/example/ops/blob/main/runbooks/madef-home-care.md#3-restore-database-backup';

const monitors = [
  { kind: 'http', name: 'madef-api-health', service: 'madef', url: 'https://madef.example.com/api/health' },
  {
    kind: 'backup',
    name: 'madef-host-backups',
    service: 'madef',
    severity: 'P1',
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
    name: 'notifications-db-snapshots',
    service: 'whatsapp-notifications',
    severity: 'P3',
    rds: { instance: 'whatsapp-notif-db' },
  },
  { kind: 'backup', name: 'shop-aurora', rds: { cluster: 'shop-aurora' } },
  {
    kind: 'backup',
    name: 'vault',
    awsBackup: { vault: 'prod', resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:nutri-db' },
  },
  {
    kind: 'backup',
    name: 'supabase',
    endpoint: { url: 'https://api.supabase.example.com/backups', timestampPath: 'latest.at' },
  },
];

const hostDrill = (over: Record<string, unknown> = {}) => ({
  name: 'madef-monthly',
  backup: 'madef-host-backups',
  verify: { queries: [{ table: 'Paciente' }] },
  ...over,
});

const rdsRestore = {
  subnetGroup: 'private-db',
  securityGroups: ['sg-0abc1234'],
  verifyInstance: 'i-0fedcba9876543210',
  user: 'postgres',
  database: 'notifications',
  password: { secretsManager: 'notifications/db', jsonKey: 'password' },
};

const config = (...drills: unknown[]) => ({ project: 'x', monitors, drills });

describe('drill config errors name the path and the fix', () => {
  it('rejects an unknown backup monitor, listing the backup monitors', () => {
    expect(problems(config(hostDrill({ backup: 'madef-backups' })))).toEqual([
      'drills[0].backup: "madef-backups" is not a monitor; name a backup monitor: madef-host-backups, madef-s3-backups, notifications-db-snapshots, shop-aurora, vault, supabase',
    ]);
  });

  it('rejects a monitor that is not a backup monitor', () => {
    expect(problems(config(hostDrill({ backup: 'madef-api-health' })))).toEqual([
      'drills[0].backup: "madef-api-health" is a http monitor; a drill proves a backup monitor: madef-host-backups, madef-s3-backups, notifications-db-snapshots, shop-aurora, vault, supabase',
    ]);
  });

  it('sends an AWS Backup or endpoint backup to AWS Backup restore testing', () => {
    expect(problems(config(hostDrill({ backup: 'vault' })))).toEqual([
      'drills[0].backup: backup "vault" is an AWS Backup recovery point, which a drill cannot restore itself; use an AWS Backup restore testing plan for the restore (README "DR drills"), or drill an s3, rds or host backup monitor of the same data',
    ]);
    expect(problems(config(hostDrill({ backup: 'supabase' })))).toEqual([
      'drills[0].backup: backup "supabase" is a backup reported by an endpoint, which a drill cannot restore itself; use an AWS Backup restore testing plan for the restore (README "DR drills"), or drill an s3, rds or host backup monitor of the same data',
    ]);
  });

  it('rejects an Aurora cluster: drills restore instance snapshots', () => {
    expect(problems(config(hostDrill({ backup: 'shop-aurora', restore: rdsRestore })))).toEqual([
      'drills[0].backup: backup "shop-aurora" watches the Aurora cluster "shop-aurora"; drills restore RDS instance snapshots only: use an AWS Backup restore testing plan for the cluster (README "DR drills")',
    ]);
  });

  it('rejects a drill with no verification query', () => {
    expect(problems(config(hostDrill({ verify: { queries: [] } })))).toEqual([
      'drills[0].verify.queries: add at least one verification query, e.g. { table: "Paciente", min: 1 }: a restore nobody checked proves nothing',
    ]);
  });

  it('rejects a query with both or neither of table and sql', () => {
    expect(
      problems(
        config(hostDrill({ verify: { queries: [{ table: 'Paciente', sql: 'SELECT 1' }, { min: 3 }] } })),
      ),
    ).toEqual([
      'drills[0].verify.queries[0]: give exactly one of table: "Paciente" (a row count) or sql: "SELECT count(*) FROM ..." (one number)',
      'drills[0].verify.queries[1]: give exactly one of table: "Paciente" (a row count) or sql: "SELECT count(*) FROM ..." (one number)',
    ]);
  });

  it('rejects a table name it could not quote safely', () => {
    expect(problems(config(hostDrill({ verify: { queries: [{ table: 'Paciente"; DROP' }] } })))).toEqual([
      'drills[0].verify.queries[0].table: must be a table name such as "Paciente" or "public.Paciente" (quoted for you)',
    ]);
  });

  it('rejects a rate() schedule: a drill runs at a time of day', () => {
    expect(problems(config(hostDrill({ schedule: 'rate(30 days)' })))).toEqual([
      'drills[0].schedule: "rate(30 days)" is not a cron expression; a drill runs at a time of day, e.g. "cron(0 3 ? * SUN#1 *)" (the first Sunday of the month, 03:00)',
    ]);
  });

  it('rejects a cron Scheduler would refuse: five fields, both day fields, a bad field', () => {
    expect(problems(config(hostDrill({ schedule: 'cron(0 3 * * 0)' })))).toEqual([
      'drills[0].schedule: cron(0 3 * * 0) has 5 fields; EventBridge Scheduler\'s cron has 6 (minutes hours day-of-month month day-of-week year), e.g. "cron(0 3 ? * SUN#1 *)"',
    ]);
    expect(problems(config(hostDrill({ schedule: 'cron(0 3 1 * SUN *)' })))).toEqual([
      'drills[0].schedule: cron(0 3 1 * SUN *): exactly one of day-of-month and day-of-week must be "?" (EventBridge Scheduler cannot use both), e.g. "cron(0 3 ? * SUN#1 *)"',
    ]);
    expect(problems(config(hostDrill({ schedule: 'cron(0 3am ? * SUN#1 *)' })))).toEqual([
      'drills[0].schedule: cron(0 3am ? * SUN#1 *): "3am" is not a valid hours field, e.g. "cron(0 3 ? * SUN#1 *)"',
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(problems(config(hostDrill({ timeZone: 'Europe/Ankara' })))).toEqual([
      'drills[0].timeZone: "Europe/Ankara" is not a time zone this runtime knows; use an IANA name such as "UTC" or "Europe/Istanbul"',
    ]);
  });

  it('rejects an RTO or RPO out of range', () => {
    expect(problems(config(hostDrill({ rtoMinutes: 0, rpoHours: 800 })))).toEqual([
      'drills[0].rtoMinutes: must be at least 1 minutes',
      'drills[0].rpoHours: must be at most 744 hours',
    ]);
    expect(problems(config(hostDrill({ rtoMinutes: 721 })))).toEqual([
      'drills[0].rtoMinutes: must be at most 720 minutes',
    ]);
  });

  it('rejects RDS options for an S3 dump, and an S3 dump with no drill host', () => {
    expect(
      problems(config(hostDrill({ backup: 'madef-s3-backups', restore: { instanceClass: 'db.t4g.small' } }))),
    ).toEqual([
      'drills[0].restore.instanceClass: is an RDS restore option, but backup "madef-s3-backups" is an S3 dump; an S3 dump drill takes restore: { instance, psql? }',
      'drills[0].restore.instance: an S3 dump drill needs the drill host that downloads and restores it: restore: { instance: "i-0abc..." } (a managed instance with psql and the AWS CLI)',
    ]);
  });

  it('rejects RDS options and another instance for a host dump', () => {
    expect(
      problems(
        config(hostDrill({ restore: { subnetGroup: 'private-db', instance: 'i-0fedcba9876543210' } })),
      ),
    ).toEqual([
      'drills[0].restore.subnetGroup: is an RDS restore option, but backup "madef-host-backups" is a host dump; a host dump drill restores on its own host and takes restore: { psql? }',
      'drills[0].restore.instance: backup "madef-host-backups" is on i-0123456789abcdef0; a host dump is restored on that host, so remove restore.instance',
    ]);
  });

  it('rejects dump options for an RDS drill and names what it is missing', () => {
    expect(
      problems(
        config(
          hostDrill({
            backup: 'notifications-db-snapshots',
            restore: { psql: 'psql', subnetGroup: 'private-db' },
          }),
        ),
      ),
    ).toEqual([
      'drills[0].restore.psql: is an S3 or host dump option, but backup "notifications-db-snapshots" is an RDS snapshot backup; an RDS drill takes restore: { subnetGroup, securityGroups, verifyInstance, user, database, password, instanceClass? }',
      'drills[0].restore: an RDS snapshot drill needs securityGroups, verifyInstance, user, database, password: where the scratch instance goes (private subnet group and security groups), the host that verifies it, and how to log in, e.g. restore: { subnetGroup: "private-db", securityGroups: ["sg-0abc1234"], verifyInstance: "i-0abc...", user: "postgres", database: "app", password: { secretsManager: "app/db" } }',
    ]);
  });

  it('rejects a psql command that picks the database', () => {
    expect(problems(config(hostDrill({ restore: { psql: 'psql -U madef -d madef' } })))).toEqual([
      'drills[0].restore.psql: must not choose a database (-d): the drill restores into a scratch database of its own',
    ]);
  });

  it('rejects duplicate drill names, pointing at the second', () => {
    expect(problems(config(hostDrill(), hostDrill()))).toEqual([
      'drills[1].name: "madef-monthly" is already the name of drills[0]; drill names must be unique',
    ]);
  });

  it('rejects a name too long for the scratch instance, or with "--"', () => {
    expect(problems(config(hostDrill({ name: 'a'.repeat(43) })))).toEqual([
      "drills[0].name: must be at most 42 characters: the scratch instance vigil-drill-<name> and database vigil_drill_<name> must fit RDS's and PostgreSQL's 63",
    ]);
    expect(problems(config(hostDrill({ name: 'madef--monthly' })))).toEqual([
      'drills[0].name: must not contain "--" (RDS identifiers cannot, and the scratch instance is named after the drill)',
    ]);
  });

  it('suggests the known field for a misspelt one', () => {
    expect(problems(config(hostDrill({ rtoMinute: 30 })))).toEqual([
      'drills[0].rtoMinute: unknown field; did you mean "rtoMinutes"?',
    ]);
  });
});

describe('drill defaults', () => {
  it("resolves a host dump drill: the runbooks' RTO, RPO and window, the backup monitor's severity, service and runbook, the compose psql", () => {
    const { drills } = parseConfig(config(hostDrill()));
    expect(drills).toEqual([
      {
        name: 'madef-monthly',
        monitor: 'madef-host-backups',
        service: 'madef',
        target: {
          kind: 'host-dump',
          directory: '/opt/madef/backups',
          pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
          instance: 'i-0123456789abcdef0',
          psql: 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U postgres',
        },
        queries: [{ name: 'Paciente rows', sql: 'SELECT count(*) FROM "Paciente"', min: 1 }],
        rtoMinutes: 60,
        rpoHours: 24,
        schedule: 'cron(0 3 ? * SUN#1 *)',
        timeZone: 'UTC',
        severity: 'P1',
        runbook: RUNBOOK,
        gameDay: false,
      },
    ]);
  });

  it('resolves an S3 dump drill with its own psql, queries, freshness and health URL', () => {
    const { drills } = parseConfig(
      config(
        hostDrill({
          name: 'madef-s3',
          backup: 'madef-s3-backups',
          restore: { instance: 'i-0fedcba9876543210' },
          verify: {
            queries: [
              { table: 'public.Cuidador', min: 5 },
              { name: 'evaluations this year', sql: 'SELECT count(*) FROM "Avaliacao" WHERE 1=1', min: 0 },
            ],
            freshness: 'SELECT max("updatedAt") FROM "Avaliacao"',
          },
          rtoMinutes: 30,
          rpoHours: 26,
          schedule: 'cron(30 2 ? * SUN#2 *)',
          timeZone: 'Europe/Istanbul',
          severity: 'P4',
          gameDay: true,
        }),
      ),
    );
    expect(drills[0]).toEqual({
      name: 'madef-s3',
      monitor: 'madef-s3-backups',
      service: 'madef',
      target: {
        kind: 's3-dump',
        bucket: 'example-db-backups',
        prefix: 'madef/',
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        instance: 'i-0fedcba9876543210',
        psql: 'sudo -u postgres psql',
      },
      queries: [
        { name: 'public.Cuidador rows', sql: 'SELECT count(*) FROM "public"."Cuidador"', min: 5 },
        { name: 'evaluations this year', sql: 'SELECT count(*) FROM "Avaliacao" WHERE 1=1', min: 0 },
      ],
      freshnessSql: 'SELECT max("updatedAt") FROM "Avaliacao"',
      rtoMinutes: 30,
      rpoHours: 26,
      schedule: 'cron(30 2 ? * SUN#2 *)',
      timeZone: 'Europe/Istanbul',
      severity: 'P4',
      gameDay: true,
    });
  });

  it('resolves an RDS drill with the smallest Graviton class unless told', () => {
    const { drills } = parseConfig(
      config(hostDrill({ name: 'notif', backup: 'notifications-db-snapshots', restore: rdsRestore })),
    );
    expect(drills[0]?.target).toEqual({
      kind: 'rds-snapshot',
      sourceInstance: 'whatsapp-notif-db',
      instanceClass: 'db.t4g.micro',
      ...rdsRestore,
    });
    expect(drills[0]?.severity).toBe('P3');
    expect(drills[0]?.service).toBe('whatsapp-notifications');
  });

  it('gives a config without drills an empty list', () => {
    expect(parseConfig({ project: 'x', monitors }).drills).toEqual([]);
  });
});
