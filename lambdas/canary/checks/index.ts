/**
 * The one entry point the canary handler and `vigil check` call: runs a monitor with the check of its
 * kind. Each kind's check is pure logic over its dependencies and never throws.
 */
import type { Monitor } from '../../../lib/config/resolve.ts';
import type { AwsClients } from '../../shared/aws.ts';
import { runBackupCheck } from './backup/index.ts';
import { runCommandCheck } from './command-check.ts';
import { type HttpCheckDeps, runHttpCheck } from './http-check.ts';
import { runQueueCheck } from './queue-check.ts';
import type { CheckResult } from './result.ts';

export { describeAssertionFailure, evaluateAssertions } from './assertions.ts';
export { componentState, extractComponents, type HealthDocument } from './health-document.ts';
export { type HttpCheckDeps, runHttpCheck, USER_AGENT } from './http-check.ts';
export { lookupPath, parsePath } from './json-path.ts';
export * from './result.ts';

/** What any check may need from outside: secrets, the clock, and the AWS clients. */
export interface CheckDeps extends HttpCheckDeps {
  readonly aws: AwsClients;
}

/** Runs one monitor once. Never throws: an unknown kind is a failed result too. */
export async function runCheck(monitor: Monitor, deps: CheckDeps): Promise<CheckResult> {
  switch (monitor.kind) {
    case 'http':
      return runHttpCheck(monitor, deps);
    case 'queue':
      return runQueueCheck(monitor, deps);
    case 'backup':
      return runBackupCheck(monitor, deps);
    case 'command':
      return runCommandCheck(monitor, deps);
    default: {
      // Only reachable with a payload from a newer config than this code (a deploy in flight). The
      // `never` keeps the switch exhaustive: a new kind in the Monitor union fails to compile here.
      const unknownKind: never = monitor;
      const m = unknownKind as { name?: unknown; kind?: unknown };
      return {
        monitor: String(m.name),
        kind: String(m.kind),
        checkedAt: new Date().toISOString(),
        durationMs: 0,
        attempts: 0,
        ok: false,
        reason: 'network',
        detail: `monitor kind ${JSON.stringify(m.kind)} is not supported by this canary version`,
      };
    }
  }
}
