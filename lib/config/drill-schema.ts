/**
 * DR drills in `vigil.config.ts`: `drills: [{ name, backup, restore, verify, ... }]`. A drill names
 * the backup monitor it proves, so the bucket, prefix, pattern, host directory or RDS instance are
 * written once; it says where to restore, what to verify, its RTO and RPO (the runbooks' 1 h and
 * 24 h by default), its schedule and time zone. The checks across the config (the backup monitor
 * exists, is a backup monitor of a source a drill can restore, the restore block fits that source)
 * run in {@link drillIssues}; {@link resolveDrills} applies the defaults into lib/drills/model.ts's
 * {@link Drill}s.
 *
 * Written with `zod/mini` (docs/adr/0002-zod-mini.md). Not imported by the canary.
 */
import { posix } from 'node:path';
import * as z from 'zod/mini';
import {
  DEFAULT_DRILL_SCHEDULE,
  DEFAULT_RPO_HOURS,
  DEFAULT_RTO_MINUTES,
  type Drill,
  type DrillQuery,
  type DrillTarget,
} from '../drills/model.ts';
import {
  INSTANCE_ID,
  type MonitorInput,
  monitorNameSchema,
  secretRefSchema,
  severitySchema,
} from './monitor-schema.ts';
import type { BackupMonitor, Monitor } from './resolve-monitor.ts';
import { fail, int, matching } from './schema-helpers.ts';

/** The RDS class a scratch instance gets unless the drill names one: the smallest Graviton class. */
export const DEFAULT_DRILL_INSTANCE_CLASS = 'db.t4g.micro';
/**
 * psql on an S3 dump's drill host unless the drill names one: the distribution's PostgreSQL,
 * reached as its `postgres` superuser over the local socket (creating a scratch database needs
 * CREATEDB).
 */
export const DEFAULT_S3_DUMP_PSQL = 'sudo -u postgres psql';
/**
 * psql on a host dump's host unless the drill names one: the runbook's restore
 * (madef-home-care.md §3, `docker compose exec -T postgres psql`), with the compose file beside the
 * backup directory's parent (`/opt/madef/backups` → `/opt/madef/docker-compose.yml`) and the
 * official image's superuser, `postgres`. Set `restore.psql` when the image runs as another user
 * (MAdef's runs as `madef`).
 */
export function defaultHostDumpPsql(directory: string): string {
  const compose = posix.join(posix.dirname(posix.normalize(directory)), 'docker-compose.yml');
  return `docker compose -f ${compose} exec -T postgres psql -U postgres`;
}

/**
 * Longest drill name: the scratch instance `vigil-drill-<name>` and the scratch database
 * `vigil_drill_<name>` must fit RDS's and PostgreSQL's 63-character identifiers, with room to spare.
 */
export const MAX_DRILL_NAME_LENGTH = 42;
export const MAX_RTO_MINUTES = 720;
export const MAX_RPO_HOURS = 744;

/** Table names for the `table:` short form: plain or schema-qualified identifiers, quoted in the SQL. */
const TABLE_NAME = /^[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?$/;

const drillQuerySchema = z
  .strictObject({
    /** Shown in the report. @default "<table> rows", else the SQL */
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    /** SQL returning one number. */
    sql: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4096))),
    /** Short form of `sql: 'SELECT count(*) FROM "<table>"'`. */
    table: z.optional(
      matching(TABLE_NAME, 'must be a table name such as "Paciente" or "public.Paciente" (quoted for you)'),
    ),
    /** The drill fails when the number is below this. @default 1 */
    min: z.optional(int(0)),
  })
  .check(
    z.superRefine((q, ctx) => {
      if ((q.sql === undefined) === (q.table === undefined)) {
        fail(
          ctx,
          'give exactly one of table: "Paciente" (a row count) or sql: "SELECT count(*) FROM ..." (one number)',
        );
      }
    }),
  );

