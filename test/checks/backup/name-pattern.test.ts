import { describe, expect, it } from 'vitest';
import {
  compileNamePattern,
  NamePatternError,
  namePatternToGlob,
  validateNamePattern,
} from '../../../lambdas/canary/checks/backup/name-pattern.ts';

const MADEF = 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz';

describe('compileNamePattern', () => {
  const pattern = compileNamePattern(MADEF);

  it('reads the UTC time a backup was taken from its name', () => {
    expect(pattern.match('madef_20261124_020000.sql.gz')).toBe(Date.UTC(2026, 10, 24, 2, 0, 0));
    expect(pattern.match('madef_20240229_235959.sql.gz')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('rejects impossible dates and times instead of rolling them over', () => {
    expect(pattern.match('madef_20261340_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261301_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20260230_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20250229_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261124_250000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261124_026000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261100_020000.sql.gz')).toBeUndefined();
  });

  it('does not match other names, partial names or names with extra text', () => {
    expect(pattern.match('madef_latest.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261124_020000.sql.gz.tmp')).toBeUndefined();
    expect(pattern.match('old_madef_20261124_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_2026112_020000.sql.gz')).toBeUndefined();
    expect(pattern.match('madef_20261124_020000.sql')).toBeUndefined();
  });

  it('treats dots as literal dots, not "any character"', () => {
    expect(pattern.match('madef_20261124_020000xsqlxgz')).toBeUndefined();
    expect(pattern.match('madef_20261124_020000_sql_gz')).toBeUndefined();
    expect(compileNamePattern('a+b(1)_{YYYYMMDD}[x]$.gz').match('a+b(1)_20261124[x]$.gz')).toBe(
      Date.UTC(2026, 10, 24),
    );
  });

  it('supports split placeholders and {*}', () => {
    const p = compileNamePattern('{*}-{YYYY}-{MM}-{DD}T{HH}{mm}{ss}Z.dump');
    expect(p.match('prod db-2026-11-24T021530Z.dump')).toBe(Date.UTC(2026, 10, 24, 2, 15, 30));
    expect(p.match('-2026-11-24T021530Z.dump')).toBe(Date.UTC(2026, 10, 24, 2, 15, 30));
    expect(p.match('prod-2026-11-24T021530Z.dumpx')).toBeUndefined();
  });

  it('gives midnight UTC when the name has only a date', () => {
    expect(compileNamePattern('db-{YYYYMMDD}.gz').match('db-20261124.gz')).toBe(Date.UTC(2026, 10, 24));
  });

  it('applies a fixed UTC offset for names written in local time', () => {
    const saoPaulo = compileNamePattern(MADEF, { utcOffsetMinutes: -180 });
    expect(saoPaulo.match('madef_20261123_230000.sql.gz')).toBe(Date.UTC(2026, 10, 24, 2, 0, 0));
  });

  it('throws NamePatternError with the validation message for a bad pattern', () => {
    expect(() => compileNamePattern('madef_{DATE}.sql.gz')).toThrow(NamePatternError);
    expect(() => compileNamePattern('madef_{DATE}.sql.gz')).toThrow(/unknown placeholder \{DATE\}/);
  });
});

describe('validateNamePattern', () => {
  it('accepts the madef pattern and other complete ones', () => {
    expect(validateNamePattern(MADEF)).toBeUndefined();
    expect(validateNamePattern('{YYYY}-{MM}-{DD}.gz')).toBeUndefined();
    expect(validateNamePattern('x-{YYYYMMDD}-{HH}{*}')).toBeUndefined();
  });

  it('explains each unusable pattern', () => {
    expect(validateNamePattern('')).toBe('the pattern is empty');
    expect(validateNamePattern('madef.sql.gz')).toMatch(/no date placeholder: add \{YYYYMMDD\}/);
    expect(validateNamePattern('madef_*.sql.gz')).toMatch(/"\*" at character 7 is a glob character.*\{\*\}/);
    expect(validateNamePattern('madef_{yyyymmdd}.gz')).toMatch(/unknown placeholder \{yyyymmdd\}/);
    expect(validateNamePattern('madef_{YYYYMMDD.gz')).toMatch(/unknown placeholder \{YYYYMMDD\.gz/);
    expect(validateNamePattern('madef_}{YYYYMMDD}')).toMatch(/unmatched "}"/);
    expect(validateNamePattern('{YYYYMMDD}_{YYYYMMDD}')).toMatch(/appears more than once/);
    expect(validateNamePattern('{YYYYMMDD}_{YYYY}')).toMatch(/both give the date/);
    expect(validateNamePattern('{YYYY}{MM}.gz')).toBe('the date is incomplete: add {DD}');
    expect(validateNamePattern('{YYYYMMDD}_{HHMMSS}{ss}')).toMatch(/both give the time/);
    expect(validateNamePattern('{YYYYMMDD}_{mm}')).toBe('{mm} needs {HH}');
    expect(validateNamePattern('backups/{YYYYMMDD}.gz')).toMatch(/file name, not a path/);
  });
});

describe('namePatternToGlob', () => {
  it('turns placeholders into * for a host-side pre-filter', () => {
    expect(namePatternToGlob(MADEF)).toBe('madef_*_*.sql.gz');
    expect(namePatternToGlob('{*}{YYYYMMDD}.gz')).toBe('*.gz');
  });
});
