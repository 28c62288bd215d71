import { namePatternToGlob, validateNamePattern } from '../../lambdas/canary/checks/backup/name-pattern.ts';
import type { Drill, DrillTarget } from './model.ts';
import { SCRATCH_PREFIX } from './model.ts';
import { readDrillScript } from './scripts/index.ts';

/** The restore script's text, as it runs on the host. */
export const RESTORE_SCRIPT: string = readDrillScript(new URL('./scripts/restore-dump.sh', import.meta.url));

/** Options for {@link restoreCommands}; each overrides what the drill's target says. */
export interface RestoreCommandOptions {
  /**
   * The dump: a file, a directory, `s3://bucket/key`, or `s3://bucket/prefix` (with a pattern).
   * @default the target's directory, or `s3://bucket/prefix`
   */
  readonly source?: string;
  /** The backup monitor's file-name pattern. @default the target's pattern */
  readonly pattern?: string;
  /** Clock of the names, minutes east of UTC (`-180` for America/Sao_Paulo). @default 0 */
  readonly utcOffsetMinutes?: number;
  /** The psql command, connection options included. @default the target's psql */
  readonly psql?: string;
  /** @default {@link scratchDatabaseName}(drill.name) */
  readonly scratchDatabase?: string;
  /** The live database's name, refused as a scratch name. */
  readonly liveDatabase?: string;
  /** Where CREATE and DROP DATABASE run. @default postgres */
  readonly maintenanceDatabase?: string;
  /** The aws CLI command. @default aws */
  readonly aws?: string;
  /** The script stops itself (and drops the scratch database) after this long. @default {@link restoreTimeoutSeconds}(drill) */
  readonly timeoutSeconds?: number;
}

/**
 * The scratch database of a drill: `vigil_drill_` and the drill's name in lower case with anything
 * else than letters and digits as `_`, at most 63 characters (PostgreSQL's identifier limit). The
 * same name every run, so a run killed before its cleanup is cleaned by the next.
 */
export function scratchDatabaseName(drillName: string): string {
  const tail = drillName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `${SCRATCH_PREFIX}${tail}`.slice(0, 63);
}

/**
 * How long the script may run before it stops itself and drops the scratch database: twice the
 * RTO, so an RTO miss is still measured. The Run Command step's timeout must be longer (give it
 * this plus a few minutes), or Run Command kills the script before it can clean up.
 */
export function restoreTimeoutSeconds(drill: Pick<Drill, 'rtoMinutes'>): number {
  return drill.rtoMinutes * 60 * 2;
}

/** `'text'`, safe for sh and bash whatever it holds. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

const ERE_SPECIAL = new Set([...'.[]()*+?{}|^$\\']);

/** The ERE and group order a name pattern compiles to in bash (`[[ name =~ re ]]`). */
export function namePatternToEre(pattern: string): { readonly re: string; readonly fields: string } {
  const fields: string[] = [];
  let re = '^';
  let i = 0;
  const groups: Record<string, string> = {
    YYYYMMDD: '([0-9]{8})',
    HHMMSS: '([0-9]{6})',
    YYYY: '([0-9]{4})',
    MM: '([0-9]{2})',
    DD: '([0-9]{2})',
    HH: '([0-9]{2})',
    mm: '([0-9]{2})',
    ss: '([0-9]{2})',
    '*': '(.*)',
  };
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === '{') {
      const close = pattern.indexOf('}', i);
      const name = pattern.slice(i + 1, close);
      re += groups[name];
      fields.push(name === '*' ? 'ANY' : name);
      i = close + 1;
      continue;
    }
    re += ERE_SPECIAL.has(c) ? `\\${c}` : c;
    i += 1;
  }
  return { re: `${re}$`, fields: fields.join(' ') };
}

