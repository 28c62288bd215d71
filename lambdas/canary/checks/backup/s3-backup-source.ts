/**
 * S3 as a backup source: adapts the S3 backup core (`checkS3Backups`: list the prefix, test the
 * newest gzip ends, judge with `evaluateBackups`) to a {@link CheckResult}. This is the check of
 * runbook madef-home-care §3 ("madef_YYYYMMDD_HHMMSS.sql.gz", RPO 24 h, 7 days kept) for dumps
 * shipped to S3.
 *
 * Reason codes pass through unchanged: the core's verdicts (backup_missing, backup_too_small,
 * backup_corrupt, backup_too_old, backup_truncated, backup_too_few) and S3 failures (not_found,
 * access_denied, timeout, aws_error) are all reason codes already.
 */
import type { BackupMonitor, BackupSource } from '../../../../lib/config/resolve.ts';
import { checkDeadlineMs } from '../../../../lib/monitors/monitor-traits.ts';
import type { CheckDeps } from '../index.ts';
import type { CheckResult } from '../result.ts';
import { type BackupMeasurements, startBackupRun, withDeadline } from './backup-result.ts';
import type { BackupEvaluation, BackupRules } from './evaluate.ts';
import { checkS3Backups } from './s3-check.ts';

/** The s3 source of a backup monitor. */
export type S3BackupSource = Extract<BackupSource, { kind: 's3' }>;

const HOUR_MS = 3_600_000;

/** The monitor's file rules as the evaluator's {@link BackupRules}. */
export function s3BackupRules(monitor: BackupMonitor, source: S3BackupSource): BackupRules {
  return {
    ...(source.pattern !== undefined && { pattern: source.pattern }),
    maxAgeMs: monitor.maxAgeHours * HOUR_MS,
    minSizeBytes: source.minSizeBytes,
    ...(source.minCount !== undefined && { minCount: source.minCount }),
    ...(source.maxSizeDropPercent !== undefined && { maxSizeDropPercent: source.maxSizeDropPercent }),
  };
}

/**
 * What a verdict measured: BackupCount always (0 is news), the newest valid backup's age and size
 * when there is one. Nothing when S3 could not be read: an unread bucket has no count.
 */
function measurementsOf(verdict: BackupEvaluation): BackupMeasurements {
  const m: BackupMeasurements = { BackupCount: verdict.count };
  if (verdict.newest) {
    // Within the evaluator's future-skew allowance a backup can be dated a little ahead: that is
    // "just taken", not a negative age on a graph.
    m.BackupAgeSeconds = Math.max(0, Math.round(verdict.newest.ageMs / 1000));
    m.BackupSizeBytes = verdict.newest.size;
  }
  return m;
}

/**
 * Checks the newest backup under `s3://bucket/prefix` against the monitor's rules and maxAgeHours.
 * Never throws; returns within the monitor's check deadline (the listing and ranged reads are aborted).
 */
export async function checkS3Backup(
  monitor: BackupMonitor,
  source: S3BackupSource,
  deps: CheckDeps,
): Promise<CheckResult> {
  const run = startBackupRun(monitor, deps);
  const where = `s3://${source.bucket}/${source.prefix}`;
  const deadlineMs = checkDeadlineMs(monitor);
  try {
    return await withDeadline(
      deadlineMs,
      async (abortSignal) => {
        const verdict = await checkS3Backups(
          await deps.aws.s3(),
          {
            bucket: source.bucket,
            prefix: source.prefix,
            rules: s3BackupRules(monitor, source),
            verifyGzip: source.verifyGzip,
            abortSignal,
          },
          run.now,
        );
        if (!('count' in verdict)) return run.fail(verdict.reason, verdict.detail);
        return verdict.ok
          ? run.pass(verdict.detail, measurementsOf(verdict))
          : run.fail(verdict.reason, verdict.detail, measurementsOf(verdict));
      },
      () => run.fail('timeout', `reading ${where} took longer than ${deadlineMs} ms`),
    );
  } catch (error) {
    // An invalid pattern in a hand-built monitor (the config schema rejects it) or a bug: still a result.
    const message = error instanceof Error ? error.message : String(error);
    return run.fail('aws_error', `checking ${where} failed: ${message}`);
  }
}
