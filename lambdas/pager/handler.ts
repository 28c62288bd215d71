/**
 * The page formatter. Subscribed to the raw alarm topics, it turns each CloudWatch alarm JSON into
 * a page a person can act on and publishes it to the notify topic of its severity; Scheduler invokes
 * it with `{ kind: 'sweep' }` (reminders, pages held by maintenance windows) and
 * `{ kind: 'heartbeat' }` (proves the paging path end to end). Integrations (PagerDuty, Opsgenie)
 * keep reading the raw alarm JSON on the raw topics; nothing is forwarded to them from here.
 *
 * Middy wiring only: the work is ./pager.ts, the text ./format.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { loadCatalog } from './catalog.ts';
import { pagerEnv } from './env.ts';
import { parsePagerEvent } from './events.ts';
import { type PagerResult, runPager } from './pager.ts';

async function pager(event: unknown): Promise<PagerResult> {
  // A malformed event is a wiring bug: throw, so it lands in the on-failure destination.
  return runPager(parsePagerEvent(event), {
    aws,
    env: pagerEnv,
    catalog: loadCatalog,
    now: () => new Date(),
    logger,
  });
}

export const handler = middy(pager).use(injectLambdaContext(logger));
