/**
 * RDS snapshots as a backup source: the newest `available` snapshot of a DB instance
 * (DescribeDBSnapshots) or an Aurora cluster (DescribeDBClusterSnapshots) must be younger than the
 * monitor's maxAgeHours. Automates the RDS-snapshot half of DESIGN decision 5 ("restore of the newest
 * ... RDS snapshot"): a restore is only as recent as the newest snapshot that can be restored.
 *
 * What counts:
 * - automated AND manual snapshots: the request sets no SnapshotType, which RDS documents as "both
 *   automated and manual"; shared and public snapshots (IncludeShared/IncludePublic unset) and
 *   AWS Backup's `awsbackup` snapshots are left out (watch those with an `awsBackup` source);
 * - only Status `available`: `creating` and `copying` snapshots cannot be restored yet;
 * - aged by OriginalSnapshotCreateTime when RDS gives it, else SnapshotCreateTime: a copy of an old
 *   snapshot gets a fresh SnapshotCreateTime, but its data is as old as the original.
 *
 * BackupSizeBytes is FullSnapshotSizeInBytes (the blocks written to the volume when the snapshot was
 * taken) when RDS reports it. AllocatedStorage is NOT used: it is the provisioned volume size, the
 * same every day whatever the snapshot holds, so as a metric it would cost money and say nothing.
 *
 * RDS answers DescribeDBSnapshots for an identifier that does not exist with an empty list, not an
 * error. So when nothing at all is listed, one DescribeDBInstances (DescribeDBClusters) call tells
 * "the instance does not exist" (`not_found`, a config or deployment problem) from "it has no
 * snapshot" (`backup_missing`). If that extra read is denied, the check reports `backup_missing`.
 */
import type { BackupMonitor, BackupSource } from '../../../../lib/config/resolve.ts';
import { checkDeadlineMs } from '../../../../lib/monitors/monitor-traits.ts';
import type { CheckDeps } from '../index.ts';
import type { CheckResult } from '../result.ts';
import { classifyAwsError, describeAwsError, startBackupRun, withDeadline } from './backup-result.ts';
import { judgeRecoveryPoints, type RecoveryPoint } from './recovery-points.ts';

/** The rds source of a backup monitor. */
export type RdsBackupSource = Extract<BackupSource, { kind: 'rds' }>;

const HOUR_MS = 3_600_000;
/** RDS reports these when the identifier names nothing (from Describe*, or the existence probe). */
const NOT_FOUND = new Set([
  'DBInstanceNotFoundFault',
  'DBInstanceNotFound',
  'DBClusterNotFoundFault',
  'DBClusterNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
]);
const USABLE = new Set(['available']);

type Listing = { readonly ok: true; readonly points: RecoveryPoint[] } | ReturnType<typeof classifyAwsError>;

/**
 * Checks the newest available RDS snapshot of `source.instance` (or `source.cluster`) against
 * `monitor.maxAgeHours`. Never throws; returns within the monitor's check deadline.
 */
export async function checkRdsBackup(
  monitor: BackupMonitor,
  source: RdsBackupSource,
  deps: CheckDeps,
): Promise<CheckResult> {
  const run = startBackupRun(monitor, deps);
  const target =
    source.instance !== undefined
      ? ({ kind: 'instance', id: source.instance } as const)
      : source.cluster !== undefined
        ? ({ kind: 'cluster', id: source.cluster } as const)
        : undefined;
  if (target === undefined) {
    return run.fail('not_found', 'the rds source names neither an instance nor a cluster');
  }
  const of = `${target.kind} ${target.id}`;
  const deadlineMs = checkDeadlineMs(monitor);
  try {
    return await withDeadline(
      deadlineMs,
      async (abortSignal) => {
        const listing = await listSnapshots(deps, target, abortSignal);
        if (!('points' in listing)) return run.fail(listing.reason, listing.detail);
        const verdict = judgeRecoveryPoints(
          listing.points,
          {
            usable: USABLE,
            usableLabel: 'available',
            maxAgeMs: monitor.maxAgeHours * HOUR_MS,
            noun: 'snapshot',
            of,
          },
          run.now,
        );
        if (verdict.ok) return run.pass(verdict.detail, verdict.measurements);
        if (listing.points.length === 0) {
          const missing = await probeMissing(deps, target, abortSignal);
          if (missing !== undefined) return run.fail('not_found', missing);
        }
        return run.fail(verdict.reason, verdict.detail, verdict.measurements);
      },
      () => run.fail('timeout', `reading the snapshots of ${of} took longer than ${deadlineMs} ms`),
    );
  } catch (error) {
    // Only a bug here can land in this catch (every SDK call is classified); it is still a result.
    return run.fail('aws_error', `checking the snapshots of ${of} failed: ${String(error)}`);
  }
}

