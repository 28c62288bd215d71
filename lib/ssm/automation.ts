/**
 * SSM Automation documents (schemaVersion 0.3) as typed objects. Vigil's remediation runbooks and
 * DR drills are built with these types by pure functions (lib/remediation/documents/,
 * lib/drills/documents/), checked statically by ./lint.ts, exercised step by step by the local
 * simulator (test/support/automation-sim.ts), and handed to `AWS::SSM::Document` as `Content`.
 * See docs/adr/0009-automation-documents.md for why not @cdklabs/cdk-ssm-documents.
 */

/** The Automation actions Vigil's documents may use: what the simulator runs and the linter accepts. */
export const KNOWN_ACTIONS = [
  'aws:executeAwsApi',
  'aws:waitForAwsResourceProperty',
  'aws:assertAwsResourceProperty',
  'aws:branch',
  'aws:sleep',
  'aws:runCommand',
  'aws:invokeLambdaFunction',
] as const;
export type AutomationAction = (typeof KNOWN_ACTIONS)[number];

/** A document parameter, as SSM declares it. */
export interface AutomationParameter {
  readonly type: 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap';
  readonly description: string;
  readonly default?: string | number | boolean | readonly string[];
  readonly allowedPattern?: string;
  readonly allowedValues?: readonly string[];
}

/** An output a step exposes to later steps as `{{ Step.Name }}`. */
export interface StepOutput {
  readonly Name: string;
  /** JSONPath-like selector into the API response / command result, e.g. `$.Service.TaskDefinition`. */
  readonly Selector: string;
  readonly Type: 'String' | 'Integer' | 'Boolean' | 'StringList' | 'StringMap' | 'MapList';
}

/** One step of `mainSteps`. Every step has a `timeoutSeconds` (the linter enforces it). */
export interface AutomationStep {
  readonly name: string;
  readonly action: AutomationAction;
  readonly description?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly timeoutSeconds: number;
  /** `Abort` (default), `Continue`, or `step:<name>`. */
  readonly onFailure?: string;
  /** `Abort` (default), or `step:<name>`. */
  readonly onCancel?: string;
  readonly nextStep?: string;
  readonly isEnd?: boolean;
  readonly isCritical?: boolean;
  readonly maxAttempts?: number;
  readonly outputs?: readonly StepOutput[];
}

/** A whole Automation document. */
export interface AutomationDocument {
  readonly schemaVersion: '0.3';
  readonly description: string;
  /** The role the automation runs as: a literal ARN (the document's own role) or `{{ AutomationAssumeRole }}`. */
  readonly assumeRole: string;
  readonly parameters: Readonly<Record<string, AutomationParameter>>;
  readonly mainSteps: readonly AutomationStep[];
  /** Values reported as the execution's outputs, `Step.Output`. */
  readonly outputs?: readonly string[];
}

/**
 * Steps whose name starts with this are verification steps: every path of a document that ends in
 * success passes through one (the linter enforces it). "Restarted" never stands in for "fixed".
 */
export const VERIFY_STEP_PREFIX = 'Verify';
