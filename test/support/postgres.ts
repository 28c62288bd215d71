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
