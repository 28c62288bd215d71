/**
 * What every backup source shares: turning a verdict into a {@link CheckResult} (clock, duration,
 * measurements), bounding a check by its deadline, and mapping AWS SDK errors to reason codes.
 */
import type { BackupMonitor } from '../../../../lib/config/resolve.ts';
import type { HttpCheckDeps } from '../http-check.ts';
import type { CheckFailure, CheckSuccess, MeasurementName, ReasonCode } from '../result.ts';

/** Values a backup check measured; only what was actually seen is set. */
export type BackupMeasurements = Partial<Record<MeasurementName, number>>;

/** A started backup check: its wall-clock "now" and the two ways it ends. */
export interface BackupRun {
  /** Epoch ms the check started, for ageing backups (the injected clock when there is one). */
  readonly now: number;
  pass(detail: string, measurements?: BackupMeasurements): CheckSuccess;
  fail(reason: ReasonCode, detail: string, measurements?: BackupMeasurements): CheckFailure;
}

// Monotonic, like the HTTP check: a wall-clock step during a check must not become a negative duration.
const monotonic = (): number => performance.now();

/**
 * Starts the clock for one backup check. With `deps.now` (tests, `vigil check --at`) that clock gives
 * both `checkedAt` and the time backups are aged against; without it, `Date.now()` does, and the
 * duration comes from the monotonic clock.
 */
export function startBackupRun(monitor: BackupMonitor, deps: Pick<HttpCheckDeps, 'now'>): BackupRun {
  const clock = deps.now ?? monotonic;
  const start = clock();
  const now = deps.now ? start : Date.now();
  const base = () => ({
    monitor: monitor.name,
    kind: 'backup',
    checkedAt: new Date(now).toISOString(),
    durationMs: Math.max(0, Math.round(clock() - start)),
    attempts: 1,
  });
  const withMeasurements = (m: BackupMeasurements | undefined) =>
    m && Object.keys(m).length > 0 ? { measurements: m } : {};
  return {
    now,
    pass: (detail, measurements) => ({ ...base(), ...withMeasurements(measurements), ok: true, detail }),
    fail: (reason, detail, measurements) => ({
      ...base(),
      ...withMeasurements(measurements),
      ok: false,
      reason,
      detail,
    }),
  };
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Runs `work` with an AbortSignal that fires after `deadlineMs`, and returns `onTimeout()` at the
 * deadline even if `work` ignores the signal (a retry back-off, a mocked client), so a check always
 * ends within its `checkDeadlineMs`.
 */
export async function withDeadline<T>(
  deadlineMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => T,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), deadlineMs);
  });
  try {
    const outcome = await Promise.race([work(controller.signal), deadline]);
    if (outcome === TIMED_OUT) {
      controller.abort();
      return onTimeout();
    }
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** A failed AWS call, as a reason code and one line naming what was being read. */
export interface AwsFailure {
  readonly reason: ReasonCode;
  readonly detail: string;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
]);

/** The error's name and a one-line message, from whatever was thrown. */
export function describeAwsError(error: unknown): { name: string; message: string; status?: number } {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const name = typeof e?.name === 'string' && e.name !== '' ? e.name : 'Error';
  const raw = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  const line = raw.replace(/\s+/g, ' ').trim();
  const message = line.length > 200 ? `${line.slice(0, 199)}…` : line;
  const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  return status === undefined ? { name, message } : { name, message, status };
}

/**
 * Maps an SDK (or network) error to a reason code. `what` names the resource ("snapshots of instance
 * madef-db"); `notFound` lists the service's error names that mean it does not exist.
 */
export function classifyAwsError(error: unknown, what: string, notFound: ReadonlySet<string>): AwsFailure {
  const { name, message, status } = describeAwsError(error);
  if (notFound.has(name)) return { reason: 'not_found', detail: `${what}: not found (${name}: ${message})` };
  if (ACCESS_DENIED.has(name) || status === 403) {
    // A deployment problem (the canary's role), not an outage: the detail says which read to grant.
    return { reason: 'access_denied', detail: `access denied reading ${what} (${name}: ${message})` };
  }
  if (name === 'AbortError' || name === 'TimeoutError') {
    return { reason: 'timeout', detail: `reading ${what} timed out (${name})` };
  }
  return { reason: 'aws_error', detail: `reading ${what} failed: ${name}: ${message}` };
}