/** Cron fields EventBridge Scheduler accepts: minutes, hours, day of month, month, day of week, year. */
const CRON_FIELDS = [
  { name: 'minutes', chars: /^[\d,\-*/]+$/ },
  { name: 'hours', chars: /^[\d,\-*/]+$/ },
  { name: 'day-of-month', chars: /^[\d,\-*?/LW]+$/ },
  { name: 'month', chars: /^(?:[\d,\-*/]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i },
  { name: 'day-of-week', chars: /^(?:[\d,\-*?/L#]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i },
  { name: 'year', chars: /^[\d,\-*/]+$/ },
] as const;

/** Why `value` is not an EventBridge Scheduler cron expression, or undefined when it is one. */
export function schedulerCronProblem(value: string): string | undefined {
  const m = /^cron\((.*)\)$/.exec(value);
  if (!m) {
    return `${JSON.stringify(value)} is not a cron expression; a drill runs at a time of day, e.g. "${DEFAULT_DRILL_SCHEDULE}" (the first Sunday of the month, 03:00)`;
  }
  const fields = (m[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) {
    return `${value} has ${fields.length} fields; EventBridge Scheduler's cron has 6 (minutes hours day-of-month month day-of-week year), e.g. "${DEFAULT_DRILL_SCHEDULE}"`;
  }
  for (const [i, field] of fields.entries()) {
    const spec = CRON_FIELDS[i];
    if (spec && !spec.chars.test(field)) {
      return `${value}: "${field}" is not a valid ${spec.name} field, e.g. "${DEFAULT_DRILL_SCHEDULE}"`;
    }
  }
  const [, , dom, , dow] = fields;
  if ((dom === '?') === (dow === '?')) {
    return `${value}: exactly one of day-of-month and day-of-week must be "?" (EventBridge Scheduler cannot use both), e.g. "${DEFAULT_DRILL_SCHEDULE}"`;
  }
  return undefined;
}

/**
 * Where to restore. Which fields apply depends on the backup monitor's source (checked by
 * {@link drillIssues}): RDS snapshots take `instanceClass`, `subnetGroup`, `securityGroups`,
 * `verifyInstance`, `user`, `database`, `password`; an S3 dump takes the drill host `instance` and
 * its `psql`; a host dump takes only `psql` (it restores on the backup's own host).
 */
const restoreSchema = z.strictObject({
  /** RDS: class of the scratch instance. @default "db.t4g.micro" */
  instanceClass: z.optional(
    matching(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS class such as "db.t4g.micro"'),
  ),
  /** RDS: DB subnet group of the scratch instance (private subnets). */
  subnetGroup: z.optional(matching(/^[a-zA-Z0-9 ._-]{1,255}$/, 'must be a DB subnet group name')),
  /** RDS: VPC security groups of the scratch instance; they must let `verifyInstance` reach port 5432. */
  securityGroups: z.optional(
    z
      .array(matching(/^sg-[0-9a-f]{8,17}$/, 'must be a security group ID, e.g. "sg-0abc1234"'))
      .check(z.minLength(1, 'name at least one security group, e.g. ["sg-0abc1234"]'), z.maxLength(5)),
  ),
  /** RDS: managed instance that runs the verification queries against the scratch instance. */
  verifyInstance: z.optional(
    matching(INSTANCE_ID, 'must be an EC2 instance ID ("i-0abc...") or a managed instance ID ("mi-0abc...")'),
  ),
  /** RDS: master user of the source instance (the restored one keeps it). */
  user: z.optional(matching(/^[A-Za-z_][\w]{0,62}$/, 'must be a PostgreSQL user name, e.g. "postgres"')),
  /** RDS: database to verify in the restored instance. */
  database: z.optional(matching(/^[A-Za-z_][\w]{0,62}$/, 'must be a database name, e.g. "notifications"')),
  /** RDS: the master password, read on the verify host at run time. */
  password: z.optional(secretRefSchema),
  /** S3 dump: the designated drill host (managed by Systems Manager) that downloads and restores. */
  instance: z.optional(
    matching(INSTANCE_ID, 'must be an EC2 instance ID ("i-0abc...") or a managed instance ID ("mi-0abc...")'),
  ),
  /**
   * S3 and host dumps: the psql command on the host, connection options included, without `-d`.
   * @default S3: "sudo -u postgres psql"; host: "docker compose -f <directory>/../docker-compose.yml exec -T postgres psql -U postgres"
   */
  psql: z.optional(
    z.string().check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(512),
      z.refine((s) => !/(^|\s)(-d|--dbname)(\s|=|$)/.test(s), {
        message: 'must not choose a database (-d): the drill restores into a scratch database of its own',
      }),
    ),
  ),
});

/** Fields of `restore` by the backup source they belong to. */
const RDS_RESTORE_FIELDS = [
  'instanceClass',
  'subnetGroup',
  'securityGroups',
  'verifyInstance',
  'user',
  'database',
  'password',
] as const;
const RDS_REQUIRED_FIELDS = [
  'subnetGroup',
  'securityGroups',
  'verifyInstance',
  'user',
  'database',
  'password',
] as const;

/** One DR drill, as a user writes it. */
export const drillInputSchema = z.strictObject({
  /** Names the drill: its schedule, its metrics' `Drill` dimension, its scratch resources. */
  name: monitorNameSchema.check(
    z.maxLength(
      MAX_DRILL_NAME_LENGTH,
      `must be at most ${MAX_DRILL_NAME_LENGTH} characters: the scratch instance vigil-drill-<name> and database vigil_drill_<name> must fit RDS's and PostgreSQL's 63`,
    ),
    z.refine((n) => !n.includes('--'), {
      message:
        'must not contain "--" (RDS identifiers cannot, and the scratch instance is named after the drill)',
    }),
  ),
  /** The backup monitor the drill proves, e.g. "madef-host-backups". */
  backup: monitorNameSchema,
  /** Where to restore (see each field for the source it applies to). */
  restore: z.optional(restoreSchema),
  /** What proves the restore. */
  verify: z.strictObject({
    /** Numbers with minimums, e.g. row counts of key tables. At least one. */
    queries: z.array(drillQuerySchema),
    /** SQL returning the newest data's time, for the RPO, e.g. 'SELECT max("updatedAt") FROM "Avaliacao"'. @default the backup's own timestamp */
    freshness: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4096))),
  }),
  /** Restore start to verified, at most, in minutes. @default 60 */
  rtoMinutes: z.optional(int(1, MAX_RTO_MINUTES, ' minutes')),
  /** Drill start minus the newest restored data, at most, in hours. @default 24 */
  rpoHours: z.optional(int(1, MAX_RPO_HOURS, ' hours')),
  /** EventBridge Scheduler cron, in `timeZone`. @default "cron(0 3 ? * SUN#1 *)" (first Sunday, 03:00) */
  schedule: z.optional(
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = schedulerCronProblem(value);
        if (problem) fail(ctx, problem);
      }),
    ),
  ),
  /** IANA time zone of the schedule. @default "UTC" */
  timeZone: z.optional(z.string()),
  /** Who is paged when the drill fails, is late or did not run. @default the backup monitor's */
  severity: z.optional(severitySchema),
  /** Link to the restore runbook. @default the backup monitor's */
  runbook: z.optional(z.url({ message: 'must be an absolute URL' })),
  /** Game day: set the service's alarm to ALARM, mark its pages DRILL, run its remediation in dry run. @default false */
  gameDay: z.optional(z.boolean()),
});
export type DrillInput = z.input<typeof drillInputSchema>;

