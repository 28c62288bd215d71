/**
 * Pieces every remediation document shares: the options it is built from, its common parameters
 * (the monitor to verify, the settle interval, DryRun), the DryRun branch that skips the action
 * steps, and the assembly `action steps → verify steps` (lib/ssm/verify-steps.ts).
 *
 *   SkipActionsOnDryRun ─DryRun→ VerifyHealth1 …
 *          └─ otherwise → <action steps> → VerifyHealth1 … → VerifyPassed | VerifyFailed
 *
 * Every parameter that reaches a shell or an API has an allowedPattern, so StartAutomationExecution
 * refuses a value that could break out of its quotes or name something unexpected.
 */
import type { AutomationDocument, AutomationParameter, AutomationStep } from '../../ssm/automation.ts';
import { VERIFY_PARAMETERS, verifySteps } from '../../ssm/verify-steps.ts';

/** What every remediation document is built from. */
export interface RemediationDocumentOptions {
  /** The document's own role (a literal ARN or a CDK token), limited to what its steps need. */
  readonly assumeRoleArn: string;
  /** The canary function the verify steps invoke with `{"verify":"<monitor>"}`. */
  readonly canaryFunctionName: string;
  /** The webhook function (lambdas/webhook/) the webhook document invokes. */
  readonly webhookFunctionName: string;
}

/** The name of the DryRun branch, first step of every remediation document. */
export const DRY_RUN_STEP = 'SkipActionsOnDryRun';

/** Parameters of every remediation document: the verify parameters and DryRun. */
export const COMMON_PARAMETERS: Readonly<Record<string, AutomationParameter>> = {
  ...VERIFY_PARAMETERS,
  Monitor: {
    ...VERIFY_PARAMETERS.Monitor,
    // It travels inside the canary's JSON payload: no quotes, backslashes or spaces.
    allowedPattern: '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,255}$',
  },
  DryRun: {
    type: 'Boolean',
    description:
      'true: skip the action steps and only verify (a game-day drill or `vigil remediate --dry-run`).',
    default: false,
  },
};

/** Patterns of the target parameters, shared by the documents that take them. */
export const PATTERNS = {
  /** An EC2 instance, or a hybrid-activated host (`mi-`). */
  instanceId: '^(?:i|mi)-[0-9a-f]{8,17}$',
  /** An absolute path without spaces, quotes or shell characters. */
  directory: '^/[A-Za-z0-9_./@+-]{0,254}$',
  /** Compose service names, space-separated. */
  services: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}( [A-Za-z0-9][A-Za-z0-9_.-]{0,62}){0,19}$',
  seconds: '^[0-9]{1,5}$',
  containerName: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$',
  /** An absolute file path, or empty. */
  optionalFile: '^(/[A-Za-z0-9_.@+-]{1,128}){0,16}$',
} as const;

/** How long a Run Command script may run (each service waits at most HealthyTimeoutSeconds). */
export const RUN_COMMAND_TIMEOUT_SECONDS = 3600;

/**
 * An aws:runCommand step running `commands` with AWS-RunShellScript on `{{ InstanceIds }}`, one
 * host at a time and stopping at the first failure (MaxConcurrency 1, MaxErrors 0): a careful
 * operator restarts a fleet host by host, not all at once.
 */
export function runShellStep(name: string, description: string, commands: string[]): AutomationStep {
  return {
    name,
    action: 'aws:runCommand',
    description,
    timeoutSeconds: RUN_COMMAND_TIMEOUT_SECONDS + 60,
    inputs: {
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: '{{ InstanceIds }}',
      MaxConcurrency: '1',
      MaxErrors: '0',
      Parameters: { commands, executionTimeout: String(RUN_COMMAND_TIMEOUT_SECONDS) },
    },
  };
}

/** The `InstanceIds` parameter of the documents that act on hosts. */
export const INSTANCE_IDS_PARAMETER: AutomationParameter = {
  type: 'StringList',
  description: 'The hosts, registered with Systems Manager (EC2 `i-…` or hybrid-activated `mi-…`).',
  allowedPattern: PATTERNS.instanceId,
};

/**
 * A whole remediation document: the DryRun branch, the action steps, then the verify steps. The
 * action steps run in order and fall through to the first verify step.
 */
export function remediationDocumentOf(
  opts: RemediationDocumentOptions,
  spec: {
    readonly description: string;
    readonly parameters: Readonly<Record<string, AutomationParameter>>;
    readonly actionSteps: readonly AutomationStep[];
    /** Steps reached only by a jump from the action steps (e.g. a deliberate failure), placed after the verify steps. */
    readonly extraSteps?: readonly AutomationStep[];
  },
): AutomationDocument {
  const verify = verifySteps({ canaryFunctionName: opts.canaryFunctionName });
  const firstVerify = firstVerifyStep(opts.canaryFunctionName);
  const firstAction = spec.actionSteps[0];
  if (!firstAction) throw new Error('a remediation document needs at least one action step');
  return {
    schemaVersion: '0.3',
    description: spec.description,
    assumeRole: opts.assumeRoleArn,
    parameters: { ...COMMON_PARAMETERS, ...spec.parameters },
    mainSteps: [
      {
        name: DRY_RUN_STEP,
        action: 'aws:branch',
        description: 'DryRun: skip the action, verify only.',
        timeoutSeconds: 10,
        inputs: {
          Choices: [{ NextStep: firstVerify, Variable: '{{ DryRun }}', BooleanEquals: true }],
          Default: firstAction.name,
        },
      },
      ...spec.actionSteps,
      ...verify,
      ...(spec.extraSteps ?? []),
    ],
  };
}

/** The first verify step: where DryRun and a branch that saw success go. */
export function firstVerifyStep(canaryFunctionName: string): string {
  return (verifySteps({ canaryFunctionName })[0] as AutomationStep).name;
}
