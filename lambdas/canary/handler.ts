/**
 * The canary: EventBridge Scheduler invokes it with `{ monitors }` (monitors sharing an invocation,
 * docs/adr/0008-shared-invocations.md) or `{ monitor }` (one with `invocation: 'own'`, or a
 * remediation runbook verifying health). It runs every check at once, each with its own deadline,
 * so a slow endpoint delays no other; as each one ends, its result is flushed as its own EMF line
 * and logged as one line. It returns the result (`{ monitor }`) or the results (`{ monitors }`). A
 * fast monitor is probed six times, 10 s apart, each probe flushed as its own high-resolution EMF
 * line (./fast-probe.ts).
 *
 * Verify mode: a remediation document's verify step invokes it with `{ verify: "<monitor>" }`
 * (lib/ssm/verify-steps.ts). It looks the monitor up in the file shipped beside the bundle (read on
 * the first such invocation only, ./verify.ts), runs its check once (a fast monitor: one probe),
 * records it as a scheduled check would, and answers `{ monitor, ok, reason?, detail? }`.
 *
 * Middy wiring only: the check is lambdas/canary/checks, the recording is ./record.ts, the probe
 * loop is ./fast-probe.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseCanaryRequest, parseVerifyEvent } from '../../lib/config/events.ts';
import { FAST_PROBE_INTERVAL_MS, FAST_PROBES } from '../../lib/config/monitor-schema.ts';
import type { HttpMonitor, Monitor } from '../../lib/config/resolve.ts';
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
  type ProbeSlot,
  runFastProbes,
  summarize,
} from './fast-probe.ts';
import { logResult, recordResult } from './record.ts';
import { bundledVerifyMonitors, UnknownMonitorError, type VerifyResponse, verifyResponse } from './verify.ts';

/** What the handler takes from outside; tests pass a fake clock. */
export interface CanaryDeps {
  /** Fast mode's clock and sleep. */
  readonly clock: ProbeClock;
  /**
   * The monitors verify mode may run, by name.
   * @default the vigil-monitors.json shipped beside the bundle, read on first use
   */
  readonly verifyMonitors?: () => ReadonlyMap<string, Monitor>;
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
      // Flushed at once: a line held to the end of the minute would reach the 10 s alarm a minute late.
      (result, slot) => report(monitor, result, slot),
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

  async function checkOne(monitor: Monitor, context: Context): Promise<CheckResult | FastCheckResult> {
    if (monitor.kind === 'http' && monitor.fast) return fast(monitor, context);
    const result = await runCheck(monitor, { resolveSecret, aws });
    report(monitor, result);
    return result;
  }

  /** One check of a monitor named by a verify step; a fast monitor makes one probe, recorded as a probe. */
  async function verify(name: string): Promise<VerifyResponse> {
    const monitor = (deps.verifyMonitors ?? bundledVerifyMonitors)().get(name);
    if (!monitor) throw new UnknownMonitorError(name);
    const result = await runCheck(monitor, { resolveSecret, aws });
    const fastProbe = monitor.kind === 'http' && monitor.fast;
    report(monitor, result, fastProbe ? { index: 0, startsAt: deps.clock.now(), last: true } : undefined);
    return verifyResponse(result);
  }

  async function canary(event: unknown, context: Context): Promise<CanaryResponse> {
    // A malformed event is a deployment bug, not an endpoint failure: throw. Scheduler invokes us
    // asynchronously, so the failure lands in the canary's on-failure destination (the shared
    // dead-letter queue), and the monitors' alarms see missing data, which pages. A verify step
    // invokes synchronously and sees the error as a FunctionError.
    const verifying = parseVerifyEvent(event);
    if (verifying !== undefined) return verify(verifying);
    const request = parseCanaryRequest(event);
    if (request.shape === 'monitor') return checkOne(request.monitor, context);
    const settled = await Promise.allSettled(request.monitors.map((m) => checkOne(m, context)));
    const results = settled.map((outcome, i) => {
      if (outcome.status === 'fulfilled') return outcome.value;
      // Checks never throw; a bug that does must not cost the group's other results. This monitor
      // reports nothing, and its alarm counts the missing datapoint as a failure.
      const monitor = request.monitors[i]?.name;
      logger.error('check crashed', { monitor, error: outcome.reason as Error });
      return { monitor: String(monitor), ok: false as const, crashed: String(outcome.reason) };
    });
    return { results };
  }

  return middy(canary).use(requestIdKey());
}

/**
 * Adds the invocation's request id to every log line, and nothing else of the Lambda context:
 * Powertools' `injectLambdaContext` also adds the function's ARN, name, memory, cold start and
 * sampling rate to every line, about 270 of a passing check's 1,260 bytes, all of them the same for
 * every line of the function's own log group (and billed per byte, every check).
 */
function requestIdKey(): MiddlewareObj<unknown, unknown, Error, Context> {
  const clear = () => {
    logger.removeKeys([REQUEST_ID_KEY]);
  };
  return {
    before: (request) => {
      logger.appendKeys({ [REQUEST_ID_KEY]: request.context.awsRequestId });
    },
    after: clear,
    onError: clear,
  };
}

/** Powertools' own name for the request id, so log queries written for it keep working. */
const REQUEST_ID_KEY = 'function_request_id';

/** A check's metrics, flushed as their own EMF line at once (each monitor has its own dimensions), and its log line. */
function report(monitor: Monitor, result: CheckResult, slot?: ProbeSlot): void {
  recordResult(metrics, monitor, result, slot && { timestamp: slot.startsAt });
  metrics.publishStoredMetrics();
  logResult(logger, monitor, result, slot);
}

/**
 * What an invocation returns: the check's result for `{ monitor }`, every result for `{ monitors }`,
 * the compact verdict for `{ verify }`.
 */
export type CanaryResponse =
  | CheckResult
  | FastCheckResult
  | VerifyResponse
  | {
      readonly results: readonly (
        | CheckResult
        | FastCheckResult
        | { readonly monitor: string; readonly ok: false; readonly crashed: string }
      )[];
    };

export const handler = createCanaryHandler({ clock: realClock });
