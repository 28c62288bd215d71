/**
 * A throwaway PostgreSQL for tests that restore dumps for real: a fresh cluster from the server
 * binaries this machine has (`pg_config --bindir`: initdb, pg_ctl, postgres, psql, pg_dump), on
 * 127.0.0.1 and a free port, trust authentication, its data and socket in a temp directory. About
 * 2 s to start. As root the cluster runs as the `postgres` user (the server refuses to run as root).
 * When the binaries are missing it throws, saying what to install: a drill test never skips.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running cluster. */
export interface TestPostgres {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string;
  readonly port: number;
  /** The directory holding psql and pg_dump of the same version as the server. */
  readonly bindir: string;
  /** psql with the connection options, to which `-d DB ...` is appended: `/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p PORT -U postgres`. */
  readonly psql: string;
  /** Runs one SQL text in `database` (`postgres` by default) and returns psql's unaligned output, trimmed. */
  query(sql: string, database?: string): Promise<string>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** What to install when the server binaries are missing; the message of the Error thrown. */
export const POSTGRES_MISSING =
  'PostgreSQL server binaries not found: the DR-drill tests restore dumps into a real PostgreSQL. ' +
  'Install them with `apt-get install -y postgresql` (initdb, pg_ctl, postgres, psql and pg_dump under ' +
  '/usr/lib/postgresql/15/bin) and `apt-get install -y libpq-dev` (or postgresql-server-dev-15) for ' +
  '`pg_config`, whose --bindir the tests read; on Amazon Linux: `dnf install -y postgresql15-server`.';

const NEEDED = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump'] as const;

/** The directory with every binary the tests need, or undefined. */
function findBindir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config: fall back to the Debian layout below.
  }
  for (const version of ['17', '16', '15', '14', '13']) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  return candidates.find((dir) => dir !== '' && NEEDED.every((bin) => existsSync(join(dir, bin))));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway cluster. Throws {@link POSTGRES_MISSING} when the binaries are missing, and
 * pg_ctl's log when the server does not start.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bindir = findBindir();
  if (bindir === undefined) throw new Error(POSTGRES_MISSING);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  // As root, the server must run as postgres: it refuses root.
  const server = (bin: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bindir, bin), ...args])
      : run(join(bindir, bin), args);

  const port = await freePort();
  try {
    await server('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await server('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      // fsync off: a test cluster need not survive a crash, and it halves the restore time.
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`,
      '-w',
      'start',
    ]);
  } catch (error) {
    let log = '';
    try {
      log = execFileSync('cat', [join(dir, 'server.log')], { encoding: 'utf8' });
    } catch {
      // No log yet: initdb failed.
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the throwaway PostgreSQL did not start: ${(error as Error).message}\n${log}`, {
      cause: error,
    });
  }

  const psql = `${join(bindir, 'psql')} -h 127.0.0.1 -p ${port} -U postgres`;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    bindir,
    psql,
    async query(sql: string, database = 'postgres') {
      const { stdout } = await run(join(bindir, 'psql'), [
        ...['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database],
        ...['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      ]);
      return stdout.trim();
    },
    async stop() {
      try {
        await server('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Rows of a database shaped like MAdef's (runbook madef-home-care §3 "verify row counts for key tables"). */
export interface RunbookSeed {
  readonly pacientes: number;
  readonly cuidadores: number;
  readonly avaliacoes: number;
  /** The newest `updated_at` (ISO 8601); older rows are a minute apart before it. */
  readonly newest: string;
}

/**
 * Creates `database` with the runbooks' key tables, `"Paciente"`, `"Cuidador"` and `"Avaliacao"`
 * (quoted, mixed case, as Prisma names them), each row with an `updated_at` timestamptz.
 */
export async function seedRunbookDatabase(
  pg: TestPostgres,
  database: string,
  seed: RunbookSeed,
): Promise<void> {
  await pg.query(`CREATE DATABASE ${database}`);
  const at = (n: string) => `timestamptz '${seed.newest}' - (${n}) * interval '1 minute'`;
  await pg.query(
    [
      'CREATE TABLE "Paciente" (id int PRIMARY KEY, nome text NOT NULL, updated_at timestamptz NOT NULL)',
      'CREATE TABLE "Cuidador" (id int PRIMARY KEY, nome text NOT NULL, updated_at timestamptz NOT NULL)',
      'CREATE TABLE "Avaliacao" (id int PRIMARY KEY, "pacienteId" int NOT NULL REFERENCES "Paciente", nota int NOT NULL, updated_at timestamptz NOT NULL)',
      `INSERT INTO "Paciente" SELECT i, 'Paciente ' || i, ${at(`${seed.pacientes} - i`)} FROM generate_series(1, ${seed.pacientes}) i`,
      `INSERT INTO "Cuidador" SELECT i, 'Cuidador ' || i, ${at(`${seed.cuidadores} - i`)} FROM generate_series(1, ${seed.cuidadores}) i`,
      `INSERT INTO "Avaliacao" SELECT i, 1 + i % ${Math.max(1, seed.pacientes)}, i % 10, ${at(`${seed.avaliacoes} - i`)} FROM generate_series(1, ${seed.avaliacoes}) i`,
    ].join(';\n'),
    database,
  );
}

/** Row counts and an md5 of every row of the key tables: equal before and after proves nothing changed. */
export function runbookChecksum(pg: TestPostgres, database: string): Promise<string> {
  return pg.query(
    `SELECT (SELECT count(*) FROM "Paciente") || ' ' || (SELECT count(*) FROM "Cuidador") || ' ' || (SELECT count(*) FROM "Avaliacao") || ' ' ||
       md5((SELECT string_agg(p::text, ',' ORDER BY id) FROM "Paciente" p) || (SELECT string_agg(c::text, ',' ORDER BY id) FROM "Cuidador" c) ||
           (SELECT string_agg(a::text, ',' ORDER BY id) FROM "Avaliacao" a))`,
    database,
  );
}

/** `pg_dump DATABASE | gzip > file`, as MAdef's backup container writes its dumps. */
export async function dumpDatabase(pg: TestPostgres, database: string, file: string): Promise<void> {
  await run('bash', [
    '-c',
    'set -o pipefail; "$1/pg_dump" -h 127.0.0.1 -p "$2" -U postgres "$3" | gzip > "$4"',
    'dump',
    pg.bindir,
    String(pg.port),
    database,
    file,
  ]);
}
