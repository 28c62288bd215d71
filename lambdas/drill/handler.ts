/**
 * The DR-drill function: judges a drill's restore for its document, finds the RDS snapshot to
 * restore, reports every finished drill execution as a page and metrics, sweeps for drills that did
 * not run, and runs game days. Events and what each does: ./events.ts and ./drill.ts.
 *
 * Middy wiring only: the work is ./drill.ts, the texts lib/drills/report.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { metrics } from '../shared/metrics.ts';
import { loadDrillCatalog } from './catalog.ts';
import { type DrillDeps, runDrillEvent } from './drill.ts';
import { drillEnv } from './env.ts';
import { parseDrillEvent } from './events.ts';

const deps: DrillDeps = {
  aws,
  env: drillEnv,
  catalog: loadDrillCatalog,
  now: () => new Date(),
  logger,
  metrics,
};

async function drill(event: unknown) {
  // A malformed event is a wiring bug: throw, so the step or the on-failure destination shows it.
  return runDrillEvent(parseDrillEvent(event), deps);
}

export const handler = middy(drill).use(injectLambdaContext(logger));
