/**
 * The backup-age verdict: given what a listing found (S3 objects or the files of a host's backup
 * directory), is there a recent, plausible backup? This automates the checks of runbook
 * madef-home-care §3 ("Backup directory has recent backups (within last 24 hours)", RPO 24 h,
 * 7 days kept). Pure: the listing and the clock come in as arguments.
 *
 * A file counts as a backup ("valid") only when
 * - its name matches the pattern, when one is given (others are `ignored`),
 * - it has at least `minSizeBytes` (default 1: an empty dump is no backup),
 * - its integrity verdict, when one was taken (gzip -t on the host, gzip ends in S3), is not a failure,
 * - its timestamp is not more than `maxFutureSkewMs` in the future (a name in local time, or a
 *   bogus date, must not hide a stale backup forever).
 * Files that match but fail one of these are `invalid`: never aged, always named in the detail.
 *
 * REASON PRECEDENCE (the first that applies is reported):
 * 1. `backup_missing`: no file matches at all.
 * 2. The recovery point is lost: no valid backup, or the newest valid one is older than `maxAgeMs`.
 *    The reason names the cause: when the newest matching file is invalid, its problem
 *    (`backup_too_small`, `backup_corrupt`; a future date reports `backup_too_old`), because the
 *    fix is the dump job, not the schedule; otherwise `backup_too_old` (backups stopped).
 * 3. `backup_truncated`: the newest valid backup shrank by more than `maxSizeDropPercent` against
 *    the previous valid one (a dump that died half-way but was closed cleanly).
 * 4. `backup_too_few`: fewer than `minCount` valid backups are kept (retention or the job is failing).
 * An invalid newest file while an older valid backup is still within `maxAgeMs` is NOT a failure
 * (on a host the dump being written right now fails `gzip -t`); the detail names it.
 */

import { formatBytes } from './gzip.ts';
import { compileNamePattern, type NamePattern, validateNamePattern } from './name-pattern.ts';

/** The integrity verdict of one file, when one was taken. Absent means "not checked". */
export type BackupIntegrity =
  | { readonly ok: true; readonly detail?: string }
  | { readonly ok: false; readonly detail: string };

/** One file as a listing reports it. */
export interface BackupObject {
  /** S3 key or file name; a name pattern is matched against the part after the last `/`. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** S3 LastModified or file mtime, epoch ms. Used only when no pattern is given. */
  readonly lastModified: number;
  /** gzip -t on the host, or the gzip ends check in S3. */
  readonly integrity?: BackupIntegrity;
}

/** What makes a good set of backups. */
export interface BackupRules {
  /**
   * File-name pattern, e.g. `madef_{YYYYMMDD}_{HHMMSS}.sql.gz`: only matching names count, and the
   * age comes from the name. Without it every file counts and ages come from `lastModified`.
   */
  readonly pattern?: string;
  /** The recovery point objective: the newest valid backup must be younger than this. */
  readonly maxAgeMs: number;
  /** Smaller files are not backups. @default 1 */
  readonly minSizeBytes?: number;
  /** At least this many valid backups must be kept. @default no minimum */
  readonly minCount?: number;
  /** The newest valid backup may be at most this many percent smaller than the previous one. @default no limit */
  readonly maxSizeDropPercent?: number;
  /** The names' clock as minutes from UTC (see `NamePatternOptions`). @default 0 */
  readonly utcOffsetMinutes?: number;
  /** A timestamp further than this in the future is not trusted. @default 15 minutes */
  readonly maxFutureSkewMs?: number;
}

/** Reason codes of a failed backup check, in precedence order (see the module comment). */
export const BACKUP_REASONS = [
  'backup_missing',
  'backup_too_small',
  'backup_corrupt',
  'backup_too_old',
  'backup_truncated',
  'backup_too_few',
] as const;
/** Why a backup check failed. */
export type BackupReason = (typeof BACKUP_REASONS)[number];

/** The newest valid backup. */
export interface NewestBackup {
  readonly key: string;
  readonly size: number;
  /** When it was taken (name, or lastModified), epoch ms. */
  readonly timestamp: number;
  readonly ageMs: number;
}

interface EvaluationBase {
  /** One readable line. */
  readonly detail: string;
  /** The newest valid backup, when there is one. */
  readonly newest?: NewestBackup;
  /** Valid backups. */
  readonly count: number;
  /** Files whose name does not match the pattern (or encodes an impossible date). */
  readonly ignored: number;
  /** Files that match but are not valid backups (too small, corrupt, future-dated). */
  readonly invalid: number;
}

/** The verdict of {@link evaluateBackups}. */
export type BackupEvaluation =
  | (EvaluationBase & { readonly ok: true; readonly reason?: undefined; readonly newest: NewestBackup })
  | (EvaluationBase & { readonly ok: false; readonly reason: BackupReason });

