/**
 * The canary: EventBridge Scheduler invokes it with `{ monitor }`; it runs that monitor's check
 * once, publishes the result as EMF metrics and one log line, and returns the result (so a
 * remediation runbook can invoke it to verify health).
 *
 * Middy wiring only: the check is lambdas/canary/checks, the recording is ./record.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { parseCanaryEvent } from '../../lib/config/events.ts';
import { aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { metrics } from '../shared/metrics.ts';
import { resolveSecret } from '../shared/secrets.ts';
import { runCheck } from './checks/index.ts';
import type { CheckResult } from './checks/result.ts';
import { logResult, recordResult } from './record.ts';

async function canary(event: unknown): Promise<CheckResult> {
  // A malformed event is a deployment bug, not an endpoint failure: throw. Scheduler invokes us
  // asynchronously, so the failure lands in the canary's on-failure destination (the shared
  // dead-letter queue), and the monitor's alarm sees missing data, which pages.
  const monitor = parseCanaryEvent(event);
  const result = await runCheck(monitor, { resolveSecret, aws });
  recordResult(metrics, monitor, result);
  logResult(logger, monitor, result);
  return result;
}

export const handler = middy(canary)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