/**
 * The checks across the config: the backup monitor exists and is one a drill can restore, the
 * restore block fits its source, names are unique, the time zone is known. Reported at
 * `drills[i]...` with the fix.
 */
export function drillIssues(
  config: { readonly monitors: readonly MonitorInput[]; readonly drills?: readonly DrillInput[] | undefined },
  isTimeZone: (zone: string) => boolean,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  const backups = config.monitors.filter((m) => m.kind === 'backup');
  const seen = new Map<string, number>();
  config.drills?.forEach((d, i) => {
    const at = (...path: PropertyKey[]) => ['drills', i, ...path];
    const first = seen.get(d.name);
    if (first !== undefined) {
      report(`"${d.name}" is already the name of drills[${first}]; drill names must be unique`, at('name'));
    } else seen.set(d.name, i);

    if (d.timeZone !== undefined && !isTimeZone(d.timeZone)) {
      report(
        `${JSON.stringify(d.timeZone)} is not a time zone this runtime knows; use an IANA name such as "UTC" or "Europe/Istanbul"`,
        at('timeZone'),
      );
    }
    if (d.verify.queries.length === 0) {
      report(
        'add at least one verification query, e.g. { table: "Paciente", min: 1 }: a restore nobody checked proves nothing',
        at('verify', 'queries'),
      );
    }

    const monitor = config.monitors.find((m) => m.name === d.backup);
    if (!monitor) {
      report(
        `"${d.backup}" is not a monitor; name a backup monitor: ${backups.length > 0 ? backups.map((m) => m.name).join(', ') : 'there is none yet (add one with kind: "backup")'}`,
        at('backup'),
      );
      return;
    }
    if (monitor.kind !== 'backup') {
      report(
        `"${d.backup}" is a ${monitor.kind} monitor; a drill proves a backup monitor: ${backups.length > 0 ? backups.map((m) => m.name).join(', ') : 'there is none yet (add one with kind: "backup")'}`,
        at('backup'),
      );
      return;
    }
    restoreIssues(d, monitor, (message, path) => report(message, at(...path)));
  });
}

