import type { AutomationDocument, AutomationStep } from '../../ssm/automation.ts';
import { DRILL_TAG_KEY } from '../model.ts';
import { shellQuote } from '../restore-script.ts';
import { readDrillScript } from '../scripts/index.ts';
import {
  DRILL_PARAMETER,
  exportEnvironmentLines,
  FAIL_STEP,
  factsOnlyLines,
  INSTANCE_PATTERN,
  judgeStep,
  loadEnvironmentStep,
  verdictStep,
} from './common.ts';
import type { DrillDocumentOptions } from './dump.ts';

/** The verification script run on the verify host against the scratch instance. */
export const RDS_VERIFY_SCRIPT: string = readDrillScript(new URL('./rds-verify.sh', import.meta.url));

/** The scratch instance of a drill, as the document names it. */
export const SCRATCH_INSTANCE = 'vigil-drill-{{ Drill }}';
/** Prefix of every scratch instance: the only instances a drill role may modify or delete. */
export const SCRATCH_INSTANCE_PREFIX = 'vigil-drill-';

/** Longest a restore may take before the wait gives up: the config's largest RTO (12 h). */
export const MAX_WAIT_AVAILABLE_SECONDS = 720 * 60;

/**
 * Waits until the scratch instance is gone: DescribeDBInstances cannot say "deleted" (it fails
 * once the instance is gone), so the wait reads the instance's own deletion event.
 */
function waitDeleted(name: string, onFailure?: string): AutomationStep {
  return {
    name,
    action: 'aws:waitForAwsResourceProperty',
    description: 'Wait until RDS reports the scratch instance deleted.',
    inputs: {
      Service: 'rds',
      Api: 'DescribeEvents',
      SourceType: 'db-instance',
      SourceIdentifier: SCRATCH_INSTANCE,
      EventCategories: ['deletion'],
      Duration: 60,
      PropertySelector: '$.Events[0].Message',
      DesiredValues: ['DB instance deleted'],
    },
    timeoutSeconds: 3600,
    ...(onFailure !== undefined && { onFailure }),
  };
}

function deleteScratch(name: string, onFailure: string): AutomationStep {
  return {
    name,
    action: 'aws:executeAwsApi',
    description: 'Delete the scratch instance: no final snapshot, no automated backups kept.',
    inputs: {
      Service: 'rds',
      Api: 'DeleteDBInstance',
      DBInstanceIdentifier: SCRATCH_INSTANCE,
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    },
    timeoutSeconds: 120,
    maxAttempts: 3,
    onFailure,
  };
}

const CLEANUP = 'step:DeleteScratchAfterFailure';

