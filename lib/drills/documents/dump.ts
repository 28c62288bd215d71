/**
 * The dump drill documents (S3 dump and host dump): on the host, over Run Command, the restore
 * script restores the newest dump into a scratch database, verifies it and drops it
 * (lib/drills/scripts/restore-dump.sh); the drill function judges what it measured; any failure
 * drops every leftover `vigil_drill_%` database on that host (the script's own trap is the first
 * line of defence), then fails the execution.
 *
 *   LoadEnvironment → Restore → VerifyRestore → Verdict ─ok→ (end: Success)
 *                        │            │           └─not ok─┐
 *                        └─ failure ──┴────────────────────→ Cleanup → FailDrill (Failed)
 */
import type { AutomationDocument } from '../../ssm/automation.ts';
import { RESTORE_SCRIPT, shellQuote } from '../restore-script.ts';
import {
  DRILL_PARAMETER,
  exportEnvironmentLines,
  FAIL_STEP,
  factsOnlyLines,
  INSTANCE_PATTERN,
  judgeStep,
  loadEnvironmentStep,
  MAX_RESTORE_SECONDS,
  verdictStep,
} from './common.ts';

/** What every drill document is built from. */
export interface DrillDocumentOptions {
  /** The project: names the Parameter Store path of the drills' environments. */
  readonly project: string;
  /** The role the document runs as (its own, limited to the drill's resources). */
  readonly assumeRoleArn: string;
  /** The drill function (`op: 'judge'`). */
  readonly drillFunctionName: string;
}

/**
 * The cleanup's shell lines: drop every database named `vigil_drill_…` (and only those), after
 * ending the sessions on it. PostgreSQL before 13 has no `DROP DATABASE … WITH (FORCE)`.
 */
export const DROP_LEFTOVERS_LINES: readonly string[] = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'vigil_maint=${VIGIL_MAINTENANCE_DB:-postgres}',
  `vigil_dbs=$($VIGIL_PSQL -X -At -d "$vigil_maint" -c "SELECT datname FROM pg_database WHERE datname LIKE 'vigil\\_drill\\_%'") || exit 1`,
  'vigil_rc=0',
  'for vigil_db in $vigil_dbs; do',
  '  case "$vigil_db" in',
  '    *[!a-z0-9_]*) continue ;;',
  '    vigil_drill_*) ;;',
  '    *) continue ;;',
  '  esac',
  '  echo "dropping leftover scratch database $vigil_db"',
  `  $VIGIL_PSQL -X -q -d "$vigil_maint" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$vigil_db'" > /dev/null`,
  '  $VIGIL_PSQL -X -q -v ON_ERROR_STOP=1 -d "$vigil_maint" -c "DROP DATABASE IF EXISTS \\"$vigil_db\\"" || vigil_rc=1',
  'done',
  'exit "$vigil_rc"',
];

/** The document of an S3 dump or host dump drill. */
export function dumpDrillDocument(
  kind: 's3-dump' | 'host-dump',
  options: DrillDocumentOptions,
): AutomationDocument {
  const where =
    kind === 's3-dump'
      ? 'downloads the newest dump from S3 on the drill host'
      : 'takes the newest dump in the backup directory on its host';
  return {
    schemaVersion: '0.3',
    description: `Vigil DR drill (${kind}): ${where}, restores it into a scratch vigil_drill_ database, verifies and drops it; any failure drops leftover scratch databases and fails.`,
    assumeRole: options.assumeRoleArn,
    parameters: {
      Drill: DRILL_PARAMETER,
      InstanceId: {
        type: 'String',
        description: kind === 's3-dump' ? 'The drill host.' : 'The host that keeps the dumps.',
        allowedPattern: INSTANCE_PATTERN,
      },
      ExecutionTimeout: {
        type: 'String',
        description:
          "Seconds Run Command gives the restore: the script's own deadline (2 x RTO) plus 5 minutes to clean up.",
        allowedPattern: '^[0-9]{2,6}$',
      },
    },
    mainSteps: [
      loadEnvironmentStep(options.project),
      {
        name: 'Restore',
        action: 'aws:runCommand',
        description: 'Restore the newest dump into the scratch database, verify, drop it (restore-dump.sh).',
        inputs: {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['{{ InstanceId }}'],
          Parameters: {
            commands: [
              ...exportEnvironmentLines(),
              ...factsOnlyLines(`bash -c ${shellQuote(RESTORE_SCRIPT)} restore-dump.sh`),
            ].flatMap((line) => line.split('\n')),
            executionTimeout: '{{ ExecutionTimeout }}',
          },
        },
        timeoutSeconds: MAX_RESTORE_SECONDS,
        onFailure: 'step:Cleanup',
      },
      judgeStep(options.drillFunctionName, 'Restore', 'step:Cleanup'),
      verdictStep('Cleanup'),
      {
        name: 'Cleanup',
        action: 'aws:runCommand',
        description: 'Drop every leftover vigil_drill_ database on the host.',
        inputs: {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['{{ InstanceId }}'],
          Parameters: {
            commands: [...exportEnvironmentLines(), ...DROP_LEFTOVERS_LINES],
            executionTimeout: '600',
          },
        },
        timeoutSeconds: 900,
        onFailure: `step:${FAIL_STEP.name}`,
      },
      FAIL_STEP,
    ],
  };
}