/** Why a matching file is not a valid backup. */
export type CandidateProblem = 'too_small' | 'corrupt' | 'future';

/** A file whose name matched, with the time it was taken. */
export interface BackupCandidate {
  readonly object: BackupObject;
  /** Epoch ms, from the name (or lastModified without a pattern). */
  readonly timestamp: number;
  /** Set when the file is not a valid backup. */
  readonly problem?: CandidateProblem;
}

/** Candidates newest first, and how many files the pattern ignored. */
export interface RankedBackups {
  readonly candidates: readonly BackupCandidate[];
  readonly ignored: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_FUTURE_SKEW_MS = 15 * 60_000;

/** Milliseconds as hours with one decimal: `25.0 h`. */
export function formatHours(ms: number): string {
  return `${(ms / HOUR_MS).toFixed(1)} h`;
}

const patternCache = new Map<string, NamePattern>();
function patternFor(pattern: string, utcOffsetMinutes: number): NamePattern {
  const cacheKey = `${utcOffsetMinutes}\u0000${pattern}`;
  let compiled = patternCache.get(cacheKey);
  if (compiled === undefined) {
    compiled = compileNamePattern(pattern, { utcOffsetMinutes });
    patternCache.set(cacheKey, compiled);
  }
  return compiled;
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * Matches names, reads timestamps and classifies every file, newest first (ties broken by key,
 * descending, so the order is stable). Exported so a caller can pick which files deserve an
 * integrity check (the newest few) before calling {@link evaluateBackups}.
 */
export function rankBackupCandidates(
  objects: readonly BackupObject[],
  rules: BackupRules,
  now: number,
): RankedBackups {
  const pattern =
    rules.pattern === undefined ? undefined : patternFor(rules.pattern, rules.utcOffsetMinutes ?? 0);
  const minSize = rules.minSizeBytes ?? 1;
  const futureLimit = now + (rules.maxFutureSkewMs ?? DEFAULT_FUTURE_SKEW_MS);
  const candidates: BackupCandidate[] = [];
  let ignored = 0;
  for (const object of objects) {
    const timestamp = pattern === undefined ? object.lastModified : pattern.match(baseName(object.key));
    if (timestamp === undefined) {
      ignored += 1;
      continue;
    }
    let problem: CandidateProblem | undefined;
    if (object.size < minSize) problem = 'too_small';
    else if (object.integrity?.ok === false) problem = 'corrupt';
    else if (timestamp > futureLimit) problem = 'future';
    candidates.push(problem === undefined ? { object, timestamp } : { object, timestamp, problem });
  }
  candidates.sort((a, b) => b.timestamp - a.timestamp || (a.object.key < b.object.key ? 1 : -1));
  return { candidates, ignored };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeProblem(c: BackupCandidate, rules: BackupRules, now: number): string {
  const { key, size, integrity } = c.object;
  switch (c.problem) {
    case 'too_small':
      return `${key} is ${formatBytes(size)} (minimum ${formatBytes(rules.minSizeBytes ?? 1)})`;
    case 'corrupt':
      return `${key} failed its integrity check (${integrity?.ok === false ? integrity.detail : 'corrupt'})`;
    case 'future':
      return (
        `${key} is dated ${formatHours(c.timestamp - now)} in the future ` +
        '(are the names in UTC? set utcOffsetMinutes)'
      );
    default:
      return `${key} is valid`;
  }
}

const REASON_OF_PROBLEM: Record<CandidateProblem, BackupReason> = {
  too_small: 'backup_too_small',
  corrupt: 'backup_corrupt',
  future: 'backup_too_old',
};

/**
 * Judges a listing against the rules at time `now` (epoch ms). Never throws for any listing; an
 * invalid `rules.pattern` throws `NamePatternError` (validate it with {@link validateBackupRules}).
 */
export function evaluateBackups(
  objects: readonly BackupObject[],
  rules: BackupRules,
  now: number,
): BackupEvaluation {
  const { candidates, ignored } = rankBackupCandidates(objects, rules, now);
  const valid = candidates.filter((c) => c.problem === undefined);
  const count = valid.length;
  const invalid = candidates.length - count;
  const ignoredNote = ignored > 0 ? `; ${plural(ignored, 'other file')} ignored` : '';
  const base = { count, ignored, invalid };

  if (candidates.length === 0) {
    const what =
      rules.pattern === undefined ? 'no backup files found' : `no file name matches ${rules.pattern}`;
    return { ok: false, reason: 'backup_missing', detail: `${what}${ignoredNote}`, ...base };
  }

  const newestValid = valid[0];
  // Invalid files newer than the newest valid backup: what the last backup runs produced.
  const newerInvalid = candidates.slice(
    0,
    newestValid === undefined ? candidates.length : candidates.indexOf(newestValid),
  );
  const firstInvalid = newerInvalid[0];
  const invalidNote =
    firstInvalid === undefined
      ? ''
      : `newest file ${describeProblem(firstInvalid, rules, now)}` +
        (newerInvalid.length > 1
          ? ` (and ${newerInvalid.length - 1} more invalid since the last valid backup)`
          : '');
  const maxAge = formatHours(rules.maxAgeMs);

  if (newestValid === undefined) {
    const reason = REASON_OF_PROBLEM[firstInvalid?.problem ?? 'too_small'];
    const detail = `${invalidNote}; no valid backup among ${plural(candidates.length, 'matching file')}${ignoredNote}`;
    return { ok: false, reason, detail, ...base };
  }

  const newest: NewestBackup = {
    key: newestValid.object.key,
    size: newestValid.object.size,
    timestamp: newestValid.timestamp,
    ageMs: now - newestValid.timestamp,
  };
  const age = `${newest.key} is ${formatHours(newest.ageMs)} old (max ${maxAge})`;

  if (newest.ageMs > rules.maxAgeMs) {
    if (firstInvalid?.problem !== undefined) {
      const reason = REASON_OF_PROBLEM[firstInvalid.problem];
      return {
        ok: false,
        reason,
        detail: `${invalidNote}; newest valid backup ${age}${ignoredNote}`,
        newest,
        ...base,
      };
    }
    return {
      ok: false,
      reason: 'backup_too_old',
      detail: `newest backup ${age}${ignoredNote}`,
      newest,
      ...base,
    };
  }

  const previous = valid[1];
  if (rules.maxSizeDropPercent !== undefined && previous !== undefined) {
    const dropPercent = ((previous.object.size - newest.size) / previous.object.size) * 100;
    if (dropPercent > rules.maxSizeDropPercent) {
      const detail =
        `newest backup ${newest.key} is ${formatBytes(newest.size)}, ${dropPercent.toFixed(1)}% smaller than ` +
        `the previous ${previous.object.key} (${formatBytes(previous.object.size)}; max drop ${rules.maxSizeDropPercent}%)`;
      return { ok: false, reason: 'backup_truncated', detail, newest, ...base };
    }
  }

  if (rules.minCount !== undefined && count < rules.minCount) {
    const detail = `only ${plural(count, 'valid backup')} kept (minimum ${rules.minCount}); newest ${age}`;
    return { ok: false, reason: 'backup_too_few', detail, newest, ...base };
  }

  const note =
    invalidNote === '' ? '' : `; not counted: ${invalidNote.replace(/^newest file /, 'newer file ')}`;
  const detail = `newest backup ${age}, ${formatBytes(newest.size)}; ${plural(count, 'valid backup')}${note}${ignoredNote}`;
  return { ok: true, detail, newest, ...base };
}

/**
 * Checks rules for the config layer: one message per problem, each starting with the field name
 * ("maxAgeMs: must be a positive number of milliseconds, got 0"). Empty when the rules are usable.
 */
export function validateBackupRules(rules: BackupRules): string[] {
  const problems: string[] = [];
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  if (!positive(rules.maxAgeMs)) {
    problems.push(`maxAgeMs: must be a positive number of milliseconds, got ${rules.maxAgeMs}`);
  }
  if (rules.pattern !== undefined) {
    const problem = validateNamePattern(rules.pattern);
    if (problem !== undefined) problems.push(`pattern: ${problem}`);
  }
  if (
    rules.minSizeBytes !== undefined &&
    !(Number.isInteger(rules.minSizeBytes) && rules.minSizeBytes >= 0)
  ) {
    problems.push(`minSizeBytes: must be a whole number of bytes ≥ 0, got ${rules.minSizeBytes}`);
  }
  if (rules.minCount !== undefined && !(Number.isInteger(rules.minCount) && rules.minCount >= 1)) {
    problems.push(`minCount: must be a whole number ≥ 1, got ${rules.minCount}`);
  }
  const drop = rules.maxSizeDropPercent;
  if (drop !== undefined && !(Number.isFinite(drop) && drop > 0 && drop < 100)) {
    problems.push(`maxSizeDropPercent: must be between 0 and 100 (exclusive), got ${drop}`);
  }
  const offset = rules.utcOffsetMinutes;
  if (offset !== undefined && !(Number.isInteger(offset) && Math.abs(offset) <= 14 * 60)) {
    problems.push(`utcOffsetMinutes: must be a whole number of minutes within ±840, got ${offset}`);
  }
  if (
    rules.maxFutureSkewMs !== undefined &&
    !(Number.isFinite(rules.maxFutureSkewMs) && rules.maxFutureSkewMs >= 0)
  ) {
    problems.push(`maxFutureSkewMs: must be ≥ 0, got ${rules.maxFutureSkewMs}`);
  }
  return problems;
}