/** The document of an RDS snapshot drill. */
export function rdsSnapshotDrillDocument(options: DrillDocumentOptions): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description:
      'Vigil DR drill (rds-snapshot): restores the newest available snapshot into a private scratch instance tagged vigil:drill=true, verifies it from the verify host, and deletes it whatever happened.',
    assumeRole: options.assumeRoleArn,
    parameters: {
      Drill: DRILL_PARAMETER,
      SourceInstance: {
        type: 'String',
        description: 'The production instance whose newest snapshot is drilled (never modified).',
        allowedPattern: '^[a-zA-Z][a-zA-Z0-9-]{0,62}$',
      },
      InstanceClass: {
        type: 'String',
        description: 'Class of the scratch instance.',
        default: 'db.t4g.micro',
        allowedPattern: '^db\\.[a-z0-9]+\\.[a-z0-9]+$',
      },
      SubnetGroup: {
        type: 'String',
        description: 'DB subnet group of the scratch instance (private subnets).',
        allowedPattern: '^[a-zA-Z0-9 ._-]{1,255}$',
      },
      SecurityGroups: {
        type: 'StringList',
        description: 'VPC security groups of the scratch instance; they let the verify host reach it.',
        allowedPattern: '^sg-[0-9a-f]{8,17}$',
      },
      VerifyInstance: {
        type: 'String',
        description: 'The managed instance that finds the snapshot and runs the verification queries.',
        allowedPattern: INSTANCE_PATTERN,
      },
    },
    mainSteps: [
      loadEnvironmentStep(options.project),
      {
        name: 'FindSnapshot',
        action: 'aws:runCommand',
        description:
          'The newest available automated snapshot of the source instance (Automation cannot sort; the AWS CLI can); the role may restore only those.',
        inputs: {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['{{ VerifyInstance }}'],
          Parameters: {
            commands: [
              'vigil_err=$(mktemp) || exit 2',
              'vigil_snapshot=$(aws rds describe-db-snapshots --db-instance-identifier \'{{ SourceInstance }}\' --snapshot-type automated --query \'reverse(sort_by(DBSnapshots[?Status==`available`],&SnapshotCreateTime))[0].DBSnapshotIdentifier\' --output text 2> "$vigil_err") || { cat "$vigil_err" >&2; exit 1; }',
              'rm -f "$vigil_err"',
              'case "$vigil_snapshot" in',
              "  '' | None) echo 'no available snapshot of {{ SourceInstance }}' >&2; exit 1 ;;",
              'esac',
              // No newline: the output is the identifier RestoreScratch restores, exactly.
              'printf \'%s\' "$vigil_snapshot"',
            ],
            executionTimeout: '120',
          },
        },
        timeoutSeconds: 180,
      },
      {
        name: 'RestoreScratch',
        action: 'aws:executeAwsApi',
        description: 'Restore the snapshot into a private, single-AZ scratch instance tagged as a drill.',
        inputs: {
          Service: 'rds',
          Api: 'RestoreDBInstanceFromDBSnapshot',
          DBInstanceIdentifier: SCRATCH_INSTANCE,
          DBSnapshotIdentifier: '{{ FindSnapshot.Output }}',
          DBInstanceClass: '{{ InstanceClass }}',
          DBSubnetGroupName: '{{ SubnetGroup }}',
          VpcSecurityGroupIds: ['{{ SecurityGroups }}'],
          PubliclyAccessible: false,
          MultiAZ: false,
          DeletionProtection: false,
          AutoMinorVersionUpgrade: false,
          CopyTagsToSnapshot: false,
          Tags: [
            { Key: DRILL_TAG_KEY, Value: 'true' },
            { Key: 'vigil:drill-name', Value: '{{ Drill }}' },
          ],
        },
        timeoutSeconds: 120,
        onFailure: CLEANUP,
      },
      {
        name: 'WaitAvailable',
        action: 'aws:waitForAwsResourceProperty',
        description: 'Wait for the scratch instance (the judge holds the time against the RTO).',
        inputs: {
          Service: 'rds',
          Api: 'DescribeDBInstances',
          DBInstanceIdentifier: SCRATCH_INSTANCE,
          PropertySelector: '$.DBInstances[0].DBInstanceStatus',
          DesiredValues: ['available'],
        },
        timeoutSeconds: MAX_WAIT_AVAILABLE_SECONDS,
        onFailure: CLEANUP,
      },
      {
        name: 'DescribeScratch',
        action: 'aws:executeAwsApi',
        description: "The scratch instance's endpoint and creation time.",
        inputs: { Service: 'rds', Api: 'DescribeDBInstances', DBInstanceIdentifier: SCRATCH_INSTANCE },
        outputs: [
          { Name: 'Endpoint', Selector: '$.DBInstances[0].Endpoint.Address', Type: 'String' },
          { Name: 'Port', Selector: '$.DBInstances[0].Endpoint.Port', Type: 'Integer' },
          { Name: 'CreatedAt', Selector: '$.DBInstances[0].InstanceCreateTime', Type: 'String' },
        ],
        timeoutSeconds: 60,
        onFailure: CLEANUP,
      },
      {
        name: 'VerifyQueries',
        action: 'aws:runCommand',
        description: "Run the config's queries against the scratch instance (rds-verify.sh).",
        inputs: {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['{{ VerifyInstance }}'],
          Parameters: {
            commands: [
              ...exportEnvironmentLines(),
              "export VIGIL_PGHOST='{{ DescribeScratch.Endpoint }}' VIGIL_PGPORT='{{ DescribeScratch.Port }}'",
              `export VIGIL_SCRATCH='${SCRATCH_INSTANCE}' VIGIL_STARTED_AT='{{ DescribeScratch.CreatedAt }}'`,
              ...factsOnlyLines(`bash -c ${shellQuote(RDS_VERIFY_SCRIPT)} rds-verify.sh`),
            ].flatMap((line) => line.split('\n')),
            executionTimeout: '1800',
          },
        },
        timeoutSeconds: 1900,
        onFailure: CLEANUP,
      },
      judgeStep(options.drillFunctionName, 'VerifyQueries', CLEANUP),
      verdictStep('DeleteScratchAfterFailure', 'DeleteScratch'),
      deleteScratch('DeleteScratch', `step:${FAIL_STEP.name}`),
      { ...waitDeleted('WaitDeleted', `step:${FAIL_STEP.name}`), isEnd: true },
      // A restore call that failed may have created nothing: the delete then fails, and the
      // execution fails anyway.
      deleteScratch('DeleteScratchAfterFailure', `step:${FAIL_STEP.name}`),
      waitDeleted('WaitDeletedAfterFailure', `step:${FAIL_STEP.name}`),
      FAIL_STEP,
    ],
  };
}
