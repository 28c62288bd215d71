/**
 * The webhook function: invoked by the webhook remediation document (aws:invokeLambdaFunction) to
 * call a platform's API outside AWS, such as a rollback. Returns `{ ok, status, ... }`; the
 * document fails when `ok` is false, before its verify step.
 *
 * Middy wiring only: the work is ./webhook.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/logger.ts';
import { resolveSecret } from '../shared/secrets.ts';
import { parseWebhookEvent } from './events.ts';
import { callWebhook, type WebhookResult } from './webhook.ts';

async function webhook(event: unknown): Promise<WebhookResult> {
  // A malformed payload is a wiring bug between the document and this function: throw.
  const request = parseWebhookEvent(event);
  const result = await callWebhook(request, { fetch, resolveSecret });
  logger.info('webhook called', {
    ok: result.ok,
    status: result.status,
    reason: result.reason,
    detail: result.detail,
  });
  return result;
}

export const handler = middy(webhook).use(injectLambdaContext(logger));