/** Every snapshot of the instance or cluster, all pages (Marker). */
async function listSnapshots(
  deps: CheckDeps,
  target: { readonly kind: 'instance' | 'cluster'; readonly id: string },
  abortSignal: AbortSignal,
): Promise<Listing> {
  const what = `the snapshots of ${target.kind} ${target.id}`;
  const points: RecoveryPoint[] = [];
  try {
    const { sdk, client } = await deps.aws.rds();
    let marker: string | undefined;
    do {
      if (target.kind === 'instance') {
        const page = await client.send(
          new sdk.DescribeDBSnapshotsCommand({
            DBInstanceIdentifier: target.id,
            ...(marker !== undefined && { Marker: marker }),
          }),
          { abortSignal },
        );
        for (const s of page.DBSnapshots ?? []) {
          const taken = s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime;
          points.push({
            id: s.DBSnapshotIdentifier ?? s.DBSnapshotArn ?? '(unnamed snapshot)',
            status: s.Status ?? 'unknown',
            ...(taken !== undefined && { takenAt: taken.getTime() }),
            ...(s.FullSnapshotSizeInBytes !== undefined && { sizeBytes: s.FullSnapshotSizeInBytes }),
            ...(s.SnapshotType !== undefined && { type: s.SnapshotType }),
          });
        }
        marker = page.Marker;
      } else {
        const page = await client.send(
          new sdk.DescribeDBClusterSnapshotsCommand({
            DBClusterIdentifier: target.id,
            ...(marker !== undefined && { Marker: marker }),
          }),
          { abortSignal },
        );
        for (const s of page.DBClusterSnapshots ?? []) {
          points.push({
            id: s.DBClusterSnapshotIdentifier ?? s.DBClusterSnapshotArn ?? '(unnamed snapshot)',
            status: s.Status ?? 'unknown',
            ...(s.SnapshotCreateTime !== undefined && { takenAt: s.SnapshotCreateTime.getTime() }),
            ...(s.SnapshotType !== undefined && { type: s.SnapshotType }),
          });
        }
        marker = page.Marker;
      }
      // An empty marker is the last page too.
    } while (marker !== undefined && marker !== '');
  } catch (error) {
    return classifyAwsError(error, what, NOT_FOUND);
  }
  return { ok: true, points };
}

/**
 * When nothing at all was listed: does the instance (cluster) exist? Returns the not-found detail when
 * RDS says it does not, else undefined (it exists, or the probe could not tell: keep backup_missing).
 */
async function probeMissing(
  deps: CheckDeps,
  target: { readonly kind: 'instance' | 'cluster'; readonly id: string },
  abortSignal: AbortSignal,
): Promise<string | undefined> {
  try {
    const { sdk, client } = await deps.aws.rds();
    if (target.kind === 'instance') {
      await client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: target.id }), {
        abortSignal,
      });
    } else {
      await client.send(new sdk.DescribeDBClustersCommand({ DBClusterIdentifier: target.id }), {
        abortSignal,
      });
    }
    return undefined;
  } catch (error) {
    const { name } = describeAwsError(error);
    return NOT_FOUND.has(name)
      ? `${target.kind} ${target.id} does not exist (${name}); no snapshot listed`
      : undefined;
  }
}
