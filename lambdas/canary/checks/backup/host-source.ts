/**
 * Backups that live only on a host: runbook madef-home-care §3's `ls -lht /opt/madef/backups/madef_*.sql.gz`,
 * made by the listing script (host-listing.sh) over SSM Run Command on the backup host, then judged
 * by `evaluateBackups`: newest valid dump younger than maxAgeHours, not empty, `gzip -t` clean, enough
 * of them kept. No agent of ours on the host (DESIGN decision 0).
 */
import type { BackupMonitor, BackupSource } from '../../../../lib/config/resolve.ts';
import { HOST_LISTING_DEADLINE_MS } from '../../../../lib/monitors/monitor-traits.ts';
import { type CommandCheckDeps, DEADLINE_RESERVE_MS, outputTail } from '../command-check.ts';
import type { CheckDeps } from '../index.ts';
import type { CheckResult, ReasonCode } from '../result.ts';
import { type InvocationOutcome, runCommand, stripTruncationMarkers } from '../run-command.ts';
import { type BackupMeasurements, startBackupRun } from './backup-result.ts';
import type { BackupRules } from './evaluate.ts';
import { buildHostListingCommand, checkHostListing } from './host-listing.ts';
import { namePatternToGlob, validateNamePattern } from './name-pattern.ts';

/** A backup monitor's host source. */
export type HostBackupSource = Extract<BackupSource, { kind: 'host' }>;

/**
 * The listing script's `executionTimeout` on the host. `gzip -t` reads every dump whole (at nice 19),
 * so a big directory takes a while; 45 s leaves room for delivery and polling inside the 60 s
 * deadline of a host listing (`HOST_LISTING_DEADLINE_MS`).
 */
export const HOST_LISTING_EXECUTION_TIMEOUT_SECONDS = 45;

/** The shell glob that narrows the listing: the pattern's (`madef_*_*.sql.gz`), or every file. */
export function hostListingGlob(source: HostBackupSource): string {
  return source.pattern === undefined ? '*' : namePatternToGlob(source.pattern);
}

/** What `evaluateBackups` judges the listing by. */
export function hostBackupRules(monitor: BackupMonitor, source: HostBackupSource): BackupRules {
  return {
    ...(source.pattern !== undefined && { pattern: source.pattern }),
    maxAgeMs: monitor.maxAgeHours * 3_600_000,
    minSizeBytes: source.minSizeBytes,
    ...(source.minCount !== undefined && { minCount: source.minCount }),
    ...(source.maxSizeDropPercent !== undefined && { maxSizeDropPercent: source.maxSizeDropPercent }),
  };
}

/** Why the listing itself gave no verdict, for an outcome that is not an exit of the script. */
function runFailure(
  inv: InvocationOutcome,
  where: string,
): { reason: ReasonCode; detail: string } | undefined {
  switch (inv.outcome) {
    case 'timed_out':
      return {
        reason: 'command_timeout',
        detail:
          `listing ${where} did not finish within ${HOST_LISTING_EXECUTION_TIMEOUT_SECONDS} s` +
          `${inv.by === 'deadline' ? ' (still running at the deadline)' : ''}: gzip -t of every dump takes too long; ` +
          'narrow the pattern, or set verifyGzip: false',
      };
    case 'not_connected':
      return { reason: 'instance_not_connected', detail: inv.detail };
    case 'access_denied':
      return { reason: 'access_denied', detail: inv.detail };
    case 'aws_error':
      return { reason: 'aws_error', detail: inv.detail };
    case 'success':
    case 'failed':
      return undefined;
  }
}

/**
 * Lists `source.directory` on `source.instance` over Run Command and judges the backups found, aged
 * against the check's start (as every backup source does). Measurements: BackupAgeSeconds and
 * BackupSizeBytes of the newest valid backup (when there is one) and BackupCount of valid backups.
 * Never throws.
 */
