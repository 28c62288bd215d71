/**
 * webhook: a platform outside AWS acts (the runbooks' `vercel rollback`): the Vigil webhook
 * function (lambdas/webhook/) calls the configured URL with the token it reads at run time and
 * answers `{"ok":…,"status":…}`; the document goes on to verify only when the answer starts with
 * `{"ok":true`, and otherwise fails at WebhookRefused, before any verify step. Only the token's
 * secret reference travels in the parameters, never its value.
 *
 *   CallWebhook → CheckWebhookAnswer ─ok→ Verify…
 *                        └─ otherwise → WebhookRefused (Failed)
 */
import type { WebhookEvent } from '../../../lambdas/webhook/events.ts';
import type { AutomationDocument, AutomationStep } from '../../ssm/automation.ts';
import { VERIFY_FAILED_STEP } from '../../ssm/verify-steps.ts';
import { firstVerifyStep, type RemediationDocumentOptions, remediationDocumentOf } from './common.ts';

/** The function's payload: every key of its event, each from a document parameter. */
const PAYLOAD: Record<keyof WebhookEvent, string> = {
  url: '{{ Url }}',
  method: '{{ Method }}',
  body: '{{ Body }}',
  token: '{{ Token }}',
  expectStatus: '{{ ExpectStatus }}',
};

/** The webhook document. */
export function webhookDocument(opts: RemediationDocumentOptions): AutomationDocument {
  const refused: AutomationStep = {
    name: 'WebhookRefused',
    action: 'aws:assertAwsResourceProperty',
    description:
      'The webhook did not answer as expected: fail the execution (a running execution is never Failed, so this assertion always fails).',
    timeoutSeconds: 30,
    onFailure: 'Abort',
    // Never taken (the assertion always fails); should it ever pass, VerifyFailed still fails the run.
    nextStep: VERIFY_FAILED_STEP,
    inputs: {
      Service: 'ssm',
      Api: 'GetAutomationExecution',
      AutomationExecutionId: '{{ automation:EXECUTION_ID }}',
      PropertySelector: '$.AutomationExecution.AutomationExecutionStatus',
      DesiredValues: ['Failed'],
    },
  };
  return remediationDocumentOf(opts, {
    description:
      'Vigil: call a platform webhook (a rollback outside AWS), check its answer, then verify health came back.',
    parameters: {
      Url: {
        type: 'String',
        description: 'The URL to call.',
        allowedPattern: '^https?://[^\\s"\'`\\\\]{1,2000}$',
      },
      Method: {
        type: 'String',
        description: 'The HTTP method.',
        allowedValues: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'],
        default: 'POST',
      },
      Body: { type: 'String', description: 'The request body; empty sends none.', default: '' },
      Token: {
        type: 'String',
        description:
          'A secret reference as JSON, e.g. {"secretsManager":"arn:..."} or {"ssmParameter":"/..."}; the value is read at run time. Empty: no Authorization.',
        allowedPattern: '^(\\{[^`\\\\]{1,1000}\\})?$',
        default: '',
      },
      ExpectStatus: {
        type: 'String',
        description: 'Expected statuses, comma-separated (200,201); empty means any 2xx.',
        allowedPattern: '^([1-5][0-9]{2}(,[1-5][0-9]{2}){0,9})?$',
        default: '',
      },
    },
    actionSteps: [
      {
        name: 'CallWebhook',
        action: 'aws:invokeLambdaFunction',
        description: 'The webhook function calls the URL and checks the status.',
        timeoutSeconds: 60,
        inputs: {
          FunctionName: opts.webhookFunctionName,
          InvocationType: 'RequestResponse',
          InputPayload: PAYLOAD,
        },
      },
      {
        name: 'CheckWebhookAnswer',
        action: 'aws:branch',
        description: 'Go on to verify only when the webhook answered as expected.',
        timeoutSeconds: 10,
        inputs: {
          // The function returns ok as its first key, in compact JSON; a quote inside another
          // value is escaped, so nothing else can start the payload this way.
          Choices: [
            {
              NextStep: firstVerifyStep(opts.canaryFunctionName),
              Variable: '{{ CallWebhook.Payload }}',
              StartsWith: '{"ok":true',
            },
          ],
          Default: refused.name,
        },
      },
    ],
    extraSteps: [refused],
  });
}
