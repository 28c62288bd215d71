import { describe, expect, it } from 'vitest';
import {
  type BackupObject,
  type BackupRules,
  evaluateBackups,
  formatHours,
  rankBackupCandidates,
  validateBackupRules,
} from '../../../lambdas/canary/checks/backup/evaluate.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PATTERN = 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz';
const RPO: BackupRules = { pattern: PATTERN, maxAgeMs: 24 * HOUR };

/** `madef_20261124_020000.sql.gz` for a UTC time. */
function nameAt(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-24T02:00:00.000Z
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

/** Daily 02:00 UTC dumps, newest first: `count` of them ending on `newest`. */
function dailyDumps(newest: number, count: number, size = 5 * 1024 * 1024): BackupObject[] {
  return Array.from({ length: count }, (_, i) => {
    const at = newest - i * DAY;
    return { key: `madef/${nameAt(at)}`, size: size + i, lastModified: at + 60_000 };
  });
}

const NEWEST = Date.UTC(2026, 10, 24, 2, 0, 0);

describe('evaluateBackups', () => {
  it('passes with 7 daily dumps when the newest is 23 h old', () => {
    const result = evaluateBackups(dailyDumps(NEWEST, 7), RPO, NEWEST + 23 * HOUR);
    expect(result.ok).toBe(true);
    expect(result.count).toBe(7);
    expect(result.ignored).toBe(0);
    expect(result.newest).toEqual({
      key: 'madef/madef_20261124_020000.sql.gz',
      size: 5 * 1024 * 1024,
      timestamp: NEWEST,
      ageMs: 23 * HOUR,
    });
    expect(result.detail).toBe(
      'newest backup madef/madef_20261124_020000.sql.gz is 23.0 h old (max 24.0 h), 5.0 MiB; 7 valid backups',
    );
  });

  it('pages backup_too_old when the newest is 25 h old', () => {
    const result = evaluateBackups(dailyDumps(NEWEST, 7), RPO, NEWEST + 25 * HOUR);
    expect(result).toMatchObject({ ok: false, reason: 'backup_too_old', count: 7 });
    expect(result.detail).toBe('newest backup madef/madef_20261124_020000.sql.gz is 25.0 h old (max 24.0 h)');
    expect(result.newest?.ageMs).toBe(25 * HOUR);
  });

  it('does not count a zero-byte newest dump, ages the older valid one, and says both', () => {
    const dumps = dailyDumps(NEWEST, 7).map((o, i) => (i === 0 ? { ...o, size: 0 } : o));
    const result = evaluateBackups(dumps, { ...RPO, minSizeBytes: 1024 }, NEWEST + HOUR);
    expect(result).toMatchObject({ ok: false, reason: 'backup_too_small', count: 6, invalid: 1 });
    expect(result.newest?.key).toBe('madef/madef_20261123_020000.sql.gz');
    expect(result.newest?.ageMs).toBe(25 * HOUR);
    expect(result.detail).toBe(
      'newest file madef/madef_20261124_020000.sql.gz is 0 B (minimum 1.0 KiB); ' +
        'newest valid backup madef/madef_20261123_020000.sql.gz is 25.0 h old (max 24.0 h)',
    );
  });

  it('treats an empty dump as no backup even with the default minimum of 1 byte', () => {
    const result = evaluateBackups(
      [{ key: nameAt(NEWEST), size: 0, lastModified: NEWEST }],
      RPO,
      NEWEST + HOUR,
    );
    expect(result).toMatchObject({ ok: false, reason: 'backup_too_small', count: 0 });
    expect(result.newest).toBeUndefined();
    expect(result.detail).toBe(
      'newest file madef_20261124_020000.sql.gz is 0 B (minimum 1 B); no valid backup among 1 matching file',
    );
  });

  it('passes, naming the bad file, when an invalid newest file has a valid backup within the RPO', () => {
    // Six-hourly dumps: the 08:00 one is being written (empty so far), the 02:00 one is 7 h old.
    const objects = [
      { key: nameAt(NEWEST + 6 * HOUR), size: 0, lastModified: NEWEST + 6 * HOUR },
      { key: nameAt(NEWEST), size: 4096, lastModified: NEWEST },
    ];
    const result = evaluateBackups(objects, RPO, NEWEST + 7 * HOUR);
    expect(result.ok).toBe(true);
    expect(result.detail).toBe(
      'newest backup madef_20261124_020000.sql.gz is 7.0 h old (max 24.0 h), 4.0 KiB; 1 valid backup; ' +
        'not counted: newer file madef_20261124_080000.sql.gz is 0 B (minimum 1 B)',
    );
  });

  it('ages backups by the time in their name, not by LastModified (a sync rewrites it)', () => {
    const now = NEWEST + 3 * DAY;
    // Re-uploaded an hour ago: LastModified is fresh, the names are three days old.
    const synced = dailyDumps(NEWEST, 7).map((o) => ({ ...o, lastModified: now - HOUR }));
    const stale = evaluateBackups(synced, RPO, now);
    expect(stale).toMatchObject({ ok: false, reason: 'backup_too_old' });
    expect(stale.newest?.ageMs).toBe(3 * DAY);
    // And the reverse: old LastModified, fresh name.
    const oldCopies = dailyDumps(NEWEST, 7).map((o) => ({ ...o, lastModified: NEWEST - 30 * DAY }));
    expect(evaluateBackups(oldCopies, RPO, NEWEST + HOUR).ok).toBe(true);
  });

  it('uses LastModified when no pattern is given', () => {
    const objects = [
      { key: 'a.dump', size: 10, lastModified: NEWEST - 30 * HOUR },
      { key: 'b.dump', size: 10, lastModified: NEWEST - 2 * HOUR },
    ];
    const result = evaluateBackups(objects, { maxAgeMs: DAY }, NEWEST);
    expect(result).toMatchObject({ ok: true, count: 2, newest: { key: 'b.dump', ageMs: 2 * HOUR } });
  });

  it('counts files whose names do not match as ignored', () => {
    const objects = [
      ...dailyDumps(NEWEST, 2),
      { key: 'madef/madef_latest.sql.gz', size: 100, lastModified: NEWEST + HOUR },
      { key: 'madef/madef_20261340_020000.sql.gz', size: 100, lastModified: NEWEST },
      { key: 'madef/README.txt', size: 100, lastModified: NEWEST },
    ];
    const result = evaluateBackups(objects, RPO, NEWEST + HOUR);
    expect(result).toMatchObject({ ok: true, count: 2, ignored: 3 });
    expect(result.detail).toMatch(/; 3 other files ignored$/);
  });

  it('pages backup_missing when no file matches, saying how many were ignored', () => {
    const objects = [{ key: 'madef_latest.sql.gz', size: 100, lastModified: NEWEST }];
    expect(evaluateBackups(objects, RPO, NEWEST)).toMatchObject({
      ok: false,
      reason: 'backup_missing',
      detail: `no file name matches ${PATTERN}; 1 other file ignored`,
      count: 0,
      ignored: 1,
    });
    expect(evaluateBackups([], { maxAgeMs: DAY }, NEWEST)).toMatchObject({
      reason: 'backup_missing',
      detail: 'no backup files found',
    });
  });

  it('pages backup_too_few when retention keeps fewer than minCount valid backups', () => {
    const rules = { ...RPO, minCount: 7 };
    expect(evaluateBackups(dailyDumps(NEWEST, 7), rules, NEWEST + HOUR).ok).toBe(true);
    const few = evaluateBackups(dailyDumps(NEWEST, 3), rules, NEWEST + HOUR);
    expect(few).toMatchObject({ ok: false, reason: 'backup_too_few', count: 3 });
    expect(few.detail).toBe(
      'only 3 valid backups kept (minimum 7); newest madef/madef_20261124_020000.sql.gz is 1.0 h old (max 24.0 h)',
    );
    // Invalid files do not count towards retention.
    const withEmpty = dailyDumps(NEWEST, 7).map((o, i) => (i === 6 ? { ...o, size: 0 } : o));
    expect(evaluateBackups(withEmpty, rules, NEWEST + HOUR)).toMatchObject({
      reason: 'backup_too_few',
      count: 6,
    });
  });

  it('pages backup_truncated when the newest valid backup shrank by more than maxSizeDropPercent', () => {
    const rules = { ...RPO, maxSizeDropPercent: 50 };
    const sizes = (newestSize: number) =>
      dailyDumps(NEWEST, 7).map((o, i) => ({ ...o, size: i === 0 ? newestSize : 1_000_000 }));
    expect(evaluateBackups(sizes(600_000), rules, NEWEST + HOUR).ok).toBe(true);
    const truncated = evaluateBackups(sizes(400_000), rules, NEWEST + HOUR);
    expect(truncated).toMatchObject({ ok: false, reason: 'backup_truncated' });
    expect(truncated.detail).toBe(
      'newest backup madef/madef_20261124_020000.sql.gz is 390.6 KiB, 60.0% smaller than the previous ' +
        'madef/madef_20261123_020000.sql.gz (976.6 KiB; max drop 50%)',
    );
    // Growth is never a failure.
    expect(evaluateBackups(sizes(9_000_000), rules, NEWEST + HOUR).ok).toBe(true);
  });

  it('reports backup_corrupt when a file that failed its integrity check stands between now and an old backup', () => {
    const dumps = dailyDumps(NEWEST, 7).map((o, i) =>
      i === 0 ? { ...o, integrity: { ok: false as const, detail: 'gzip -t failed' } } : o,
    );
    const result = evaluateBackups(dumps, RPO, NEWEST + 2 * HOUR);
    expect(result).toMatchObject({ ok: false, reason: 'backup_corrupt', count: 6 });
    expect(result.detail).toMatch(
      /^newest file madef\/madef_20261124_020000\.sql\.gz failed its integrity check \(gzip -t failed\); newest valid backup .* is 26\.0 h old/,
    );
  });

  it('follows the documented precedence: an old backup outranks a size drop and too few copies', () => {
    const dumps = dailyDumps(NEWEST, 2).map((o, i) => ({ ...o, size: i === 0 ? 10 : 1_000_000 }));
    const rules = { ...RPO, minCount: 7, maxSizeDropPercent: 50 };
    expect(evaluateBackups(dumps, rules, NEWEST + 30 * HOUR).reason).toBe('backup_too_old');
    expect(evaluateBackups(dumps, rules, NEWEST + HOUR).reason).toBe('backup_truncated');
    expect(evaluateBackups(dumps, { ...rules, maxSizeDropPercent: undefined }, NEWEST + HOUR).reason).toBe(
      'backup_too_few',
    );
  });

  it('does not let a future-dated name hide a stale backup', () => {
    const objects = [
      { key: 'madef_20991231_000000.sql.gz', size: 4096, lastModified: NEWEST },
      ...dailyDumps(NEWEST - 2 * DAY, 1),
    ];
    const result = evaluateBackups(objects, RPO, NEWEST);
    expect(result).toMatchObject({ ok: false, reason: 'backup_too_old', invalid: 1 });
    expect(result.detail).toMatch(
      /madef_20991231_000000\.sql\.gz is dated .* h in the future \(are the names in UTC/,
    );
    // Within the skew allowance a slightly-ahead clock is fine.
    expect(evaluateBackups(dailyDumps(NEWEST, 1), RPO, NEWEST - 5 * 60_000).ok).toBe(true);
  });

  it('ranks candidates newest first with a stable order', () => {
    const { candidates, ignored } = rankBackupCandidates(
      [...dailyDumps(NEWEST, 3).reverse(), { key: 'x', size: 1, lastModified: 0 }],
      RPO,
      NEWEST,
    );
    expect(candidates.map((c) => c.timestamp)).toEqual([NEWEST, NEWEST - DAY, NEWEST - 2 * DAY]);
    expect(ignored).toBe(1);
  });

  it('formats hours with one decimal', () => {
    expect(formatHours(25 * HOUR)).toBe('25.0 h');
    expect(formatHours(90 * 60_000)).toBe('1.5 h');
  });
});

describe('validateBackupRules', () => {
  it('accepts sensible rules', () => {
    expect(validateBackupRules({ ...RPO, minSizeBytes: 1024, minCount: 6, maxSizeDropPercent: 50 })).toEqual(
      [],
    );
  });

  it('names the field and the problem', () => {
    expect(
      validateBackupRules({
        pattern: 'madef_*.sql.gz',
        maxAgeMs: 0,
        minSizeBytes: -1,
        minCount: 0,
        maxSizeDropPercent: 100,
        utcOffsetMinutes: 1000,
      }),
    ).toEqual([
      'maxAgeMs: must be a positive number of milliseconds, got 0',
      'pattern: "*" at character 7 is a glob character, not a placeholder; write {*} for any text',
      'minSizeBytes: must be a whole number of bytes ≥ 0, got -1',
      'minCount: must be a whole number ≥ 1, got 0',
      'maxSizeDropPercent: must be between 0 and 100 (exclusive), got 100',
      'utcOffsetMinutes: must be a whole number of minutes within ±840, got 1000',
    ]);
  });
});
