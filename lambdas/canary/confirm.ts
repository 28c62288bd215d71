/**
 * The confirmation probe (docs/adr/0013-confirmed-failures.md): a standard HTTP monitor whose check
 * fails is checked again inside the same invocation, `confirm.afterMs` after the first probe started
 * (at once when the first ended later than that, e.g. a timeout). The check fails only if the second
 * probe fails too, so one failing minute is the runbooks' "2 consecutive failures" and a 1-of-1 alarm
 * pages on it; a blip shorter than `afterMs` pages nothing, and stays on record in the detail.
 *
 * Pure apart from the check and the clock it is given: the handler passes `runCheck` and its clock,
 * tests a server on 127.0.0.1 and a short `afterMs`.
 */
import type { HttpMonitor, Monitor } from '../../lib/config/resolve.ts';
import type { CheckResult, ReasonCode } from './checks/result.ts';

/** The confirmation's clock: epoch ms, and a sleep. */
export interface ConfirmClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** How a failing first probe was followed up. */
export interface Confirmation {
  /** The first probe's failure. */
  readonly first: {
    readonly reason: ReasonCode;
    readonly detail: string;
    readonly statusCode?: number;
    readonly durationMs: number;
  };
  /** `true`: the second probe failed too, and the check fails; `false`: it passed (a blip). */
  readonly confirmed: boolean;
  /** ms from the first probe's start to the second's: `afterMs`, or more after a slow first probe. */
  readonly secondAfterMs: number;
}

/** A check, confirmed where its monitor asks for it. */
export interface ConfirmedCheck {
  /** The check's result: the first probe's, or with a confirmation the second's, its detail saying so. */
  readonly result: CheckResult;
  /** Epoch ms the first probe started: a confirming monitor's datapoint is stamped with it. */
  readonly startedAt: number;
  /** Set when the first probe failed and a second was made. */
  readonly confirmation?: Confirmation;
}

/** A monitor whose failing checks are confirmed: standard HTTP without `confirm: false`. */
export function confirms(
  monitor: Monitor,
): monitor is HttpMonitor & { readonly confirm: { readonly afterMs: number } } {
  return monitor.kind === 'http' && !monitor.fast && monitor.confirm !== false;
}

/**
 * Runs `run` (one probe of `monitor`'s check) once and, when it fails and the monitor confirms,
 * once more at `startedAt + afterMs` (or at once, if the first ended later). Never rejects unless
 * `run` does; checks never throw.
 */
export async function runConfirmed(
  monitor: Monitor,
  run: () => Promise<CheckResult>,
  clock: ConfirmClock,
): Promise<ConfirmedCheck> {
  const startedAt = clock.now();
  const first = await run();
  if (first.ok || !confirms(monitor)) return { result: first, startedAt };
  const wait = startedAt + monitor.confirm.afterMs - clock.now();
  if (wait > 0) await clock.sleep(wait);
  const secondAfterMs = clock.now() - startedAt;
  const second = await run();
  const confirmation: Confirmation = {
    first: {
      reason: first.reason,
      detail: first.detail,
      ...(first.statusCode !== undefined && { statusCode: first.statusCode }),
      durationMs: first.durationMs,
    },
    confirmed: !second.ok,
    secondAfterMs,
  };
  const after = seconds(secondAfterMs);
  const result: CheckResult = second.ok
    ? {
        ...second,
        detail: `a first probe failed (${first.reason}: ${first.detail}) and was not confirmed: a second probe ${after} after it passed${second.detail ? `; ${second.detail}` : ''}`,
      }
    : {
        ...second,
        detail: `${second.detail} (confirmed: a first probe ${after} earlier failed too, ${first.reason})`,
      };
  return { result, startedAt, confirmation };
}

/** "5 s", "0.2 s", "11.3 s". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
