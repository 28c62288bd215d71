/**
 * The steps that end every remediation document: "Verify means health came back" (issue 10). The
 * canary is invoked with `{"verify":"<monitor>"}` and runs the monitor's check once; the document
 * passes only when the answer says `"ok":true`, re-checking a bounded number of times while the
 * target settles. "Restarted" never stands in for "fixed".
 *
 * Unrolled, not a loop, because Automation has no counters or arithmetic:
 *
 *   VerifyHealth1 → VerifyCheck1 ─ok→ VerifyPassed (or `next`)
 *                        └─not ok→ VerifySettle1 (sleep) → VerifyHealth2 → … → VerifyCheckN ─not ok→ VerifyFailed
 *
 * Why the settle time is an interval parameter: a document cannot divide `settleSeconds` by the
 * number of attempts (Automation resolves `{{ }}` but computes nothing), so the caller passes
 * `SettleIntervalSeconds` = ⌈settleSeconds / (attempts − 1)⌉, from {@link verifyParameterValues},
 * and each sleep is `PT{{ SettleIntervalSeconds }}S` (aws:sleep takes an ISO 8601 Duration).
 */
import type { AutomationParameter, AutomationStep } from './automation.ts';
import { VERIFY_STEP_PREFIX } from './automation.ts';

/** Canary checks a verification makes before it gives up. */
export const DEFAULT_VERIFY_ATTEMPTS = 4;

/** The step that ends the document when health came back (unless `next` is given). */
export const VERIFY_PASSED_STEP = `${VERIFY_STEP_PREFIX}Passed`;
/** The step that fails the execution when health never came back. */
export const VERIFY_FAILED_STEP = `${VERIFY_STEP_PREFIX}Failed`;

/** Seconds an invocation of the canary may take: one check, with its own deadline, well inside this. */
const INVOKE_TIMEOUT_SECONDS = 120;
/** The longest settle interval a sleep allows (its step timeout); longer intervals time the step out. */
export const MAX_SETTLE_INTERVAL_SECONDS = 3600;

/** Parameters the verify steps use; every document ending in {@link verifySteps} spreads these into its own. */
export const VERIFY_PARAMETERS: Readonly<Record<'Monitor' | 'SettleIntervalSeconds', AutomationParameter>> = {
  Monitor: {
    type: 'String',
    description: 'The monitor whose check must pass again (the canary runs it once per attempt).',
  },
  SettleIntervalSeconds: {
    type: 'Integer',
    description: `Seconds between health checks while the target settles (at most ${MAX_SETTLE_INTERVAL_SECONDS}).`,
    default: 60,
  },
};

/**
 * {@link VERIFY_PARAMETERS} for a given number of attempts: a single check sleeps never, so it
 * takes no `SettleIntervalSeconds` (the linter rejects a parameter nothing uses).
 */
export function verifyParameters(
  attempts = DEFAULT_VERIFY_ATTEMPTS,
): Readonly<Record<string, AutomationParameter>> {
  return attempts > 1 ? VERIFY_PARAMETERS : { Monitor: VERIFY_PARAMETERS.Monitor };
}

/** IAM actions the document's role needs for the verify steps (on the canary, and on the execution itself). */
export const VERIFY_ROLE_ACTIONS = ['lambda:InvokeFunction', 'ssm:GetAutomationExecution'] as const;

/** The interval that spreads `settleSeconds` over the sleeps between `attempts` checks (at least 1 s). */
export function settleIntervalSeconds(settleSeconds: number, attempts = DEFAULT_VERIFY_ATTEMPTS): number {
  if (attempts <= 1) return 1;
  return Math.min(MAX_SETTLE_INTERVAL_SECONDS, Math.max(1, Math.ceil(settleSeconds / (attempts - 1))));
}

/** The verify parameters as `StartAutomationExecution` takes them (every value a string list). */
export function verifyParameterValues(
  monitor: string,
  settleSeconds: number,
  attempts = DEFAULT_VERIFY_ATTEMPTS,
): Record<keyof typeof VERIFY_PARAMETERS, string[]> {
  return {
    Monitor: [monitor],
    SettleIntervalSeconds: [String(settleIntervalSeconds(settleSeconds, attempts))],
  };
}