function targetSource(target: DrillTarget): { source: string; pattern?: string; psql: string } {
  switch (target.kind) {
    case 'host-dump':
      return { source: target.directory, pattern: target.pattern, psql: target.psql };
    case 's3-dump':
      return { source: `s3://${target.bucket}/${target.prefix}`, pattern: target.pattern, psql: target.psql };
    case 'rds-snapshot':
      throw new Error(
        'restoreCommands: an rds-snapshot drill restores a snapshot into an instance, not a dump; ' +
          'give options.source (a dump file or s3:// URI) and options.psql to restore a dump instead',
      );
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * The restore script's environment for a drill (names to values, unquoted): what
 * {@link restoreCommands} exports, and what `--local` passes to a child process.
 */
export function restoreEnvironment(
  drill: Drill,
  options: RestoreCommandOptions = {},
): Record<string, string> {
  const fromTarget =
    options.source !== undefined && options.psql !== undefined
      ? { source: options.source, pattern: undefined, psql: options.psql }
      : targetSource(drill.target);
  const source = options.source ?? fromTarget.source;
  const pattern = options.pattern ?? fromTarget.pattern;
  const psql = options.psql ?? fromTarget.psql;
  const env: Record<string, string> = {
    VIGIL_DUMP_SOURCE: source,
    VIGIL_PSQL: psql,
    VIGIL_SCRATCH_DB: options.scratchDatabase ?? scratchDatabaseName(drill.name),
  };
  if (pattern !== undefined) {
    const problem = validateNamePattern(pattern);
    if (problem !== undefined) {
      throw new Error(`drill ${drill.name}: pattern "${pattern}": ${problem}`);
    }
    const { re, fields } = namePatternToEre(pattern);
    env.VIGIL_DUMP_PATTERN = pattern;
    env.VIGIL_DUMP_NAME_RE = re;
    env.VIGIL_DUMP_NAME_FIELDS = fields;
    env.VIGIL_DUMP_NAME_GLOB = namePatternToGlob(pattern);
  }
  if (options.utcOffsetMinutes !== undefined) {
    env.VIGIL_DUMP_UTC_OFFSET_MINUTES = String(options.utcOffsetMinutes);
  }
  if (options.liveDatabase !== undefined) env.VIGIL_LIVE_DB = options.liveDatabase;
  if (options.maintenanceDatabase !== undefined) env.VIGIL_MAINTENANCE_DB = options.maintenanceDatabase;
  if (options.aws !== undefined) env.VIGIL_AWS = options.aws;
  env.VIGIL_TIMEOUT_SECONDS = String(options.timeoutSeconds ?? restoreTimeoutSeconds(drill));
  env.VIGIL_QUERY_COUNT = String(drill.queries.length);
  drill.queries.forEach((q, index) => {
    const n = index + 1;
    env[`VIGIL_QUERY_${n}_NAME_B64`] = base64(q.name);
    env[`VIGIL_QUERY_${n}_SQL_B64`] = base64(q.sql);
    env[`VIGIL_QUERY_${n}_MIN`] = String(q.min);
  });
  if (drill.freshnessSql !== undefined) env.VIGIL_FRESHNESS_SQL_B64 = base64(drill.freshnessSql);
  return env;
}

/**
 * The AWS-RunShellScript `commands` that restore, verify and drop for `drill`: one `export NAME='value'`
 * line per input, then `exec bash -c '<restore-dump.sh>' restore-dump.sh`, split into lines (SSM joins
 * them with newlines). SQL and query names travel base64-encoded, so neither sh nor SSM's
 * parameter expansion ever reads them. Throws for an rds-snapshot drill without `options.source`
 * and `options.psql`, and for an invalid pattern.
 */
export function restoreCommands(drill: Drill, options: RestoreCommandOptions = {}): string[] {
  const env = restoreEnvironment(drill, options);
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  // exec: the script replaces sh, so a SIGTERM to the command reaches its trap and the cleanup runs.
  const run = `exec bash -c ${shellQuote(RESTORE_SCRIPT)} restore-dump.sh`;
  return [...exports, ...run.split('\n')];
}