export async function checkHostBackup(
  monitor: BackupMonitor,
  source: HostBackupSource,
  deps: CheckDeps & Pick<CommandCheckDeps, 'sleep'>,
): Promise<CheckResult> {
  const run = startBackupRun(monitor, deps);
  const where = `${source.instance}:${source.directory}`;
  try {
    // The config schema rejects a bad pattern; a hand-built monitor still gets a result, not a throw.
    const patternProblem = source.pattern === undefined ? undefined : validateNamePattern(source.pattern);
    if (patternProblem !== undefined) {
      return run.fail(
        'backup_missing',
        `pattern ${JSON.stringify(source.pattern)} cannot match a backup: ${patternProblem}`,
      );
    }
    let ssm: Awaited<ReturnType<CheckDeps['aws']['ssm']>>;
    try {
      ssm = await deps.aws.ssm();
    } catch (error) {
      return run.fail(
        'aws_error',
        `could not load the SSM client: ${(error as Error)?.message ?? String(error)}`,
      );
    }
    const listing = await runCommand(
      ssm,
      {
        targets: { instances: [source.instance] },
        script: buildHostListingCommand(source.directory, hostListingGlob(source), {
          gzipTest: source.verifyGzip ? 'all' : 'none',
        }),
        executionTimeoutSeconds: HOST_LISTING_EXECUTION_TIMEOUT_SECONDS,
        comment: `Vigil backup listing ${monitor.name}`,
        deadlineMs: HOST_LISTING_DEADLINE_MS - DEADLINE_RESERVE_MS,
      },
      { ...(deps.now && { now: deps.now }), ...(deps.sleep && { sleep: deps.sleep }) },
    );
    if (!listing.sent) return run.fail(listing.reason, listing.detail);
    const inv = listing.invocations[0];
    if (inv === undefined)
      return run.fail('aws_error', `Run Command returned no invocation for ${source.instance}`);
    const problem = runFailure(inv, where);
    if (problem) return run.fail(problem.reason, problem.detail);
    if (inv.outcome !== 'success' && inv.outcome !== 'failed') {
      return run.fail('aws_error', `unexpected Run Command outcome ${inv.outcome} on ${source.instance}`);
    }

    // Without SSM's marker, a cut-off listing reads as what it is: no `end` line.
    const verdict = checkHostListing(
      stripTruncationMarkers(inv.stdout),
      hostBackupRules(monitor, source),
      run.now,
    );
    if (!verdict.ok && (verdict.reason === 'not_found' || verdict.reason === 'access_denied')) {
      return run.fail(verdict.reason, `${source.instance}: ${verdict.detail}`);
    }
    if (!verdict.ok && verdict.reason === 'bad_output') {
      // Not the script's output, or cut short: the run itself is what failed.
      if (inv.stdoutTruncated) return run.fail('command_failed', `listing ${where}: ${verdict.detail}`);
      const how = inv.outcome === 'failed' && inv.exitCode !== undefined ? `exit ${inv.exitCode}` : 'exit 0';
      const tail = outputTail(inv.stdout, inv.stderr, 300);
      return run.fail(
        'command_failed',
        `listing ${where}: ${verdict.detail} (${how}${tail ? `; output ends: ${tail}` : ''})`,
      );
    }
    const evaluation = verdict as Exclude<
      typeof verdict,
      { reason: 'not_found' | 'access_denied' | 'bad_output' }
    >;
    const measurements: BackupMeasurements = { BackupCount: evaluation.count };
    if (evaluation.newest) {
      measurements.BackupAgeSeconds = Math.round(evaluation.newest.ageMs / 1000);
      measurements.BackupSizeBytes = evaluation.newest.size;
    }
    const detail = `${source.instance}:${evaluation.detail}`;
    return evaluation.ok ? run.pass(detail, measurements) : run.fail(evaluation.reason, detail, measurements);
  } catch (error) {
    // Everything above is typed to not throw; this guards the glue, because a canary must not crash.
    return run.fail(
      'aws_error',
      `host backup check failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}