function restoreIssues(
  d: DrillInput,
  monitor: Extract<MonitorInput, { kind: 'backup' }>,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  const restore = d.restore ?? {};
  const given = (fields: readonly string[]) =>
    fields.filter((f) => (restore as Record<string, unknown>)[f] !== undefined);
  const source = `backup "${monitor.name}"`;
  if (monitor.awsBackup || monitor.endpoint) {
    const what = monitor.awsBackup ? 'an AWS Backup recovery point' : 'a backup reported by an endpoint';
    report(
      `${source} is ${what}, which a drill cannot restore itself; use an AWS Backup restore testing plan for the restore (README "DR drills"), or drill an s3, rds or host backup monitor of the same data`,
      ['backup'],
    );
    return;
  }
  if (monitor.rds) {
    if (monitor.rds.cluster !== undefined) {
      report(
        `${source} watches the Aurora cluster "${monitor.rds.cluster}"; drills restore RDS instance snapshots only: use an AWS Backup restore testing plan for the cluster (README "DR drills")`,
        ['backup'],
      );
      return;
    }
    for (const field of given(['instance', 'psql'])) {
      report(
        `is an S3 or host dump option, but ${source} is an RDS snapshot backup; an RDS drill takes restore: { subnetGroup, securityGroups, verifyInstance, user, database, password, instanceClass? }`,
        ['restore', field],
      );
    }
    const missing = RDS_REQUIRED_FIELDS.filter((f) => restore[f] === undefined);
    if (missing.length > 0) {
      report(
        `an RDS snapshot drill needs ${missing.join(', ')}: where the scratch instance goes (private subnet group and security groups), the host that verifies it, and how to log in, e.g. restore: { subnetGroup: "private-db", securityGroups: ["sg-0abc1234"], verifyInstance: "i-0abc...", user: "postgres", database: "app", password: { secretsManager: "app/db" } }`,
        ['restore'],
      );
    }
    return;
  }
  const kind = monitor.s3 ? 'an S3 dump' : 'a host dump';
  for (const field of given(RDS_RESTORE_FIELDS)) {
    report(
      `is an RDS restore option, but ${source} is ${kind}; ${monitor.s3 ? 'an S3 dump drill takes restore: { instance, psql? }' : 'a host dump drill restores on its own host and takes restore: { psql? }'}`,
      ['restore', field],
    );
  }
  if (monitor.s3 && restore.instance === undefined) {
    report(
      'an S3 dump drill needs the drill host that downloads and restores it: restore: { instance: "i-0abc..." } (a managed instance with psql and the AWS CLI)',
      ['restore', 'instance'],
    );
  }
  if (monitor.host && restore.instance !== undefined) {
    report(
      `${source} is on ${monitor.host.instance}; a host dump is restored on that host, so remove restore.instance`,
      ['restore', 'instance'],
    );
  }
}

