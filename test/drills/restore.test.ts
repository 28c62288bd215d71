/**
 * The DR drill's restore, for real: the very commands `restoreCommands` gives the Run Command step,
 * run by sh here against a throwaway PostgreSQL, with real gzipped `pg_dump` files named like
 * MAdef's (`madef_YYYYMMDD_HHMMSS.sql.gz`, runbook madef-home-care §3) in a host directory and in
 * fauxqs S3 (behind a fake `aws` CLI first on PATH). Every case also proves the live database is
 * untouched and no `vigil_drill_` database is left behind.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DrillFacts, parseDrillFacts } from '../../lib/drills/facts.ts';
import { judgeDrill } from '../../lib/drills/judge.ts';
import type { Drill, DrillTarget } from '../../lib/drills/model.ts';
import { type RestoreCommandOptions, restoreCommands } from '../../lib/drills/restore-script.ts';
import {
  dumpDatabase,
  runbookChecksum,
  seedRunbookDatabase,
  startPostgres,
  type TestPostgres,
} from '../support/postgres.ts';

const PATTERN = 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz';
/** The drill starts at 03:00 UTC, an hour after MAdef's 02:00 dump. */
const DRILL_START = Date.UTC(2026, 11, 3, 3, 0, 0);
const NEWEST_DATA = '2026-12-03T01:55:00.000Z';

let pg: TestPostgres;
let fauxqs: FauxqsServer;
let root: string;
let bin: string;
let awsLog: string;
let liveChecksum: string;

/** A drill of MAdef's host dumps with the runbook's three row counts and a freshness query. */
function drill(target: Partial<DrillTarget> = {}, overrides: Partial<Drill> = {}): Drill {
  return {
    name: 'madef-host',
    monitor: 'madef-backups',
    service: 'madef',
    target: {
      kind: 'host-dump',
      directory: join(root, 'backups'),
      pattern: PATTERN,
      instance: 'i-0123456789abcdef0',
      psql: pg.psql,
      ...target,
    } as DrillTarget,
    queries: [
      { name: 'Paciente rows', sql: 'SELECT count(*) FROM "Paciente"', min: 5 },
      { name: 'Cuidador rows', sql: 'SELECT count(*) FROM "Cuidador"', min: 5 },
      { name: 'Avaliacao rows', sql: 'SELECT count(*) FROM "Avaliacao"', min: 5 },
    ],
    freshnessSql: 'SELECT max(updated_at) FROM "Avaliacao"',
    rtoMinutes: 60,
    rpoHours: 24,
    schedule: 'cron(0 3 ? * SUN#1 *)',
    timeZone: 'UTC',
    severity: 'P2',
    gameDay: false,
    ...overrides,
  };
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly facts: DrillFacts;
}

/** Runs the Run Command lines as AWS-RunShellScript does: one sh script. Async: fauxqs runs in this process. */
function runCommands(commands: string[], onStart?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'sh',
      ['-c', commands.join('\n')],
      {
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          FAKE_AWS_ENDPOINT: fauxqs.address,
          FAKE_AWS_LOG: awsLog,
        },
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr, facts: parseDrillFacts(stdout) });
      },
    );
    if (child.pid !== undefined) onStart?.(child.pid);
  });
}

function restore(d: Drill, options: RestoreCommandOptions = {}): Promise<Run> {
  return runCommands(restoreCommands(d, options));
}

async function scratchDatabases(): Promise<string> {
  return pg.query(`SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'vigil\\_drill\\_%'`);
}

