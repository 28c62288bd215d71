/**
 * ec2-reboot: reboots the instances, gives the reboot time to take the OS down (RebootInstances
 * returns at once, and the status checks stay ok until the instance actually goes down), then
 * waits until the instance and system status checks are ok again, then verifies.
 *
 * The waits read the first instance of `InstanceIds`: Automation's property selectors pick one
 * value, and a document cannot loop over a list. With several instances the verify steps, which
 * re-run the monitor's own check, are what proves the service is back.
 *
 *   RebootInstances → WaitForShutdown → WaitForInstanceStatus → WaitForSystemStatus → Verify…
 */
import type { AutomationDocument } from '../../ssm/automation.ts';
import { INSTANCE_IDS_PARAMETER, type RemediationDocumentOptions, remediationDocumentOf } from './common.ts';

/** Longest the instance may take to pass its status checks after the reboot. */
export const EC2_STATUS_TIMEOUT_SECONDS = 900;

const DESCRIBE = {
  Service: 'ec2',
  Api: 'DescribeInstanceStatus',
  InstanceIds: '{{ InstanceIds }}',
  IncludeAllInstances: true,
};

/** The ec2-reboot document. */
export function ec2RebootDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description: 'Vigil: reboot EC2 instances, wait for their status checks, then verify health came back.',
    parameters: {
      InstanceIds: {
        ...INSTANCE_IDS_PARAMETER,
        allowedPattern: '^i-[0-9a-f]{8,17}$',
        description: 'The EC2 instances.',
      },
    },
    actionSteps: [
      {
        name: 'RebootInstances',
        action: 'aws:executeAwsApi',
        description: 'Reboot (EC2 hard-reboots an instance that does not shut down within a few minutes).',
        timeoutSeconds: 60,
        inputs: { Service: 'ec2', Api: 'RebootInstances', InstanceIds: '{{ InstanceIds }}' },
      },
      {
        name: 'WaitForShutdown',
        action: 'aws:sleep',
        description: 'Let the reboot take the OS down before reading status checks.',
        timeoutSeconds: 120,
        inputs: { Duration: 'PT60S' },
      },
      {
        name: 'WaitForInstanceStatus',
        action: 'aws:waitForAwsResourceProperty',
        description: 'Wait until the instance status check passes.',
        timeoutSeconds: EC2_STATUS_TIMEOUT_SECONDS,
        inputs: {
          ...DESCRIBE,
          PropertySelector: '$.InstanceStatuses[0].InstanceStatus.Status',
          DesiredValues: ['ok'],
        },
      },
      {
        name: 'WaitForSystemStatus',
        action: 'aws:waitForAwsResourceProperty',
        description: 'Wait until the system status check passes.',
        timeoutSeconds: EC2_STATUS_TIMEOUT_SECONDS,
        inputs: {
          ...DESCRIBE,
          PropertySelector: '$.InstanceStatuses[0].SystemStatus.Status',
          DesiredValues: ['ok'],
        },
      },
    ],
  });
}
