/**
 * A DR drill once the config is resolved: which backup it proves (a backup monitor, so the bucket,
 * prefix, pattern, host directory or RDS instance are written once), where it restores, what it
 * verifies, its RTO and RPO targets and its schedule. The config schema (lib/config) produces these;
 * the restore script (lib/drills/scripts/), the documents (lib/drills/documents/), the drill Lambda
 * (lambdas/drill/) and the constructs consume them.
 */
import type { SecretRef, Severity } from '../config/monitor-schema.ts';

/** A verification query: a row count (or any single number) with a minimum. */
export interface DrillQuery {
  /** Shown in the report, e.g. `Paciente rows`. */
  readonly name: string;
  /** SQL returning one number, e.g. `SELECT count(*) FROM "Paciente"`. */
  readonly sql: string;
  /** The drill fails when the number is below this. @default 1 */
  readonly min: number;
}

/** Where a dump is restored, and how psql is reached there. */
export type DrillTarget =
  /** RDS: the newest `available` snapshot restored into a scratch instance, deleted afterwards. */
  | {
      readonly kind: 'rds-snapshot';
      /** The production instance whose snapshots are drilled (from the backup monitor). */
      readonly sourceInstance: string;
      readonly instanceClass: string;
      readonly subnetGroup: string;
      readonly securityGroups: readonly string[];
      /** Host that runs the verification queries against the scratch instance over Run Command. */
      readonly verifyInstance: string;
      /** Master password of the restored instance (the source's), read at run time on the host. */
      readonly password: SecretRef;
      readonly user: string;
      readonly database: string;
    }
  /** An S3 dump restored on a designated drill host into a scratch database. */
  | {
      readonly kind: 's3-dump';
      readonly bucket: string;
      readonly prefix: string;
      readonly pattern?: string;
      readonly instance: string;
      /** psql command on the host, e.g. `sudo -u postgres psql` (connection options included). */
      readonly psql: string;
    }
  /** A dump in a host directory restored into a scratch database of that host's own PostgreSQL. */
  | {
      readonly kind: 'host-dump';
      readonly directory: string;
      readonly pattern?: string;
      readonly instance: string;
      /** psql command on the host, e.g. `docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U postgres`. */
      readonly psql: string;
    };

/** A drill, resolved. */
export interface Drill {
  readonly name: string;
  /** The backup monitor it proves. */
  readonly monitor: string;
  readonly service: string;
  readonly target: DrillTarget;
  readonly queries: readonly DrillQuery[];
  /** SQL returning the newest data's time (`SELECT max(updated_at) FROM ...`); else the backup's own timestamp. */
  readonly freshnessSql?: string;
  /** Restore start to verified, at most. @default 60 */
  readonly rtoMinutes: number;
  /** Drill start minus the newest data, at most. @default 24 */
  readonly rpoHours: number;
  /** EventBridge Scheduler cron. @default cron(0 3 ? * SUN#1 *) (first Sunday, 03:00) */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default UTC */
  readonly timeZone: string;
  readonly severity: Severity;
  readonly runbook?: string;
  /** Game day: set the service's alarm to ALARM, mark pages DRILL, run its remediation in dry run. */
  readonly gameDay: boolean;
}

export const DEFAULT_DRILL_SCHEDULE = 'cron(0 3 ? * SUN#1 *)';
export const DEFAULT_RTO_MINUTES = 60;
export const DEFAULT_RPO_HOURS = 24;
/** Scratch databases and instances are named with this prefix, so a drill can never touch a live one. */
export const SCRATCH_PREFIX = 'vigil_drill_';
/** Tag on every scratch resource a drill creates; drill roles may only modify or delete what carries it. */
export const DRILL_TAG_KEY = 'vigil:drill';
