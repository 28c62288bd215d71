/**
 * The remediation documents, one per kind of action (REMEDIATION_ACTIONS), each a pure function of
 * its role, the canary and the webhook function. Targets are parameters, so a config of 1,000
 * monitors adds bindings, never documents.
 */
import type { AutomationDocument } from '../../ssm/automation.ts';
import type { RemediationActionKind } from '../model.ts';
import type { RemediationDocumentOptions } from './common.ts';
import { ec2RebootDocument } from './ec2-reboot.ts';
import { ecsRestartDocument, ecsRollbackDocument } from './ecs.ts';
import {
  composeRestartDocument,
  composeRollbackDocument,
  containerRestartDocument,
  containerRollbackDocument,
} from './host.ts';
import { lambdaRollbackDocument } from './lambda-rollback.ts';
import { webhookDocument } from './webhook.ts';

export type { RemediationDocumentOptions } from './common.ts';

const BUILDERS: Record<RemediationActionKind, (opts: RemediationDocumentOptions) => AutomationDocument> = {
  'ecs-restart': ecsRestartDocument,
  'ecs-rollback': ecsRollbackDocument,
  'lambda-rollback': lambdaRollbackDocument,
  'ec2-reboot': ec2RebootDocument,
  'compose-restart': composeRestartDocument,
  'compose-rollback': composeRollbackDocument,
  'container-restart': containerRestartDocument,
  'container-rollback': containerRollbackDocument,
  webhook: webhookDocument,
};

/** The SSM Automation document of one kind of remediation action. */
export function remediationDocument(
  kind: RemediationActionKind,
  opts: RemediationDocumentOptions,
): AutomationDocument {
  return BUILDERS[kind](opts);
}
