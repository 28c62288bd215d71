/**
 * Fast mode's probe loop: EventBridge Scheduler invokes the canary once a minute, and the canary
 * probes at fixed offsets from the invocation's start (0, 10, ... 50 s), each probe cut off before
 * the next slot, so six datapoints a minute land in six 10 s alarm periods. See
 * docs/adr/0006-fast-mode.md.
 *
 * Pure: the clock, the sleep, the probe and the Lambda's remaining time are parameters, so tests run
 * a minute of probes on a fake clock.
 */
import type { Monitor } from '../../lib/config/resolve.ts';
import type { CheckFailure, CheckResult } from './checks/result.ts';

/** Time as the loop sees it. */
export interface ProbeClock {
  /** Epoch ms. */
  now(): number;
  /** Resolves after `ms`; rejects (or resolves early) once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** One probe's place in the minute. */
export interface ProbeSlot {
  /** 0 for the first probe. */
  readonly index: number;
  /** Epoch ms the slot starts: the invocation's start + index x interval. The probe's timestamp. */
  readonly startsAt: number;
  /** True for the last slot of the invocation. */
  readonly last: boolean;
}

export interface FastProbeOptions {
  /** Probes per invocation. */
  readonly probes: number;
  /** Ms between slot starts. */
  readonly intervalMs: number;
  /** A probe still running this long after it started is cut off; must be below `intervalMs`. */
  readonly cutoffMs: number;
  /** Ms the Lambda has left (`context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Ms kept after a probe's cut-off to record it before the Lambda times out. */
  readonly reserveMs: number;
}

/** What the loop did. */
export interface FastProbeRun<R> {
  readonly probes: readonly { readonly slot: ProbeSlot; readonly result: R }[];
  /** Slots skipped because their whole interval had passed before the loop got to them. */
  readonly skipped: number;
  /** Set when the loop stopped before its last slot because the Lambda was running out of time. */
  readonly stoppedEarly?: 'lambda_time';
}

/**
 * Runs `options.probes` probes, slot `i` starting `i x intervalMs` after the call. Each probe races
 * its cut-off: a probe that has not answered `cutoffMs` after its start becomes `cutOff(slot)` (its
 * own promise is abandoned), so it never overlaps the next slot. `record` gets each result as soon as
 * it is known, in slot order.
 *
 * Stops early, without starting the probe, when the Lambda's remaining time would not cover the wait
 * for the slot, the cut-off and `reserveMs` (a late or slow invocation must still flush what it
 * has). Skips a slot whose whole interval has already passed (the event loop was blocked that long):
 * a datapoint stamped with it would land in a period that has ended.
 */
export async function runFastProbes<R>(
  probe: (slot: ProbeSlot) => Promise<R>,
  cutOff: (slot: ProbeSlot) => R,
  record: (result: R, slot: ProbeSlot) => void,
  clock: ProbeClock,
  options: FastProbeOptions,
): Promise<FastProbeRun<R>> {
  const { probes, intervalMs, cutoffMs, remainingMs, reserveMs } = options;
  if (!(cutoffMs > 0 && cutoffMs < intervalMs)) {
    throw new RangeError(
      `cutoffMs (${cutoffMs}) must be above 0 and below intervalMs (${intervalMs}), or probes would overlap`,
    );
  }
  const start = clock.now();
  const done: { slot: ProbeSlot; result: R }[] = [];
  let skipped = 0;
  for (let index = 0; index < probes; index++) {
    const slot: ProbeSlot = { index, startsAt: start + index * intervalMs, last: index === probes - 1 };
    const wait = slot.startsAt - clock.now();
    if (wait <= -intervalMs) {
      skipped++;
      continue;
    }
    if (remainingMs() < Math.max(wait, 0) + cutoffMs + reserveMs) {
      return { probes: done, skipped, stoppedEarly: 'lambda_time' };
    }
    if (wait > 0) await clock.sleep(wait);
    const result = await withCutoff(probe(slot), () => cutOff(slot), cutoffMs, clock);
    record(result, slot);
    done.push({ slot, result });
  }
  return { probes: done, skipped };
}

/** `work`, or `onCutoff()` if `work` has not settled within `ms`; the timer is cleared either way. */
async function withCutoff<R>(work: Promise<R>, onCutoff: () => R, ms: number, clock: ProbeClock): Promise<R> {
  const timer = new AbortController();
  const expired = clock.sleep(ms, timer.signal).then(
    () => ({ expired: true as const }),
    () => ({ expired: false as const }),
  );
  try {
    const first = await Promise.race([work.then((value) => ({ value })), expired]);
    return 'value' in first ? first.value : onCutoff();
  } finally {
    timer.abort();
  }
}

/** The result of a probe cut off at its slot's cut-off: a `timeout`, like the check's own. */
export function cutOffResult(monitor: Monitor, slot: ProbeSlot, cutoffMs: number): CheckFailure {
  return {
    monitor: monitor.name,
    kind: monitor.kind,
    checkedAt: new Date(slot.startsAt).toISOString(),
    durationMs: cutoffMs,
    attempts: 1,
    ok: false,
    reason: 'timeout',
    detail: `probe ${slot.index + 1} did not finish within ${cutoffMs} ms and was cut off before the next probe`,
  };
}

/** What the canary returns for a fast monitor: every probe of the minute. */
export interface FastCheckResult {
  readonly monitor: string;
  readonly fast: true;
  /** True when every probe passed. */
  readonly ok: boolean;
  readonly probes: readonly CheckResult[];
  /** Slots not probed (their periods stay empty, which the alarm counts as failing). */
  readonly skipped: number;
  readonly stoppedEarly?: FastProbeRun<CheckResult>['stoppedEarly'];
}

/** Summarizes a run for the handler's return value. */
export function summarize(monitor: Monitor, run: FastProbeRun<CheckResult>): FastCheckResult {
  const probes = run.probes.map((p) => p.result);
  return {
    monitor: monitor.name,
    fast: true,
    ok: probes.length > 0 && probes.every((r) => r.ok),
    probes,
    skipped: run.skipped,
    ...(run.stoppedEarly && { stoppedEarly: run.stoppedEarly }),
  };
}
