import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateBackups } from '../../../lambdas/canary/checks/backup/evaluate.ts';
import {
  buildHostListingCommand,
  checkHostListing,
  HOST_LISTING_SCRIPT,
  parseHostListing,
  shellQuote,
} from '../../../lambdas/canary/checks/backup/host-listing.ts';

/** The commented source of the listing script. */
const SOURCE_PATH = fileURLToPath(
  new URL('../../../lambdas/canary/checks/backup/host-listing.sh', import.meta.url),
);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NEWEST = Date.UTC(2026, 10, 24, 2, 0, 0);
const RULES = { pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz', maxAgeMs: DAY, minSizeBytes: 1024, minCount: 7 };
const MARKER = 'PostgreSQL database dump complete';

function nameAt(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

/** A plain pg_dump-shaped SQL text; `complete: false` leaves off the closing lines. */
function sql(day: number, complete = true): string {
  const rows = Array.from({ length: 4000 }, (_, i) => `${i}\tpaciente ${(i * 7919 + day) % 100_003}\n`).join(
    '',
  );
  const end = complete ? `\\.\n\n--\n-- ${MARKER}\n--\n` : '';
  return `--\n-- PostgreSQL database dump\n--\nCOPY public."Paciente" (id, nome) FROM stdin;\n${rows}${end}`;
}

/** Compresses with the real gzip binary, as the backup container does. */
function gzipCli(text: string): Buffer {
  return execFileSync('gzip', ['-c'], { input: text });
}

/** host-listing.sh without the lines that are only a comment (the `#!` line kept). */
function withoutCommentLines(script: string): string {
  return script
    .split('\n')
    .filter((line, i) => (i === 0 && line.startsWith('#!')) || !/^\s*#/.test(line))
    .join('\n');
}

/** The script the canary sends (HOST_LISTING_SCRIPT), written to a file so sh runs it as a script. */
let SCRIPT_PATH: string;

function runScript(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('sh', [SCRIPT_PATH, ...args], { encoding: 'utf8', env });
}

let scriptDir: string;
let dir: string;
let sizes: Map<string, number>;

beforeAll(() => {
  // Readable by all: one test runs it as `nobody`.
  scriptDir = mkdtempSync(join(tmpdir(), 'vigil-host-listing-'));
  chmodSync(scriptDir, 0o755);
  SCRIPT_PATH = join(scriptDir, 'host-listing.sh');
  writeFileSync(SCRIPT_PATH, HOST_LISTING_SCRIPT, { mode: 0o644 });
  // A space and a quote in the path: the script and the command builder must both cope.
  dir = mkdtempSync(join(tmpdir(), "vigil backups it's-"));
  sizes = new Map();
  const write = (name: string, body: Buffer | string, at: number) => {
    writeFileSync(join(dir, name), body);
    utimesSync(join(dir, name), at / 1000, at / 1000);
    sizes.set(name, Buffer.byteLength(body));
  };
  // Seven daily dumps, 2026-11-18 .. 2026-11-24 02:00 UTC.
  for (let i = 0; i < 7; i++) write(nameAt(NEWEST - i * DAY), gzipCli(sql(i)), NEWEST - i * DAY + 90_000);
  // Today's run produced an empty file.
  write(nameAt(NEWEST + DAY), '', NEWEST + DAY + 5_000);
  // A manual dump at 14:00 that was cut short (disk full): a truncated gzip.
  const full = gzipCli(sql(99));
  write(
    nameAt(NEWEST + 12 * HOUR),
    full.subarray(0, Math.floor(full.length * 0.6)),
    NEWEST + 12 * HOUR + 60_000,
  );
  // Names the pattern does not take; a space in one of them.
  write('madef_manual copy.sql.gz', gzipCli(sql(50)), NEWEST);
  write('madef_20261124_020000.sql.gz.partial', 'x', NEWEST);
  write('notes.txt', 'restore with gunzip -c', NEWEST);
  symlinkSync(nameAt(NEWEST), join(dir, 'madef_latest.sql.gz'));
  mkdirSync(join(dir, 'madef_old.sql.gz'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
});

describe('HOST_LISTING_SCRIPT, run for real with sh', () => {
  it('lists each regular file with size, mtime and a gzip -t verdict, in a parsable form', () => {
    const run = runScript([dir, 'madef_*.sql.gz']);
    expect(run.status).toBe(0);
    const listing = parseHostListing(run.stdout);
    expect(listing.ok).toBe(true);
    if (!listing.ok) return;
    expect(listing.directory).toBe(dir);
    const byName = new Map(listing.files.map((f) => [f.name, f]));
    expect([...byName.keys()].sort()).toEqual(
      [
        ...Array.from({ length: 7 }, (_, i) => nameAt(NEWEST - i * DAY)),
        nameAt(NEWEST + DAY),
        nameAt(NEWEST + 12 * HOUR),
        'madef_manual copy.sql.gz',
      ].sort(),
    );
    expect(byName.get(nameAt(NEWEST))).toEqual({
      name: nameAt(NEWEST),
      size: sizes.get(nameAt(NEWEST)),
      mtimeMs: NEWEST + 90_000,
      gzip: 'ok',
      endMarker: 'n/a',
    });
    expect(byName.get(nameAt(NEWEST + DAY))).toMatchObject({ size: 0, gzip: 'bad' });
    expect(byName.get(nameAt(NEWEST + 12 * HOUR))).toMatchObject({ gzip: 'bad' });
    expect(byName.get('madef_manual copy.sql.gz')).toMatchObject({ gzip: 'ok' });
    expect(listing.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'symlink', name: 'madef_latest.sql.gz' },
        { reason: 'not_a_file', name: 'madef_old.sql.gz' },
      ]),
    );
  });

  it('feeds evaluateBackups: the empty and truncated dumps do not count, the 02:00 dump is aged', () => {
    const listing = parseHostListing(runScript([dir, 'madef_*.sql.gz']).stdout);
    if (!listing.ok) throw new Error(listing.detail);
    // 2026-11-25 03:00 UTC: the newest valid dump (11-24 02:00) is 25 h old.
    const late = evaluateBackups(listing.objects, RULES, NEWEST + 25 * HOUR);
    expect(late).toMatchObject({ ok: false, reason: 'backup_too_small', count: 7, invalid: 2, ignored: 1 });
    expect(late.newest?.key).toBe(nameAt(NEWEST));
    expect(late.detail).toBe(
      `newest file ${nameAt(NEWEST + DAY)} is 0 B (minimum 1.0 KiB) (and 1 more invalid since the last valid backup); ` +
        `newest valid backup ${nameAt(NEWEST)} is 25.0 h old (max 24.0 h); 1 other file ignored`,
    );
    // With a 26 h allowance the same directory passes, and still names the bad files.
    const lenient = evaluateBackups(listing.objects, { ...RULES, maxAgeMs: 26 * HOUR }, NEWEST + 25 * HOUR);
    expect(lenient.ok).toBe(true);
    expect(lenient.detail).toMatch(/not counted: newer file madef_20261125_020000\.sql\.gz is 0 B/);
    // Without the empty file, the truncated 14:00 dump is the newest: gzip -t's verdict names it.
    const withoutEmpty = listing.objects.filter((o) => o.size > 0);
    expect(evaluateBackups(withoutEmpty, RULES, NEWEST + 25 * HOUR)).toMatchObject({
      ok: false,
      reason: 'backup_corrupt',
      detail: expect.stringMatching(
        /^newest file madef_20261124_140000\.sql\.gz failed its integrity check \(gzip -t failed: the archive is corrupt or truncated\)/,
      ),
    });
  });

  it('checks the dump end marker when asked: a cleanly gzipped but unfinished dump fails', () => {
    const unfinished = nameAt(NEWEST + DAY + HOUR);
    writeFileSync(join(dir, unfinished), gzipCli(sql(7, false)));
    try {
      const listing = parseHostListing(runScript([dir, 'madef_*.sql.gz', 'all', MARKER]).stdout);
      if (!listing.ok) throw new Error(listing.detail);
      const byName = new Map(listing.files.map((f) => [f.name, f]));
      expect(byName.get(unfinished)).toMatchObject({ gzip: 'ok', endMarker: 'no' });
      expect(byName.get(nameAt(NEWEST))).toMatchObject({ gzip: 'ok', endMarker: 'yes' });
      expect(byName.get(nameAt(NEWEST + 12 * HOUR))).toMatchObject({ gzip: 'bad', endMarker: 'n/a' });
      const object = listing.objects.find((o) => o.key === unfinished);
      expect(object?.integrity).toEqual({
        ok: false,
        detail: 'the end marker is missing from its last 1 KiB: the dump did not finish',
      });
    } finally {
      rmSync(join(dir, unfinished));
    }
  });

  it('skips gzip -t when told to', () => {
    const listing = parseHostListing(runScript([dir, 'madef_*.sql.gz', 'none']).stdout);
    expect(listing.ok && listing.files.every((f) => f.gzip === 'untested')).toBe(true);
    expect(listing.ok && listing.objects.every((o) => o.integrity === undefined)).toBe(true);
  });

  it('exits non-zero with one clear line when the directory is missing', () => {
    const run = runScript([join(dir, 'nope'), '*']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(`error\tno_directory\t${join(dir, 'nope')}\n`);
    expect(parseHostListing(run.stdout)).toEqual({
      ok: false,
      reason: 'not_found',
      detail: `backup directory ${join(dir, 'nope')} does not exist on the host`,
    });
    const usage = runScript([]);
    expect(usage.status).toBe(64);
    expect(parseHostListing(usage.stdout)).toMatchObject({ ok: false, reason: 'bad_output' });
  });

  // Root reads every directory, so as root (CI here) the script runs as `nobody` instead.
  it('reports an unreadable directory as access_denied', () => {
    const parent = mkdtempSync(join(tmpdir(), 'vigil-locked-'));
    chmodSync(parent, 0o755);
    const locked = join(parent, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const run = spawnSync('sh', [SCRIPT_PATH, locked, '*'], { encoding: 'utf8', ...asNobody });
      expect(run.status).toBe(3);
      expect(parseHostListing(run.stdout)).toMatchObject({ ok: false, reason: 'access_denied' });
    } finally {
      chmodSync(locked, 0o755);
      rmSync(parent, { recursive: true });
    }
  });

  it('falls back to wc and date -r where stat is missing or different (busybox without stat, BSD)', () => {
    const stubs = mkdtempSync(join(tmpdir(), 'vigil-nostat-'));
    try {
      writeFileSync(join(stubs, 'stat'), '#!/bin/sh\nexit 1\n');
      chmodSync(join(stubs, 'stat'), 0o755);
      const withStat = parseHostListing(runScript([dir, 'madef_*.sql.gz']).stdout);
      const without = parseHostListing(
        runScript([dir, 'madef_*.sql.gz'], { ...process.env, PATH: `${stubs}:${process.env.PATH}` }).stdout,
      );
      expect(without.ok && without.files).toEqual(withStat.ok && withStat.files);
    } finally {
      rmSync(stubs, { recursive: true });
    }
  });

  it('runs the same through the SSM command text, with the directory quoted', () => {
    const command = buildHostListingCommand(dir, 'madef_*.sql.gz', { endMarker: MARKER });
    expect(command.startsWith(`set -- ${shellQuote(dir)} 'madef_*.sql.gz' 'all' '${MARKER}'\n`)).toBe(true);
    const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const result = checkHostListing(run.stdout, RULES, NEWEST + 23 * HOUR);
    // 23 h after the 11-24 02:00 dump, with the empty and truncated later files not counted.
    expect(result).toMatchObject({ ok: true, count: 7 });
    expect(result.detail.startsWith(`${dir}: newest backup ${nameAt(NEWEST)} is 23.0 h old`)).toBe(true);
  });

  it('is host-listing.sh without its comment-only lines', () => {
    const source = readFileSync(SOURCE_PATH, 'utf8');
    expect(HOST_LISTING_SCRIPT).toBe(withoutCommentLines(source));
    expect(HOST_LISTING_SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
    expect(HOST_LISTING_SCRIPT).not.toMatch(/^\s*#(?!!\/bin\/sh\n)/m);
  });

  it('prints what the commented host-listing.sh prints', () => {
    for (const args of [
      [dir, 'madef_*.sql.gz'],
      [dir, 'madef_*.sql.gz', 'all', MARKER],
      [dir, 'madef_*.sql.gz', 'none'],
      [join(dir, 'nope'), '*'],
      [],
    ]) {
      const source = spawnSync('sh', [SOURCE_PATH, ...args], { encoding: 'utf8' });
      const embedded = runScript(args);
      expect({ status: embedded.status, stdout: embedded.stdout }).toEqual({
        status: source.status,
        stdout: source.stdout,
      });
    }
  });
});

describe('parseHostListing', () => {
  const good =
    'vigil-backup-listing\t1\t/opt/madef/backups\nfile\t2048\t1795485600\tok\t-\ta\tb.sql.gz\nend\t1\n';

  it('reads names holding tabs, CRLF line ends and a banner before the header', () => {
    const listing = parseHostListing(`Welcome to Amazon Linux\r\n${good.replaceAll('\n', '\r\n')}`);
    expect(listing).toMatchObject({
      ok: true,
      directory: '/opt/madef/backups',
      objects: [{ key: 'a\tb.sql.gz', size: 2048, lastModified: 1795485600_000, integrity: { ok: true } }],
    });
  });

  it('rejects output cut short (SSM keeps 24,000 characters), foreign output and malformed lines', () => {
    expect(parseHostListing(good.replace('end\t1\n', ''))).toMatchObject({
      ok: false,
      reason: 'bad_output',
      detail: expect.stringMatching(/stops after 1 files without its end line/),
    });
    expect(parseHostListing(good.replace('end\t1', 'end\t2'))).toMatchObject({ reason: 'bad_output' });
    expect(parseHostListing('total 0\n')).toMatchObject({
      reason: 'bad_output',
      detail: expect.stringMatching(/no vigil-backup-listing header/),
    });
    expect(parseHostListing(good.replace('2048', '2k'))).toMatchObject({ reason: 'bad_output' });
    expect(parseHostListing(good.replace('\tok\t', '\tmaybe\t'))).toMatchObject({ reason: 'bad_output' });
    expect(parseHostListing(good.replace('\t1\t', '\t2\t'))).toMatchObject({
      reason: 'bad_output',
      detail: 'host listing: unknown format version 2',
    });
  });
});