/** Options of {@link verifySteps}. */
export interface VerifyStepsOptions {
  /** The canary's function name (or ARN; a CDK token is fine). */
  readonly canaryFunctionName: string;
  /** Canary checks before giving up. @default 4 */
  readonly attempts?: number;
  /** The step after a pass. @default a final `VerifyPassed` step that ends the document */
  readonly next?: string;
}

/**
 * The verification steps, all named `Verify…`, to append to a document whose parameters include
 * {@link VERIFY_PARAMETERS}. The execution fails at `VerifyFailed` when no check passed.
 *
 * `VerifyFailed` fails deterministically: it asserts (aws:assertAwsResourceProperty) that the
 * execution's own status, read with `ssm:GetAutomationExecution` on `{{ automation:EXECUTION_ID }}`,
 * is `Failed`. A running execution reports `InProgress`, so the assertion always fails and the step,
 * critical with onFailure Abort, fails the execution. (An aws:branch with no matching choice would
 * not do: AWS documents that it then goes on to the next step.)
 *
 * A canary invocation that itself fails (a FunctionError such as an unknown monitor, a throttle) is
 * routed to the next attempt and is not critical: only `VerifyFailed` decides the outcome. The pass
 * test is a substring of the canary's compact JSON, `"ok":true`; any quotes inside the monitor
 * name or the reason are escaped by JSON, so they cannot forge it.
 */
export function verifySteps(opts: VerifyStepsOptions): AutomationStep[] {
  const attempts = opts.attempts ?? DEFAULT_VERIFY_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new Error(`verifySteps: attempts must be a positive integer (got ${attempts})`);
  const onPass = opts.next ?? VERIFY_PASSED_STEP;
  const steps: AutomationStep[] = [];
  for (let n = 1; n <= attempts; n += 1) {
    const last = n === attempts;
    const afterMiss = last ? VERIFY_FAILED_STEP : `${VERIFY_STEP_PREFIX}Settle${n}`;
    steps.push(
      {
        name: `${VERIFY_STEP_PREFIX}Health${n}`,
        action: 'aws:invokeLambdaFunction',
        description: `Health check ${n} of ${attempts}: the canary runs the monitor's check once.`,
        timeoutSeconds: INVOKE_TIMEOUT_SECONDS,
        isCritical: false,
        onFailure: `step:${afterMiss}`,
        inputs: {
          FunctionName: opts.canaryFunctionName,
          InvocationType: 'RequestResponse',
          Payload: '{"verify":"{{ Monitor }}"}',
        },
      },
      {
        name: `${VERIFY_STEP_PREFIX}Check${n}`,
        action: 'aws:branch',
        description: 'Passed when the canary answered "ok":true.',
        timeoutSeconds: 10,
        inputs: {
          Choices: [
            {
              NextStep: onPass,
              Variable: `{{ ${VERIFY_STEP_PREFIX}Health${n}.Payload }}`,
              Contains: '"ok":true',
            },
          ],
          Default: afterMiss,
        },
      },
    );
    if (!last) {
      steps.push({
        name: afterMiss,
        action: 'aws:sleep',
        description: 'Let the target settle before the next check.',
        timeoutSeconds: MAX_SETTLE_INTERVAL_SECONDS,
        nextStep: `${VERIFY_STEP_PREFIX}Health${n + 1}`,
        inputs: { Duration: 'PT{{ SettleIntervalSeconds }}S' },
      });
    }
  }
  steps.push({
    name: VERIFY_FAILED_STEP,
    action: 'aws:assertAwsResourceProperty',
    description:
      'Health did not come back: fail the execution (a running execution is never Failed, so this assertion always fails).',
    timeoutSeconds: 30,
    onFailure: 'Abort',
    isEnd: true,
    inputs: {
      Service: 'ssm',
      Api: 'GetAutomationExecution',
      AutomationExecutionId: '{{ automation:EXECUTION_ID }}',
      PropertySelector: '$.AutomationExecution.AutomationExecutionStatus',
      DesiredValues: ['Failed'],
    },
  });
  if (opts.next === undefined) {
    steps.push({
      name: VERIFY_PASSED_STEP,
      action: 'aws:sleep',
      description: 'Health came back.',
      timeoutSeconds: 10,
      isEnd: true,
      inputs: { Duration: 'PT0S' },
    });
  }
  return steps;
}
