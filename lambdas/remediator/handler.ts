/**
 * The remediator. A Lambda alarm action on each alarm a remediation names invokes it when the alarm
 * changes to ALARM (so a mute rule holds it exactly as it holds a page; it still re-checks the alarm
 * and the mute rules itself), and an EventBridge rule on "EC2 Automation Execution Status-change
 * Notification" for the project's remediation documents invokes it when a run ends.
 *
 * Middy wiring only: the work is ./remediator.ts, the decision ./guardrails.ts, the text ./pages.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { metrics } from '../shared/metrics.ts';
import { loadRemediationCatalog } from './catalog.ts';
import { remediatorEnv } from './env.ts';
import { parseRemediatorEvent } from './events.ts';
import { type RemediatorResult, runRemediator } from './remediator.ts';

async function remediator(event: unknown): Promise<RemediatorResult> {
  // A malformed event is a wiring bug: throw, so it lands in the on-failure destination.
  return runRemediator(parseRemediatorEvent(event), {
    aws,
    env: remediatorEnv,
    catalog: loadRemediationCatalog,
    now: () => new Date(),
    logger,
    metrics,
  });
}

export const handler = middy(remediator).use(injectLambdaContext(logger));
