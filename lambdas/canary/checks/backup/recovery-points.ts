/**
 * The verdict for backups a managed service lists (RDS snapshots, AWS Backup recovery points): is
 * the newest USABLE one younger than the RPO? Pure: the listing and the clock come in as arguments.
 *
 * Unlike files, these carry a status. Only the statuses the caller names as usable count (RDS
 * `available`; AWS Backup `COMPLETED`/`AVAILABLE`): a snapshot still `creating` cannot be restored
 * yet, so it neither satisfies the RPO nor hides a stale one. The others are tallied in the detail
 * ("1 creating"), because "the newest backup is stuck in creating" is what a person needs to read.
 */
import type { BackupMeasurements } from './backup-result.ts';
import { formatHours } from './evaluate.ts';

/** One snapshot or recovery point as the service lists it. */
export interface RecoveryPoint {
  /** Snapshot identifier or recovery point ARN. */
  readonly id: string;
  /** The service's status string, as given (`available`, `COMPLETED`...). */
  readonly status: string;
  /** When its data was taken, epoch ms; undefined when the service gave no time. */
  readonly takenAt?: number;
  /** Size in bytes, when the service reports a meaningful one. */
  readonly sizeBytes?: number;
  /** e.g. `automated` / `manual` for RDS; shown next to the newest one. */
  readonly type?: string;
}

/** How to judge a listing. */
export interface RecoveryPointRules {
  /** Statuses that mean "restorable now". */
  readonly usable: ReadonlySet<string>;
  /** Those statuses in a word, for the detail: "available", "completed". */
  readonly usableLabel: string;
  /** The RPO. */
  readonly maxAgeMs: number;
  /** What is listed, for the detail: "snapshot", "recovery point". */
  readonly noun: string;
  /** Whose backups they are, for the detail: "instance madef-db". */
  readonly of: string;
}

/** The verdict of {@link judgeRecoveryPoints}. */
export type RecoveryPointVerdict =
  | {
      readonly ok: true;
      readonly detail: string;
      readonly newest: RecoveryPoint & { readonly takenAt: number };
      readonly measurements: BackupMeasurements;
    }
  | {
      readonly ok: false;
      readonly reason: 'backup_missing' | 'backup_too_old';
      readonly detail: string;
      readonly newest?: RecoveryPoint & { readonly takenAt: number };
      readonly measurements: BackupMeasurements;
    };

/** "1 creating, 2 copying": the listed points that do not count, by status, in first-seen order. */
function tally(points: readonly RecoveryPoint[]): string {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Picks the newest usable point (by `takenAt`; ties by id, descending, so the choice is stable) and
 * judges its age at `now` (epoch ms). A usable point without a time cannot be aged and does not count.
 * Measurements: BackupCount (usable points) always; BackupAgeSeconds and BackupSizeBytes (when
 * known) of the newest usable point.
 */
export function judgeRecoveryPoints(
  points: readonly RecoveryPoint[],
  rules: RecoveryPointRules,
  now: number,
): RecoveryPointVerdict {
  const usable: (RecoveryPoint & { readonly takenAt: number })[] = [];
  const other: RecoveryPoint[] = [];
  for (const p of points) {
    if (rules.usable.has(p.status) && p.takenAt !== undefined && Number.isFinite(p.takenAt)) {
      usable.push(p as RecoveryPoint & { readonly takenAt: number });
    } else if (rules.usable.has(p.status)) {
      other.push({ ...p, status: `${p.status} without a creation time` });
    } else {
      other.push(p);
    }
  }
  usable.sort((a, b) => b.takenAt - a.takenAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const others = other.length > 0 ? ` (${tally(other)})` : '';
  const measurements: BackupMeasurements = { BackupCount: usable.length };

  const newest = usable[0];
  if (newest === undefined) {
    const detail =
      points.length === 0
        ? `no ${rules.noun} of ${rules.of} at all`
        : `no ${rules.usableLabel} ${rules.noun} of ${rules.of}${others}`;
    return { ok: false, reason: 'backup_missing', detail, measurements };
  }

  const ageMs = now - newest.takenAt;
  // A point dated slightly ahead (clock skew between services) is "just taken", not negative.
  measurements.BackupAgeSeconds = Math.max(0, Math.round(ageMs / 1000));
  if (newest.sizeBytes !== undefined) measurements.BackupSizeBytes = newest.sizeBytes;
  const kind = newest.type ? ` (${newest.type})` : '';
  const age = `${newest.id}${kind} is ${formatHours(Math.max(0, ageMs))} old (max ${formatHours(rules.maxAgeMs)})`;
  const counted = `${plural(usable.length, `${rules.usableLabel} ${rules.noun}`)}${others}`;
  if (ageMs > rules.maxAgeMs) {
    return {
      ok: false,
      reason: 'backup_too_old',
      detail: `newest ${rules.noun} of ${rules.of}, ${age}; ${counted}`,
      newest,
      measurements,
    };
  }
  return {
    ok: true,
    detail: `newest ${rules.noun} of ${rules.of}, ${age}; ${counted}`,
    newest,
    measurements,
  };
}
