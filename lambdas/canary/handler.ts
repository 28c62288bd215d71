/**
 * The canary: EventBridge Scheduler invokes it with `{ monitor }`; it runs that monitor's check
 * once, publishes the result as EMF metrics and one log line, and returns the result (so a
 * remediation runbook can invoke it to verify health). A fast monitor is probed six times, 10 s
 * apart, each probe flushed as its own high-resolution EMF line (./fast-probe.ts).
 *
 * Middy wiring only: the check is lambdas/canary/checks, the recording is ./record.ts, the probe
 * loop is ./fast-probe.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseCanaryEvent } from '../../lib/config/events.ts';
import type { HttpMonitor } from '../../lib/config/resolve.ts';
import { FAST_PROBE_INTERVAL_MS, FAST_PROBES } from '../../lib/config/schema.ts';
import { aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { metrics } from '../shared/metrics.ts';
import { resolveSecret } from '../shared/secrets.ts';
import { runCheck } from './checks/index.ts';
import type { CheckResult } from './checks/result.ts';
import {
  cutOffResult,
  type FastCheckResult,
  type ProbeClock,
  runFastProbes,
  summarize,
} from './fast-probe.ts';
import { logResult, recordResult } from './record.ts';

/** What the handler takes from outside; tests pass a fake clock. */
export interface CanaryDeps {
  /** Fast mode's clock and sleep. */
  readonly clock: ProbeClock;
}

/** A probe still running this long after its `timeoutMs` is cut off (the check's own deadline fires first). */
export const FAST_CUTOFF_GRACE_MS = 500;
/** Kept after a probe's cut-off to log it and flush its EMF line before the Lambda times out. */
export const FAST_RESERVE_MS = 1_000;

const realClock: ProbeClock = {
  now: Date.now,
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** Builds the middy handler around `deps`. */
export function createCanaryHandler(deps: CanaryDeps) {
  async function fast(monitor: HttpMonitor, context: Context): Promise<FastCheckResult> {
    const cutoffMs = monitor.timeoutMs + FAST_CUTOFF_GRACE_MS;
    const run = await runFastProbes<CheckResult>(
      () => runCheck(monitor, { resolveSecret, aws }),
      (slot) => cutOffResult(monitor, slot, cutoffMs),
      (result, slot) => {
        recordResult(metrics, monitor, result, { timestamp: slot.startsAt });
        logResult(logger, monitor, result, slot);
        // Flush now: a line held to the end of the minute would reach the 10 s alarm a minute late.
        // The last one is left to the logMetrics middleware, which flushes as the handler returns
        // (after a run that stopped early it has nothing left, and Powertools warns of that).
        if (!slot.last) metrics.publishStoredMetrics();
      },
      deps.clock,
      {
        probes: FAST_PROBES,
        intervalMs: FAST_PROBE_INTERVAL_MS,
        cutoffMs,
        remainingMs: () => context.getRemainingTimeInMillis(),
        reserveMs: FAST_RESERVE_MS,
      },
    );
    if (run.probes.length < FAST_PROBES) {
      // The probes not run leave their periods empty, which the alarm counts as failing.
      logger.warn(`fast mode ran ${run.probes.length} of ${FAST_PROBES} probes`, {
        monitor: monitor.name,
        skipped: run.skipped,
        ...(run.stoppedEarly && { stoppedEarly: run.stoppedEarly }),
      });
    }
    return summarize(monitor, run);
  }

  async function canary(event: unknown, context: Context): Promise<CheckResult | FastCheckResult> {
    // A malformed event is a deployment bug, not an endpoint failure: throw. Scheduler invokes us
    // asynchronously, so the failure lands in the canary's on-failure destination (the shared
    // dead-letter queue), and the monitor's alarm sees missing data, which pages.
    const monitor = parseCanaryEvent(event);
    if (monitor.kind === 'http' && monitor.fast) return fast(monitor, context);
    const result = await runCheck(monitor, { resolveSecret, aws });
    recordResult(metrics, monitor, result);
    logResult(logger, monitor, result);
    return result;
  }

  return middy(canary)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}

export const handler = createCanaryHandler({ clock: realClock });
