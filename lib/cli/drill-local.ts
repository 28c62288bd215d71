/**
 * `vigil drill run NAME --local DATABASE_URL [--dump FILE]`: the drill's restore on this machine,
 * against a PostgreSQL the user points at, so a team can test a dump before trusting it. It runs the
 * very commands the drill's Run Command step runs (`restoreCommands`), with psql aimed at the URL,
 * and judges the facts as the drill Lambda does (`judgeDrill`). The scratch database is created in
 * that server and always dropped; the URL's own database is never written to (the script refuses a
 * scratch name equal to it).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { type DrillFacts, DrillFactsError, parseDrillFacts } from '../drills/facts.ts';
import { type DrillOutcome, formatDuration, judgeDrill } from '../drills/judge.ts';
import type { Drill } from '../drills/model.ts';
import { restoreCommands } from '../drills/restore-script.ts';

/** Where the command writes: the CLI's `CliIo` fits. */
export interface DrillLocalIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Options of {@link runDrillLocal}. */
export interface DrillLocalOptions {
  /** `--dump FILE`: restore this file instead of the drill's source. */
  readonly dump?: string;
  /** The psql binary. @default psql (from PATH) */
  readonly psql?: string;
  /** The aws CLI, for S3 dumps (credentials from its usual chain). @default aws */
  readonly aws?: string;
  /** Print `{ facts, outcome }` as JSON instead of the report. */
  readonly json?: boolean;
  /** The clock, epoch ms: the drill's start, for the RPO. @default Date.now */
  readonly now?: () => number;
}

/** Exit codes: 0 passed, 1 failed, 2 bad usage (URL, dump, drill), as the rest of `vigil`. */
export const DRILL_LOCAL_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The pieces of a `postgresql://` URL psql and the script need. */
export interface ParsedDatabaseUrl {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  /** `?sslmode=require` and the like, as libpq environment variables (PGSSLMODE=require). */
  readonly env: Readonly<Record<string, string>>;
}

const URL_HELP = 'expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE';
/** libpq URL parameters passed on as their environment variables. */
const LIBPQ_PARAMS: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
};

/** Parses DATABASE_URL, or returns one sentence saying what is wrong and what is expected. */
export function parseDatabaseUrl(text: string): ParsedDatabaseUrl | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `DATABASE_URL "${text}" is not a URL; ${URL_HELP}`;
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    return `DATABASE_URL has scheme ${url.protocol.slice(0, -1)}; ${URL_HELP}`;
  }
  const host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (host === '') return `DATABASE_URL has no host; ${URL_HELP}`;
  if (user === '') return `DATABASE_URL has no user; ${URL_HELP}`;
  if (database === '') return `DATABASE_URL has no database; ${URL_HELP}`;
  // The script splits the psql command on blanks.
  if (/\s/.test(host) || /\s/.test(user)) return 'DATABASE_URL: the host and user must not contain blanks';
  const env: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    const variable = LIBPQ_PARAMS[name];
    if (variable === undefined) {
      return `DATABASE_URL parameter ${name} is not supported; use ${Object.keys(LIBPQ_PARAMS).join(', ')}`;
    }
    env[variable] = value;
  }
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return {
    host,
    port: url.port === '' ? 5432 : Number(url.port),
    user,
    database,
    env,
    ...(password ? { password } : {}),
  };
}

