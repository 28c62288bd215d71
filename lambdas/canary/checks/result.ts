/**
 * The typed outcome of one check. A check never throws: every outcome, good or bad, is a
 * {@link CheckResult} with a reason code, so the canary, the CLI and (later) the page formatter
 * speak about failures the same way.
 */

/** Why a check failed. Stable strings: they appear in logs, metrics, pages and `vigil check --json`. */
export const REASON_CODES = [
  'timeout',
  'dns',
  'connection_refused',
  'connection_reset',
  'tls',
  'http_status',
  'bad_json',
  'assertion_failed',
  'too_large',
  'redirect_loop',
  /** Answered, but slower than the monitor's `maxLatencyMs`. */
  'slow',
  /** A header secret could not be read (SSM / Secrets Manager), so the check could not be made. */
  'secret_unavailable',
  /** Anything else a network stack can throw (EHOSTUNREACH, a protocol error...). */
  'network',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Health of one component reported in a health document (`checks.database`, `services.redis`...). */
export type ComponentState = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface ComponentStatus {
  /** e.g. "database", or "db:responseTime" for application/health+json */
  readonly name: string;
  readonly state: ComponentState;
  /** The status string as the document gave it ("ok", "up", "error", "pass", "warn"...). */
  readonly status: string;
  /** Latency the document reported for the component, in ms, when it gave one. */
  readonly latencyMs?: number;
  /** Other useful text from the document (an error message, "connected: false"...). */
  readonly detail?: string;
}

/** A failed assertion: which one, what it expected, what the body had. */
export interface AssertionFailure {
  readonly path: string;
  readonly operator: string;
  readonly expected: unknown;
  /** The value at the path; `undefined` when the path does not exist. */
  readonly actual: unknown;
}

interface ResultBase {
  readonly monitor: string;
  readonly kind: string;
  /** ISO time the check started. */
  readonly checkedAt: string;
  /** Wall time of the whole check (all attempts and redirects), ms. */
  readonly durationMs: number;
  /** Time to the final answer's headers, ms (HTTP), when there was an answer. */
  readonly latencyMs?: number;
  /** HTTP status of the final answer, when there was one. */
  readonly statusCode?: number;
  /** Attempts made (2 when a network error was retried). */
  readonly attempts: number;
  /** The URL of the final answer when redirects were followed. */
  readonly finalUrl?: string;
  /** Components from a health document body, when the body was one. */
  readonly components?: readonly ComponentStatus[];
  /** The document's own overall status ("healthy", "pass"...), when it gave one. */
  readonly overallStatus?: string;
}

export interface CheckSuccess extends ResultBase {
  readonly ok: true;
}

export interface CheckFailure extends ResultBase {
  readonly ok: false;
  readonly reason: ReasonCode;
  /** One line a person can act on: "checks.database.status: expected "ok", got "error"". */
  readonly detail: string;
  /** Set when `reason` is `assertion_failed`: every failed assertion, in config order. */
  readonly assertions?: readonly AssertionFailure[];
}

export type CheckResult = CheckSuccess | CheckFailure;
