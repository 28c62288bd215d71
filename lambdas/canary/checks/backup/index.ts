/**
 * The backup check: one entry point for every place a backup can live. Each source answers the same
 * question ("is the newest restorable backup younger than maxAgeHours, the RPO?") with the same
 * reason codes and measurements (BackupAgeSeconds, BackupSizeBytes, BackupCount), so the alarm and
 * the page read the same whatever the source.
 */
import type { BackupMonitor } from '../../../../lib/config/resolve.ts';
import type { CommandCheckDeps } from '../command-check.ts';
import type { CheckDeps } from '../index.ts';
import type { CheckResult } from '../result.ts';
import { checkAwsBackup } from './aws-backup-source.ts';
import { startBackupRun } from './backup-result.ts';
import { checkEndpointBackup } from './endpoint-source.ts';
import { checkHostBackup } from './host-source.ts';
import { checkRdsBackup } from './rds-source.ts';
import { checkS3Backup } from './s3-backup-source.ts';

/** {@link CheckDeps}, plus the Run Command poll wait a host listing uses (tests fake it). */
export type BackupCheckDeps = CheckDeps & Pick<CommandCheckDeps, 'sleep'>;

/**
 * Runs a backup monitor once with the check of its source. Never throws: a source that throws
 * anyway (a bug) becomes an `aws_error` result carrying the message, and a source kind this canary
 * does not know (a payload from a newer config) a failed result naming it.
 */
export async function runBackupCheck(monitor: BackupMonitor, deps: BackupCheckDeps): Promise<CheckResult> {
  const source = monitor.source;
  // Started here so a result built after a throw still carries the time the check took.
  const run = startBackupRun(monitor, deps);
  try {
    switch (source.kind) {
      case 's3':
        return await checkS3Backup(monitor, source, deps);
      case 'rds':
        return await checkRdsBackup(monitor, source, deps);
      case 'awsBackup':
        return await checkAwsBackup(monitor, source, deps);
      case 'host':
        return await checkHostBackup(monitor, source, deps);
      case 'endpoint':
        return await checkEndpointBackup(monitor, source, deps);
      default: {
        const kind = (source as { kind?: unknown }).kind;
        return run.fail(
          'aws_error',
          `backup source ${JSON.stringify(kind)} is not supported by this canary version`,
        );
      }
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return run.fail('aws_error', `the ${source.kind} backup check failed unexpectedly: ${message}`);
  }
}