/** The `table:` short form as SQL: `SELECT count(*) FROM "Paciente"`. */
export function tableCountSql(table: string): string {
  return `SELECT count(*) FROM ${table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.')}`;
}

function resolveQuery(q: z.output<typeof drillQuerySchema>): DrillQuery {
  const sql = q.sql ?? tableCountSql(q.table ?? '');
  return { name: q.name ?? (q.table !== undefined ? `${q.table} rows` : sql), sql, min: q.min ?? 1 };
}

function targetOf(d: DrillInput, monitor: BackupMonitor): DrillTarget {
  const r = d.restore ?? {};
  const s = monitor.source;
  switch (s.kind) {
    case 'rds':
      return {
        kind: 'rds-snapshot',
        sourceInstance: s.instance ?? '',
        instanceClass: r.instanceClass ?? DEFAULT_DRILL_INSTANCE_CLASS,
        subnetGroup: r.subnetGroup ?? '',
        securityGroups: r.securityGroups ?? [],
        verifyInstance: r.verifyInstance ?? '',
        // drillIssues guarantees these for an RDS drill.
        password: r.password as NonNullable<typeof r.password>,
        user: r.user ?? '',
        database: r.database ?? '',
      };
    case 's3':
      return {
        kind: 's3-dump',
        bucket: s.bucket,
        prefix: s.prefix,
        ...(s.pattern !== undefined && { pattern: s.pattern }),
        instance: r.instance ?? '',
        psql: r.psql ?? DEFAULT_S3_DUMP_PSQL,
      };
    case 'host':
      return {
        kind: 'host-dump',
        directory: s.directory,
        ...(s.pattern !== undefined && { pattern: s.pattern }),
        instance: s.instance,
        psql: r.psql ?? defaultHostDumpPsql(s.directory),
      };
    default:
      throw new Error(`drill "${d.name}": backup "${monitor.name}" (${s.kind}) cannot be drilled`);
  }
}

/** Applies the defaults to validated drills; `monitors` are the resolved monitors. */
export function resolveDrills(drills: readonly DrillInput[], monitors: readonly Monitor[]): Drill[] {
  return drills.map((d) => {
    const monitor = monitors.find((m): m is BackupMonitor => m.kind === 'backup' && m.name === d.backup);
    if (!monitor) throw new Error(`drill "${d.name}": "${d.backup}" is not a backup monitor`);
    const runbook = d.runbook ?? monitor.runbook;
    return {
      name: d.name,
      monitor: monitor.name,
      service: monitor.service,
      target: targetOf(d, monitor),
      queries: d.verify.queries.map((q) => resolveQuery(q as z.output<typeof drillQuerySchema>)),
      ...(d.verify.freshness !== undefined && { freshnessSql: d.verify.freshness }),
      rtoMinutes: d.rtoMinutes ?? DEFAULT_RTO_MINUTES,
      rpoHours: d.rpoHours ?? DEFAULT_RPO_HOURS,
      schedule: d.schedule ?? DEFAULT_DRILL_SCHEDULE,
      timeZone: d.timeZone ?? 'UTC',
      severity: d.severity ?? monitor.severity,
      ...(runbook !== undefined && { runbook }),
      gameDay: d.gameDay ?? false,
    };
  });
}