/** Where the dump comes from on this machine, or why it cannot be reached from here. */
function localSource(
  drill: Drill,
  options: DrillLocalOptions,
): { source: string; pattern?: string } | string {
  const target = drill.target;
  const pattern = target.kind === 'rds-snapshot' ? undefined : target.pattern;
  if (options.dump !== undefined) {
    if (!existsSync(options.dump) || !statSync(options.dump).isFile()) {
      return `--dump ${options.dump}: no such file`;
    }
    return { source: options.dump, pattern };
  }
  switch (target.kind) {
    case 'host-dump':
      if (!existsSync(target.directory)) {
        return (
          `drill ${drill.name} restores dumps from ${target.directory} on ${target.instance}, which is not on this machine; ` +
          'copy a dump here and pass --dump FILE'
        );
      }
      return { source: target.directory, pattern };
    case 's3-dump':
      return { source: `s3://${target.bucket}/${target.prefix}`, pattern };
    case 'rds-snapshot':
      return (
        `drill ${drill.name} restores RDS snapshots of ${target.sourceInstance}; --local restores a dump: ` +
        'pass --dump FILE (e.g. a pg_dump of the database)'
      );
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * The report of one drill: pass or fail, the dump used, RTO and RPO against their targets, each
 * query with its result, then every failure. Plain text, one fact a line.
 */
export function formatDrillReport(drill: Drill, facts: DrillFacts, outcome: DrillOutcome): string {
  const lines = [`Drill ${drill.name} (service ${drill.service}): ${outcome.ok ? 'PASS' : 'FAIL'}`];
  const taken = facts.dumpTimestamp === undefined ? '' : ` (taken ${facts.dumpTimestamp})`;
  lines.push(`  dump       ${facts.dump ?? 'none found'}${taken}`);
  const dropped = facts.dropped === false ? 'NOT dropped: drop it by hand' : 'dropped';
  lines.push(`  scratch    ${facts.database}${facts.dropped === undefined ? '' : `, ${dropped}`}`);
  const rtoTarget =
    drill.rtoMinutes >= 60 && drill.rtoMinutes % 60 === 0
      ? `${drill.rtoMinutes / 60} h`
      : `${drill.rtoMinutes} min`;
  lines.push(
    outcome.rtoSeconds === undefined
      ? `  RTO        not measured: the restore did not finish (target ${rtoTarget})`
      : `  RTO        ${formatDuration(outcome.rtoSeconds)} (target ${rtoTarget}) ${outcome.rtoOk ? 'ok' : 'EXCEEDED'}`,
  );
  const from = outcome.rpoFrom === 'data' ? 'newest data' : "dump's name";
  lines.push(
    outcome.rpoSeconds === undefined
      ? `  RPO        not measured (target ${drill.rpoHours} h)`
      : `  RPO        ${formatDuration(outcome.rpoSeconds)} from the ${from} (target ${drill.rpoHours} h) ${outcome.rpoOk ? 'ok' : 'EXCEEDED'}`,
  );
  if (facts.newestData !== undefined) lines.push(`  newest     ${facts.newestData}`);
  const width = Math.max(0, ...facts.queries.map((q) => q.name.length));
  for (const q of facts.queries) {
    const value = q.value === null ? `error: ${q.error ?? 'no value'}` : String(q.value);
    const verdict = q.value !== null && q.value >= q.min ? 'ok' : 'FAIL';
    lines.push(`  query      ${pad(q.name, width)}  ${value} (min ${q.min}) ${verdict}`);
  }
  if (outcome.failures.length > 0) {
    lines.push('Failures:');
    for (const f of outcome.failures) lines.push(`  - ${f.code}: ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the commands with sh, progress lines to `onLine` as they come; resolves with stdout. */
function runShell(
  commands: readonly string[],
  env: Record<string, string | undefined>,
  onLine: (line: string) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', commands.join('\n')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Restores the drill's dump into a scratch database of the server at `databaseUrl`, verifies it,
 * drops it, and prints the judged report (or JSON). Returns the exit code: 0 passed, 1 failed,
 * 2 when the URL, the dump or the drill's source cannot be used from here (the message says why).
 */
export async function runDrillLocal(
  drill: Drill,
  databaseUrl: string,
  io: DrillLocalIo,
  options: DrillLocalOptions = {},
): Promise<number> {
  const url = parseDatabaseUrl(databaseUrl);
  if (typeof url === 'string') {
    io.stderr.write(`vigil: ${url}\n`);
    return DRILL_LOCAL_EXIT.usage;
  }
  const source = localSource(drill, options);
  if (typeof source === 'string') {
    io.stderr.write(`vigil: ${source}\n`);
    return DRILL_LOCAL_EXIT.usage;
  }
  const psql = `${options.psql ?? 'psql'} -h ${url.host} -p ${url.port} -U ${url.user}`;
  let commands: string[];
  try {
    commands = restoreCommands(drill, {
      source: source.source,
      psql,
      ...(source.pattern === undefined ? {} : { pattern: source.pattern }),
      liveDatabase: url.database,
      // CREATE and DROP DATABASE run from the URL's database: a managed server may not let this
      // user into `postgres`.
      maintenanceDatabase: url.database,
      ...(options.aws === undefined ? {} : { aws: options.aws }),
    });
  } catch (error) {
    io.stderr.write(`vigil: ${(error as Error).message}\n`);
    return DRILL_LOCAL_EXIT.usage;
  }

  const drillStartedAt = (options.now ?? Date.now)();
  io.stderr.write(
    `Drill ${drill.name}: restoring ${source.source} into a scratch database on ${url.host}:${url.port}\n`,
  );
  const env: Record<string, string | undefined> = { ...io.env, ...url.env };
  // The password reaches psql through its environment, never the command line.
  if (url.password !== undefined) env.PGPASSWORD = url.password;
  const run = await runShell(commands, env, (line) => {
    if (!line.startsWith('VIGIL_DRILL_FACTS ')) io.stderr.write(`${line}\n`);
  });

  let facts: DrillFacts;
  try {
    facts = parseDrillFacts(run.stdout);
  } catch (error) {
    if (!(error instanceof DrillFactsError)) throw error;
    io.stderr.write(`vigil: ${error.message}\n${run.stderr}`);
    return DRILL_LOCAL_EXIT.failed;
  }
  const outcome = judgeDrill(facts, drill, { drillStartedAt });
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ facts, outcome })}\n`);
  } else {
    io.stdout.write(formatDrillReport(drill, facts, outcome));
  }
  return outcome.ok ? DRILL_LOCAL_EXIT.ok : DRILL_LOCAL_EXIT.failed;
}
