/**
 * Verify mode's pure pieces: the monitors a `{ verify }` invocation may run (the file shipped
 * beside the bundle, read on first use only) and the compact answer the remediation documents'
 * verify steps read (lib/ssm/verify-steps.ts branches on `"ok":true` in it).
 */
import { readFileSync } from 'node:fs';
import { CANARY_MONITORS_FILE, parseVerifyMonitors } from '../../lib/config/events.ts';
import type { Monitor } from '../../lib/config/resolve-monitor.ts';
import type { CheckResult } from './checks/result.ts';

/** A `{ verify }` invocation named a monitor the canary does not have: a deployment bug, so it throws. */
export class UnknownMonitorError extends Error {
  constructor(readonly monitor: string) {
    super(
      `verify: no monitor named ${JSON.stringify(monitor)} in ${CANARY_MONITORS_FILE}; ` +
        'the remediation names a monitor this canary was not deployed with (redeploy, or fix the remediation config)',
    );
    this.name = 'UnknownMonitorError';
  }
}

/** The monitors in a file, by name; throws naming the file when it is missing or malformed. */
export function readVerifyMonitors(file: URL | string): Map<string, Monitor> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${CANARY_MONITORS_FILE} is missing beside the canary bundle (${String(file)}): deploy the canary through lib/constructs/canary-function.ts, which ships it`,
      { cause: error },
    );
  }
  try {
    return parseVerifyMonitors(text);
  } catch (error) {
    throw new Error(`${CANARY_MONITORS_FILE} does not hold valid monitors: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

let bundled: Map<string, Monitor> | undefined;

/** The monitors shipped beside the bundle, read once, on the first `{ verify }` invocation. */
export function bundledVerifyMonitors(): Map<string, Monitor> {
  bundled ??= readVerifyMonitors(new URL(`./${CANARY_MONITORS_FILE}`, import.meta.url));
  return bundled;
}

/** What a `{ verify }` invocation returns. `ok` is `true` exactly when the check passed. */
export interface VerifyResponse {
  readonly monitor: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly detail?: string;
}

/**
 * The answer for a check's result: small, and serialized by Lambda as compact JSON, so it contains
 * `"ok":true` exactly when the check passed (quotes inside the other fields are escaped by JSON).
 */
export function verifyResponse(result: CheckResult): VerifyResponse {
  if (result.ok)
    return { monitor: result.monitor, ok: true, ...(result.detail && { detail: result.detail }) };
  return { monitor: result.monitor, ok: false, reason: result.reason, detail: result.detail };
}
