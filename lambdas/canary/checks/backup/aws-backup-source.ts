/**
 * AWS Backup as a backup source: the newest finished recovery point of one resource in one vault
 * must be younger than the monitor's maxAgeHours.
 *
 * One API, ListRecoveryPointsByBackupVault, with BackupVaultName and ByResourceArn, following
 * NextToken. It has no status filter (ByResourceArn, ByResourceType, ByBackupPlanId,
 * ByCreatedBefore/After and ByParentRecoveryPointArn are all it offers), so statuses are judged here:
 * - counted: `COMPLETED`, and `AVAILABLE`, which AWS Backup documents as "the backup was successfully
 *   created ... ready for use" (newer resource types report it instead of COMPLETED; treating it as
 *   missing would page for a good backup);
 * - ignored, and tallied in the detail: `CREATING` (not restorable yet), `PARTIAL` (a composite point
 *   missing nested points, or a job cut off by its backup window), `EXPIRED` (past retention, not
 *   deleted), `DELETING`, `STOPPED` (continuous backup disabled), and any status added later.
 * No ByCreatedAfter either: it would shorten the listing, but then a stale resource would read as
 * "no recovery point" instead of "the newest is 30 h old", and BackupCount would lose its meaning.
 *
 * Aged by CompletionDate (when the point became restorable), falling back to CreationDate. Aged by
 * CreationDate, a daily backup that takes two hours would be 26 h old just before the next one
 * completes, and a 24 h RPO would page every day. BackupSizeInBytes becomes BackupSizeBytes.
 */
import type { BackupMonitor, BackupSource } from '../../../../lib/config/resolve.ts';
import { checkDeadlineMs } from '../../../../lib/monitors/monitor-traits.ts';
import type { CheckDeps } from '../index.ts';
import type { CheckResult } from '../result.ts';
import { classifyAwsError, describeAwsError, startBackupRun, withDeadline } from './backup-result.ts';
import { judgeRecoveryPoints, type RecoveryPoint } from './recovery-points.ts';

/** The awsBackup source of a backup monitor. */
export type AwsBackupSource = Extract<BackupSource, { kind: 'awsBackup' }>;

/** Recovery point statuses that mean "restorable now". */
export const USABLE_RECOVERY_POINT_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'AVAILABLE']);

const HOUR_MS = 3_600_000;
// ListRecoveryPointsByBackupVault answers ResourceNotFoundException when the vault does not exist.
const NOT_FOUND = new Set(['ResourceNotFoundException']);

/**
 * Checks the newest COMPLETED (or AVAILABLE) recovery point of `source.resourceArn` in
 * `source.vault` against `monitor.maxAgeHours`. Never throws; returns within the check deadline.
 */
export async function checkAwsBackup(
  monitor: BackupMonitor,
  source: AwsBackupSource,
  deps: CheckDeps,
): Promise<CheckResult> {
  const run = startBackupRun(monitor, deps);
  const what = `recovery points of ${source.resourceArn} in backup vault ${source.vault}`;
  const deadlineMs = checkDeadlineMs(monitor);
  try {
    return await withDeadline(
      deadlineMs,
      async (abortSignal) => {
        const points: RecoveryPoint[] = [];
        try {
          const { sdk, client } = await deps.aws.backup();
          let token: string | undefined;
          do {
            const page = await client.send(
              new sdk.ListRecoveryPointsByBackupVaultCommand({
                BackupVaultName: source.vault,
                ByResourceArn: source.resourceArn,
                ...(token !== undefined && { NextToken: token }),
              }),
              { abortSignal },
            );
            for (const p of page.RecoveryPoints ?? []) {
              const taken = p.CompletionDate ?? p.CreationDate;
              points.push({
                id: p.RecoveryPointArn ?? '(recovery point without an ARN)',
                status: p.Status ?? 'unknown',
                ...(taken !== undefined && { takenAt: taken.getTime() }),
                ...(p.BackupSizeInBytes !== undefined && { sizeBytes: p.BackupSizeInBytes }),
              });
            }
            token = page.NextToken;
          } while (token !== undefined && token !== '');
        } catch (error) {
          const { name, message } = describeAwsError(error);
          if (NOT_FOUND.has(name)) {
            return run.fail('not_found', `backup vault ${source.vault} does not exist (${name}: ${message})`);
          }
          const failure = classifyAwsError(error, what, NOT_FOUND);
          return run.fail(failure.reason, failure.detail);
        }
        const verdict = judgeRecoveryPoints(
          points,
          {
            usable: USABLE_RECOVERY_POINT_STATUSES,
            usableLabel: 'completed',
            maxAgeMs: monitor.maxAgeHours * HOUR_MS,
            noun: 'recovery point',
            of: `${source.resourceArn} in vault ${source.vault}`,
          },
          run.now,
        );
        return verdict.ok
          ? run.pass(verdict.detail, verdict.measurements)
          : run.fail(verdict.reason, verdict.detail, verdict.measurements);
      },
      () => run.fail('timeout', `reading the ${what} took longer than ${deadlineMs} ms`),
    );
  } catch (error) {
    // Only a bug here can land in this catch (every SDK call is classified); it is still a result.
    return run.fail('aws_error', `checking the ${what} failed: ${String(error)}`);
  }
}
