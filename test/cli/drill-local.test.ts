/**
 * `vigil drill run NAME --local DATABASE_URL` against a throwaway PostgreSQL: the same restore
 * script as the Run Command step, psql aimed at the URL, the judged report printed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDrillReport, parseDatabaseUrl, runDrillLocal } from '../../lib/cli/drill-local.ts';
import type { Drill } from '../../lib/drills/model.ts';
import {
  dumpDatabase,
  runbookChecksum,
  seedRunbookDatabase,
  startPostgres,
  type TestPostgres,
} from '../support/postgres.ts';

const DRILL_START = Date.UTC(2026, 11, 3, 3, 0, 0);

let pg: TestPostgres;
let root: string;
let url: string;

function drill(overrides: Partial<Drill> = {}): Drill {
  return {
    name: 'madef-host',
    monitor: 'madef-backups',
    service: 'madef',
    target: {
      kind: 'host-dump',
      directory: join(root, 'backups'),
      pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
      instance: 'i-0123456789abcdef0',
      psql: 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U madef',
    },
    queries: [
      { name: 'Paciente rows', sql: 'SELECT count(*) FROM "Paciente"', min: 5 },
      { name: 'Cuidador rows', sql: 'SELECT count(*) FROM "Cuidador"', min: 5 },
    ],
    freshnessSql: 'SELECT max(updated_at) FROM "Cuidador"',
    rtoMinutes: 60,
    rpoHours: 24,
    schedule: 'cron(0 3 ? * SUN#1 *)',
    timeZone: 'UTC',
    severity: 'P2',
    gameDay: false,
    ...overrides,
  };
}

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      env: process.env,
    },
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigil-drill-local-'));
  mkdirSync(join(root, 'backups'));
  pg = await startPostgres();
  url = `postgresql://postgres:secret@127.0.0.1:${pg.port}/madef`;
  await seedRunbookDatabase(pg, 'madef', {
    pacientes: 40,
    cuidadores: 12,
    avaliacoes: 30,
    newest: '2026-12-03T01:55:00Z',
  });
  await seedRunbookDatabase(pg, 'madef_small', {
    pacientes: 3,
    cuidadores: 12,
    avaliacoes: 30,
    newest: '2026-12-03T01:55:00Z',
  });
  await dumpDatabase(pg, 'madef', join(root, 'backups', 'madef_20261203_020000.sql.gz'));
  await dumpDatabase(pg, 'madef_small', join(root, 'small.sql.gz'));
}, 60_000);

afterAll(async () => {
  await pg?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('vigil drill run --local', () => {
  it("restores the drill's newest host dump into the URL's server and prints the judged report", async () => {
    const before = await runbookChecksum(pg, 'madef');
    const { out, io: cli } = io();
    const code = await runDrillLocal(drill(), url, cli, {
      psql: join(pg.bindir, 'psql'),
      now: () => DRILL_START,
    });
    expect(code).toBe(0);
    const report = out.stdout.replace(/RTO {8}\d+\.\d s/, 'RTO        <rto>');
    expect(report).toBe(
      [
        'Drill madef-host (service madef): PASS',
        `  dump       ${join(root, 'backups', 'madef_20261203_020000.sql.gz')} (taken 2026-12-03T02:00:00.000Z)`,
        '  scratch    vigil_drill_madef_host, dropped',
        '  RTO        <rto> (target 1 h) ok',
        '  RPO        1 h 5 min from the newest data (target 24 h) ok',
        '  newest     2026-12-03T01:55:00.000Z',
        '  query      Paciente rows  40 (min 5) ok',
        '  query      Cuidador rows  12 (min 5) ok',
        '',
      ].join('\n'),
    );
    // Progress goes to stderr, the facts line does not.
    expect(out.stderr).toContain(
      `Drill madef-host: restoring ${join(root, 'backups')} into a scratch database on 127.0.0.1:${pg.port}\n`,
    );
    expect(out.stderr).toContain('creating scratch database vigil_drill_madef_host');
    expect(out.stderr).not.toContain('VIGIL_DRILL_FACTS');
    expect(await runbookChecksum(pg, 'madef')).toBe(before);
    expect(await pg.query(`SELECT count(*) FROM pg_database WHERE datname LIKE 'vigil\\_drill\\_%'`)).toBe(
      '0',
    );
  });

  it('restores --dump FILE instead, and fails a table under its minimum by name', async () => {
    const { out, io: cli } = io();
    const code = await runDrillLocal(drill(), url, cli, {
      dump: join(root, 'small.sql.gz'),
      psql: join(pg.bindir, 'psql'),
      now: () => DRILL_START,
      json: true,
    });
    expect(code).toBe(1);
    const { facts, outcome } = JSON.parse(out.stdout);
    expect(facts).toMatchObject({
      ok: false,
      reason: 'below_minimum',
      dump: join(root, 'small.sql.gz'),
      dropped: true,
    });
    // No timestamp in this name: the RPO comes from the data alone.
    expect(facts.dumpTimestamp).toBeUndefined();
    expect(outcome.failures).toEqual([
      { code: 'below_minimum', message: 'Paciente rows is 3, below the minimum of 5' },
    ]);
    expect(outcome.rpoSeconds).toBe(3900);
  });

  it('refuses usage it cannot serve from here, saying what to do', async () => {
    const cases: [Drill, string, object, string][] = [
      [
        drill(),
        'mysql://root@db/madef',
        {},
        'vigil: DATABASE_URL has scheme mysql; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n',
      ],
      [
        drill(),
        'postgresql://postgres@127.0.0.1:5432/',
        {},
        'vigil: DATABASE_URL has no database; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n',
      ],
      [
        drill({
          target: { ...(drill().target as object), directory: '/opt/madef/backups' } as Drill['target'],
        }),
        url,
        {},
        'vigil: drill madef-host restores dumps from /opt/madef/backups on i-0123456789abcdef0, which is not on this machine; copy a dump here and pass --dump FILE\n',
      ],
      [
        drill(),
        url,
        { dump: join(root, 'nope.sql.gz') },
        `vigil: --dump ${join(root, 'nope.sql.gz')}: no such file\n`,
      ],
      [
        drill({
          target: {
            kind: 'rds-snapshot',
            sourceInstance: 'notifications-db',
            instanceClass: 'db.t4g.micro',
            subnetGroup: 'private',
            securityGroups: [],
            verifyInstance: 'i-0123456789abcdef0',
            password: {} as never,
            user: 'postgres',
            database: 'notifications',
          },
        }),
        url,
        {},
        'vigil: drill madef-host restores RDS snapshots of notifications-db; --local restores a dump: pass --dump FILE (e.g. a pg_dump of the database)\n',
      ],
    ];
    for (const [d, u, options, message] of cases) {
      const { out, io: cli } = io();
      expect(await runDrillLocal(d, u, cli, options)).toBe(2);
      expect(out.stderr).toBe(message);
      expect(out.stdout).toBe('');
    }
  });
});

describe('parseDatabaseUrl', () => {
  it('reads host, port, user, password, database and libpq parameters', () => {
    expect(parseDatabaseUrl('postgres://madef:p%40ss@db.internal/madef?sslmode=require')).toEqual({
      host: 'db.internal',
      port: 5432,
      user: 'madef',
      password: 'p@ss',
      database: 'madef',
      env: { PGSSLMODE: 'require' },
    });
    expect(parseDatabaseUrl('postgresql://u@h/d?foo=1')).toBe(
      'DATABASE_URL parameter foo is not supported; use sslmode, sslrootcert, connect_timeout, application_name',
    );
  });
});

describe('formatDrillReport', () => {
  it('says when the restore never finished and the scratch database could not be dropped', () => {
    const report = formatDrillReport(
      drill(),
      {
        ok: false,
        reason: 'restore_failed',
        error: 'psql: ERROR:  role "madef" does not exist',
        dump: '/tmp/madef_20261203_020000.sql.gz',
        dumpTimestamp: '2026-12-03T02:00:00.000Z',
        database: 'vigil_drill_madef_host',
        startedAt: '2026-12-03T03:00:00.000Z',
        queries: [],
        dropped: false,
      },
      {
        ok: false,
        failures: [{ code: 'restore_failed', message: 'restoring x failed' }],
        rtoSeconds: undefined,
        rpoSeconds: 3600,
        rpoFrom: 'dump',
        rtoOk: false,
        rpoOk: true,
      },
    );
    expect(report).toBe(
      [
        'Drill madef-host (service madef): FAIL',
        '  dump       /tmp/madef_20261203_020000.sql.gz (taken 2026-12-03T02:00:00.000Z)',
        '  scratch    vigil_drill_madef_host, NOT dropped: drop it by hand',
        '  RTO        not measured: the restore did not finish (target 1 h)',
        "  RPO        1 h from the dump's name (target 24 h) ok",
        'Failures:',
        '  - restore_failed: restoring x failed',
        '',
      ].join('\n'),
    );
  });
});