/** The fake `aws`: `s3 ls --recursive s3://b/prefix` and `s3 cp s3://b/k -` against fauxqs, as the CLI prints them. */
function writeFakeAws(): void {
  const s3 = createRequire(import.meta.url).resolve('@aws-sdk/client-s3');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const { S3Client, ListObjectsV2Command, GetObjectCommand } = require(${JSON.stringify(s3)});
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_AWS_LOG, args.join(' ') + '\\n');
const client = new S3Client({ endpoint: process.env.FAKE_AWS_ENDPOINT, forcePathStyle: true, region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const split = (uri) => { const rest = uri.slice(5); const i = rest.indexOf('/'); return i < 0 ? [rest, ''] : [rest.slice(0, i), rest.slice(i + 1)]; };
const fail = (e, op) => { process.stderr.write('An error occurred (' + e.name + ') when calling the ' + op + ' operation: ' + e.message + '\\n'); process.exit(1); };
(async () => {
  if (args[0] === 's3' && args[1] === 'ls' && args[2] === '--recursive') {
    const [Bucket, Prefix] = split(args[3]);
    let token; let any = false;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken: token })).catch((e) => fail(e, 'ListObjectsV2'));
      for (const o of page.Contents ?? []) {
        any = true;
        const t = o.LastModified.toISOString();
        process.stdout.write(t.slice(0, 10) + ' ' + t.slice(11, 19) + ' ' + String(o.Size).padStart(10) + ' ' + o.Key + '\\n');
      }
      token = page.NextContinuationToken;
    } while (token);
    process.exit(any ? 0 : 1);
  } else if (args[0] === 's3' && args[1] === 'cp' && args[3] === '-') {
    const [Bucket, Key] = split(args[2]);
    const out = await client.send(new GetObjectCommand({ Bucket, Key })).catch((e) => fail(e, 'GetObject'));
    for await (const chunk of out.Body) process.stdout.write(chunk);
  } else {
    process.stderr.write('fake aws: unsupported ' + args.join(' ') + '\\n');
    process.exit(2);
  }
})();
`;
  writeFileSync(join(bin, 'aws'), script);
  chmodSync(join(bin, 'aws'), 0o755);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigil-restore-'));
  bin = join(root, 'bin');
  awsLog = join(root, 'aws.log');
  for (const dir of ['bin', 'backups', 'truncated', 'small', 'stale', 'slow', 'empty']) {
    mkdirSync(join(root, dir));
  }
  [pg, fauxqs] = await Promise.all([startPostgres(), startFauxqs({ port: 0, logger: false })]);
  writeFakeAws();

  const good = { pacientes: 40, cuidadores: 12, avaliacoes: 120, newest: NEWEST_DATA };
  await Promise.all([
    seedRunbookDatabase(pg, 'madef', good),
    seedRunbookDatabase(pg, 'madef_prev', { ...good, pacientes: 30, newest: '2026-12-02T01:55:00Z' }),
    seedRunbookDatabase(pg, 'madef_small', { ...good, cuidadores: 1 }),
    // A replica that stopped replicating four days ago, dumped under tonight's name.
    seedRunbookDatabase(pg, 'madef_stale', { ...good, newest: '2026-11-29T01:55:00Z' }),
  ]);
  const newest = join(root, 'backups', 'madef_20261203_020000.sql.gz');
  await Promise.all([
    dumpDatabase(pg, 'madef', newest),
    dumpDatabase(pg, 'madef_prev', join(root, 'backups', 'madef_20261202_020000.sql.gz')),
    dumpDatabase(pg, 'madef_prev', join(root, 'truncated', 'madef_20261202_020000.sql.gz')),
    dumpDatabase(pg, 'madef_small', join(root, 'small', 'madef_20261203_020000.sql.gz')),
    dumpDatabase(pg, 'madef_stale', join(root, 'stale', 'madef_20261203_020000.sql.gz')),
  ]);
  writeFileSync(join(root, 'backups', 'notes.txt'), 'not a dump');
  // The backup job died half-way through tonight's upload: the gzip stream ends early.
  const whole = readFileSync(newest);
  writeFileSync(
    join(root, 'truncated', 'madef_20261203_020000.sql.gz'),
    whole.subarray(0, Math.floor(whole.length * 0.6)),
  );
  // A restore that takes long enough to be cancelled in the middle.
  writeFileSync(
    join(root, 'slow', 'madef_20261203_020000.sql.gz'),
    gzipSync('CREATE TABLE "Paciente" (id int);\nSELECT pg_sleep(30);\n'),
  );

  const s3 = new S3Client({
    endpoint: fauxqs.address,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  fauxqs.createBucket('madef-backups');
  for (const [key, file] of [
    ['madef/madef_20261202_020000.sql.gz', join(root, 'backups', 'madef_20261202_020000.sql.gz')],
    ['madef/madef_20261203_020000.sql.gz', newest],
    ['other/madef_20261205_020000.sql.gz', join(root, 'stale', 'madef_20261203_020000.sql.gz')],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: 'madef-backups', Key: key, Body: readFileSync(file) }));
  }
  s3.destroy();
  liveChecksum = await runbookChecksum(pg, 'madef');
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), fauxqs?.stop()]);
  if (root) rmSync(root, { recursive: true, force: true });
});

afterEach(async () => {
  // Whatever happened, the live database is as it was and no scratch database is left.
  expect(await runbookChecksum(pg, 'madef')).toBe(liveChecksum);
  expect(await scratchDatabases()).toBe('');
  writeFileSync(awsLog, '');
});

describe('restore-dump.sh against a real PostgreSQL', () => {
  it('restores the newest host dump, verifies each table and measures RTO and RPO', async () => {
    const d = drill();
    const run = await restore(d);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const { facts } = run;
    expect(facts).toMatchObject({
      ok: true,
      dump: join(root, 'backups', 'madef_20261203_020000.sql.gz'),
      dumpTimestamp: '2026-12-03T02:00:00.000Z',
      database: 'vigil_drill_madef_host',
      newestData: NEWEST_DATA,
      dropped: true,
      queries: [
        { name: 'Paciente rows', value: 40, min: 5, ok: true },
        { name: 'Cuidador rows', value: 12, min: 5, ok: true },
        { name: 'Avaliacao rows', value: 120, min: 5, ok: true },
      ],
    });
    expect(facts.reason).toBeUndefined();
    const started = Date.parse(facts.startedAt);
    const restored = Date.parse(facts.restoredAt ?? '');
    const verified = Date.parse(facts.verifiedAt ?? '');
    expect(started).toBeLessThanOrEqual(restored);
    expect(restored).toBeLessThanOrEqual(verified);
    // The last line is the facts; progress lines come first, in order.
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)?.startsWith('VIGIL_DRILL_FACTS {')).toBe(true);
    const steps = lines.map((l) => l.replace(/^\[vigil-drill\] \S+ /, ''));
    expect(steps.slice(0, 3)).toEqual([
      `dump: ${join(root, 'backups', 'madef_20261203_020000.sql.gz')} (taken 2026-12-03T02:00:00.000Z)`,
      'creating scratch database vigil_drill_madef_host',
      'restoring into vigil_drill_madef_host',
    ]);
    expect(steps).toContain('Cuidador rows: 12 (minimum 5)');
    expect(steps).toContain('dropping scratch database vigil_drill_madef_host');

    const outcome = judgeDrill(facts, d, { drillStartedAt: DRILL_START });
    expect(outcome).toMatchObject({ ok: true, failures: [], rtoOk: true, rpoOk: true, rpoFrom: 'data' });
    // 03:00 drill start minus 01:55 newest row.
    expect(outcome.rpoSeconds).toBe(3900);
    expect(outcome.rtoSeconds).toBe((verified - started) / 1000);
    expect(outcome.rtoSeconds).toBeGreaterThan(0);
    expect(outcome.rtoSeconds).toBeLessThan(30);
  });

  it('lists the S3 prefix, downloads the newest dump with aws s3 cp and restores it', async () => {
    const d = drill({ kind: 's3-dump', bucket: 'madef-backups', prefix: 'madef/' } as Partial<DrillTarget>, {
      name: 'madef-s3',
    });
    const run = await restore(d, { source: 's3://madef-backups/madef/', psql: pg.psql, pattern: PATTERN });
    expect(run.facts).toMatchObject({
      ok: true,
      dump: 's3://madef-backups/madef/madef_20261203_020000.sql.gz',
      dumpTimestamp: '2026-12-03T02:00:00.000Z',
      database: 'vigil_drill_madef_s3',
      queries: [{ value: 40 }, { value: 12 }, { value: 120 }],
    });
    expect(readFileSync(awsLog, 'utf8')).toBe(
      's3 ls --recursive s3://madef-backups/madef/\n' +
        's3 cp s3://madef-backups/madef/madef_20261203_020000.sql.gz -\n',
    );
    expect(judgeDrill(run.facts, d, { drillStartedAt: DRILL_START }).ok).toBe(true);
  });

  it('takes its S3 source from the target: s3://bucket/prefix with the pattern', async () => {
    const d = drill({
      kind: 's3-dump',
      bucket: 'madef-backups',
      prefix: 'madef/',
      psql: pg.psql,
    } as Partial<DrillTarget>);
    const run = await restore(d);
    expect(run.facts.dump).toBe('s3://madef-backups/madef/madef_20261203_020000.sql.gz');
    expect(run.facts.ok).toBe(true);
  });

  it('fails with download_failed when the S3 object does not exist, before creating anything', async () => {
    const run = await restore(drill(), {
      source: 's3://madef-backups/madef/madef_20261204_020000.sql.gz',
      psql: pg.psql,
    });
    expect(run.code).toBe(1);
    expect(run.facts).toMatchObject({ ok: false, reason: 'download_failed', dropped: true });
    expect(run.facts.error).toMatch(
      /^aws s3 cp s3:\/\/madef-backups\/madef\/madef_20261204_020000\.sql\.gz: An error occurred \(NoSuchKey\)/,
    );
    expect(run.facts.restoredAt).toBeUndefined();
    const outcome = judgeDrill(run.facts, drill(), { drillStartedAt: DRILL_START });
    expect(outcome.failures[0]?.code).toBe('download_failed');
    expect(outcome.rtoSeconds).toBeUndefined();
  });

  it("fails a truncated dump with restore_failed and gzip's error, and still drops the scratch database", async () => {
    const d = drill({ directory: join(root, 'truncated') });
    const run = await restore(d);
    expect(run.code).toBe(1);
    expect(run.facts).toMatchObject({
      ok: false,
      reason: 'restore_failed',
      dump: join(root, 'truncated', 'madef_20261203_020000.sql.gz'),
      dropped: true,
      queries: [],
    });
    // Cut mid-COPY: psql chokes on the half row (its error first), or takes the rows it got; either
    // way gzip's complaint is in the reason.
    expect(run.facts.error).toMatch(
      /^(psql: ERROR: {2}.+ \(gzip: stdin: unexpected end of file: the dump is truncated or corrupt\)|gzip: stdin: unexpected end of file \(the dump is truncated or corrupt; psql restored only part of it\))$/,
    );
    expect(run.facts.restoredAt).toBeUndefined();
    expect(run.facts.verifiedAt).toBeUndefined();
    expect(run.stdout).toContain('dropping scratch database vigil_drill_madef_host');
    const outcome = judgeDrill(run.facts, d, { drillStartedAt: DRILL_START });
    expect(outcome.ok).toBe(false);
    expect(outcome.failures).toEqual([
      {
        code: 'restore_failed',
        message: `restoring ${join(root, 'truncated', 'madef_20261203_020000.sql.gz')} into vigil_drill_madef_host failed: ${run.facts.error}`,
      },
    ]);
    expect(outcome.rtoOk).toBe(false);
  });

  it("fails a SQL error in the dump with psql's first error line", async () => {
    writeFileSync(
      join(root, 'empty', 'madef_20261203_020000.sql.gz'),
      gzipSync(
        'CREATE TABLE "Paciente" (id int);\nINSERT INTO "Paciente" VALUES (\'x\');\nCREATE TABLE never (id int);\n',
      ),
    );
    try {
      const run = await restore(drill({ directory: join(root, 'empty') }));
      expect(run.facts.reason).toBe('restore_failed');
      expect(run.facts.error).toBe('psql: ERROR:  invalid input syntax for type integer: "x"');
    } finally {
      rmSync(join(root, 'empty', 'madef_20261203_020000.sql.gz'));
    }
  });

  it('fails a dump whose gzip trailer is missing even when psql accepted every statement', async () => {
    const sql = gzipSync('CREATE TABLE "Paciente" (id int);\nINSERT INTO "Paciente" VALUES (1);\n');
    writeFileSync(join(root, 'empty', 'madef_20261203_020000.sql.gz'), sql.subarray(0, sql.length - 8));
    try {
      const run = await restore(drill({ directory: join(root, 'empty') }));
      expect(run.facts).toMatchObject({
        ok: false,
        reason: 'restore_failed',
        error:
          'gzip: stdin: unexpected end of file (the dump is truncated or corrupt; psql restored only part of it)',
        dropped: true,
      });
    } finally {
      rmSync(join(root, 'empty', 'madef_20261203_020000.sql.gz'));
    }
  });

  it('fails a table below its minimum, naming the table', async () => {
    const d = drill({ directory: join(root, 'small') });
    const run = await restore(d);
    expect(run.code).toBe(1);
    expect(run.facts).toMatchObject({
      ok: false,
      reason: 'below_minimum',
      error: 'Cuidador rows is 1, below the minimum of 5',
      queries: [
        { name: 'Paciente rows', value: 40, ok: true },
        { name: 'Cuidador rows', value: 1, min: 5, ok: false },
        { name: 'Avaliacao rows', value: 120, ok: true },
      ],
      dropped: true,
    });
    const outcome = judgeDrill(run.facts, d, { drillStartedAt: DRILL_START });
    expect(outcome.failures).toEqual([
      { code: 'below_minimum', message: 'Cuidador rows is 1, below the minimum of 5' },
    ]);
    // Verification ran: RTO is still measured and met.
    expect(outcome.rtoOk).toBe(true);
  });

  it('fails data older than the RPO although the file name is fresh', async () => {
    const d = drill({ directory: join(root, 'stale') });
    const run = await restore(d);
    // The script measures; the judge decides.
    expect(run.facts).toMatchObject({
      ok: true,
      dumpTimestamp: '2026-12-03T02:00:00.000Z',
      newestData: '2026-11-29T01:55:00.000Z',
    });
    const outcome = judgeDrill(run.facts, d, { drillStartedAt: DRILL_START });
    expect(outcome).toMatchObject({ ok: false, rpoOk: false, rtoOk: true, rpoFrom: 'data' });
    expect(outcome.rpoSeconds).toBe(4 * 86400 + 3900);
    expect(outcome.failures).toEqual([
      {
        code: 'rpo_exceeded',
        message:
          'the newest data restored is from 2026-11-29T01:55:00.000Z, 97.1 h before the drill started, ' +
          "over the RPO of 24 h, although the dump's name says 2026-12-03T02:00:00.000Z (1 h old)",
      },
    ]);
  });

  it("refuses a scratch name without the vigil_drill_ prefix, and the live database's name", async () => {
    const plain = await restore(drill(), { scratchDatabase: 'madef' });
    expect(plain.code).toBe(1);
    expect(plain.facts).toEqual({
      ok: false,
      reason: 'scratch_name_refused',
      database: 'madef',
      startedAt: plain.facts.startedAt,
      queries: [],
      error:
        'scratch database name "madef" does not start with vigil_drill_; refusing to create, restore into or drop it',
    });
    const live = await restore(drill(), {
      scratchDatabase: 'vigil_drill_live',
      liveDatabase: 'vigil_drill_live',
    });
    expect(live.facts).toMatchObject({
      reason: 'scratch_name_refused',
      error:
        'scratch database name "vigil_drill_live" is the live database\'s name; refusing to create, restore into or drop it',
    });
    const injected = await restore(drill(), { scratchDatabase: 'vigil_drill_x; DROP DATABASE madef' });
    expect(injected.facts.reason).toBe('scratch_name_refused');
  });

  it('fails with dump_not_found when no file name matches the pattern', async () => {
    const run = await restore(drill({ directory: join(root, 'empty') }));
    expect(run.facts).toMatchObject({
      ok: false,
      reason: 'dump_not_found',
      error: `no file in ${join(root, 'empty')} matches ${PATTERN}`,
    });
    expect(run.facts.dump).toBeUndefined();
  });

  it('drops the scratch database when SIGTERM arrives in the middle of the restore', async () => {
    let pid = 0;
    const running = runCommands(restoreCommands(drill({ directory: join(root, 'slow') })), (p) => {
      pid = p;
    });
    // Wait until the restore is inside pg_sleep, with the scratch database created.
    for (let i = 0; i < 100 && (await scratchDatabases()) === ''; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await scratchDatabases()).toBe('vigil_drill_madef_host');
    await new Promise((r) => setTimeout(r, 300));
    const sent = Date.now();
    process.kill(pid, 'SIGTERM');
    const run = await running;
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.facts).toMatchObject({
      ok: false,
      reason: 'interrupted',
      error: 'received SIGTERM (Run Command timeout or cancel); cleaning up',
      dropped: true,
    });
  });

  it('stops itself at VIGIL_TIMEOUT_SECONDS and drops the scratch database', async () => {
    const run = await restore(drill({ directory: join(root, 'slow') }), { timeoutSeconds: 3 });
    expect(run.facts).toMatchObject({
      ok: false,
      reason: 'timeout',
      error: 'the restore did not finish within VIGIL_TIMEOUT_SECONDS=3',
      dropped: true,
    });
  });
});
