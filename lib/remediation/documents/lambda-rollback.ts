/**
 * lambda-rollback: points an alias back at the version the remediator resolved (the one before
 * the current), with any weighted routing removed so every request goes to that version, then
 * verifies. An alias update takes effect at once: there is nothing to wait for.
 *
 *   RollBackAlias → Verify…
 */
import type { AutomationDocument } from '../../ssm/automation.ts';
import { type RemediationDocumentOptions, remediationDocumentOf } from './common.ts';

/** The lambda-rollback document. */
export function lambdaRollbackDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description: 'Vigil: roll a Lambda alias back to a previous version, then verify health came back.',
    parameters: {
      FunctionName: {
        type: 'String',
        description: 'The function (its name).',
        allowedPattern: '^[A-Za-z0-9_-]{1,64}$',
      },
      Alias: { type: 'String', description: 'The alias to move.', allowedPattern: '^[A-Za-z0-9_-]{1,128}$' },
      FunctionVersion: {
        type: 'String',
        description: 'The published version to point the alias at (resolved by the remediator).',
        allowedPattern: '^[0-9]{1,10}$',
      },
    },
    actionSteps: [
      {
        name: 'RollBackAlias',
        action: 'aws:executeAwsApi',
        description: 'Point the alias at the previous version; drop any canary weights.',
        timeoutSeconds: 60,
        inputs: {
          Service: 'lambda',
          Api: 'UpdateAlias',
          FunctionName: '{{ FunctionName }}',
          Name: '{{ Alias }}',
          FunctionVersion: '{{ FunctionVersion }}',
          // A weighted alias would keep sending part of the traffic to the bad version.
          RoutingConfig: { AdditionalVersionWeights: {} },
        },
      },
    ],
  });
}
