/**
 * Static checks of an Automation document (issue 10: "a static check of every document"). Every
 * document Vigil synthesizes goes through {@link assertLintClean} (lib/constructs/automation-document.ts),
 * so a broken document fails `cdk synth` rather than a 3 a.m. execution.
 *
 * What is checked, one message per problem:
 * - every `{{ X }}` (at any depth of `inputs`, inside longer strings too, and in `assumeRole` and the
 *   document's `outputs`) names a declared parameter, an output of an existing step, an automation
 *   variable or a Parameter Store reference;
 * - every action is one of KNOWN_ACTIONS, every step has a positive `timeoutSeconds`, step names are
 *   unique and match /^[A-Za-z0-9_]+$/;
 * - every `nextStep`, `step:` `onFailure` / `onCancel` target and aws:branch `NextStep` / `Default`
 *   names a step;
 * - no step is unreachable from the first step;
 * - every path that ends in success passes through a step named `Verify…` ("restarted" never
 *   stands in for "fixed"), following nextStep, fall-through and aws:branch edges, and onFailure
 *   edges only of steps with `isCritical: false` (a critical step's failure fails the execution);
 * - every declared parameter is used.
 */
import {
  type AutomationDocument,
  type AutomationStep,
  KNOWN_ACTIONS,
  VERIFY_STEP_PREFIX,
} from './automation.ts';

/** Step names SSM accepts and the linter allows (letters, digits, underscores). */
const STEP_NAME = /^[A-Za-z0-9_]+$/;

/**
 * `{{ X }}` references. SSM allows spaces inside the braces; `X` is a parameter, `Step.Output`,
 * `automation:…`, `global:…` or `ssm:/parameter/name`.
 */
const REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/**
 * System variables Automation resolves (AWS Systems Manager user guide, "Variables in runbooks":
 * global:ACCOUNT_ID, global:DATE, global:DATE_TIME, global:AWS_PARTITION, global:REGION,
 * global:URL_SUFFIX, automation:EXECUTION_ID).
 */
export const AUTOMATION_VARIABLES: readonly string[] = [
  'automation:EXECUTION_ID',
  'global:ACCOUNT_ID',
  'global:AWS_PARTITION',
  'global:DATE',
  'global:DATE_TIME',
  'global:REGION',
  'global:URL_SUFFIX',
];

/**
 * Outputs an action exposes without declaring them (the Automation actions reference lists them
 * under each action's "Output"). aws:executeAwsApi exposes only the outputs a step declares.
 */
export const BUILT_IN_OUTPUTS: Readonly<Partial<Record<string, readonly string[]>>> = {
  'aws:runCommand': ['CommandId', 'Status', 'ResponseCode', 'Output'],
  'aws:invokeLambdaFunction': ['StatusCode', 'FunctionError', 'LogResult', 'Payload'],
};

/** Every `{{ X }}` in a value, with the path it was found at (`inputs.Parameters.commands[2]`). */
export function findReferences(value: unknown, path: string): { path: string; ref: string }[] {
  const found: { path: string; ref: string }[] = [];
  const walk = (v: unknown, p: string): void => {
    if (typeof v === 'string') {
      for (const match of v.matchAll(REFERENCE)) found.push({ path: p, ref: match[1] as string });
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(item, `${p}[${i}]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) walk(item, `${p}.${key}`);
    }
  };
  walk(value, path);
  return found;
}

/** The step names a step may go to next when it succeeds: nextStep, branch choices, fall-through. */
function successors(doc: AutomationDocument, index: number): string[] {
  const step = doc.mainSteps[index] as AutomationStep;
  const following = doc.mainSteps[index + 1]?.name;
  if (step.action === 'aws:branch') {
    const choices = branchChoices(step).map((c) => c.NextStep);
    const fallback = typeof step.inputs.Default === 'string' ? step.inputs.Default : undefined;
    // aws:branch: "If no default value is specified for the step, the automation processes the
    // next step in the runbook" (Automation actions reference, aws:branch).
    const otherwise = fallback ?? (step.isEnd ? undefined : following);
    return [...choices.filter((c): c is string => typeof c === 'string'), ...(otherwise ? [otherwise] : [])];
  }
  if (step.nextStep) return [step.nextStep];
  if (step.isEnd) return [];
  return following ? [following] : [];
}

/** True when the execution can end successfully right after this step. */
function canEndAfter(doc: AutomationDocument, index: number): boolean {
  const step = doc.mainSteps[index] as AutomationStep;
  const last = index === doc.mainSteps.length - 1;
  if (step.action === 'aws:branch') {
    return typeof step.inputs.Default !== 'string' && (step.isEnd === true || last);
  }
  if (step.nextStep) return false;
  return step.isEnd === true || last;
}

/** The step names a failed (or cancelled) step may go to. */
function failureSuccessors(doc: AutomationDocument, index: number): string[] {
  const step = doc.mainSteps[index] as AutomationStep;
  const out: string[] = [];
  for (const route of [step.onFailure, step.onCancel]) {
    if (route?.startsWith('step:')) out.push(route.slice('step:'.length));
  }
  if (step.onFailure === 'Continue' && !step.isEnd) {
    const next = step.nextStep ?? doc.mainSteps[index + 1]?.name;
    if (next) out.push(next);
  }
  return out;
}

interface BranchChoice {
  readonly NextStep?: unknown;
  readonly [key: string]: unknown;
}

function branchChoices(step: AutomationStep): BranchChoice[] {
  const choices = step.inputs.Choices;
  return Array.isArray(choices) ? (choices as BranchChoice[]) : [];
}

/**
 * Every problem of an Automation document, one message each; empty when the document is clean.
 * Messages name the step (and the input path) and say what to change.
 */
export function lintAutomationDocument(doc: AutomationDocument): string[] {
  const problems: string[] = [];
  const steps = doc.mainSteps;
  if (steps.length === 0) return ['mainSteps is empty: a document needs at least one step'];

  const byName = new Map<string, AutomationStep>();
  const indexOf = new Map<string, number>();
  steps.forEach((step, i) => {
    if (!STEP_NAME.test(step.name)) {
      problems.push(`mainSteps[${i}]: step name "${step.name}" must match /^[A-Za-z0-9_]+$/`);
    }
    if (byName.has(step.name)) {
      problems.push(
        `mainSteps[${i}]: step name ${step.name} is already used by mainSteps[${indexOf.get(step.name)}]`,
      );
    } else {
      byName.set(step.name, step);
      indexOf.set(step.name, i);
    }
  });

  // Actions and timeouts.
  for (const step of steps) {
    if (!(KNOWN_ACTIONS as readonly string[]).includes(step.action)) {
      problems.push(
        `step ${step.name}: unknown action ${step.action}; use one of ${KNOWN_ACTIONS.join(', ')}`,
      );
    }
    if (
      !(
        typeof step.timeoutSeconds === 'number' &&
        Number.isFinite(step.timeoutSeconds) &&
        step.timeoutSeconds > 0
      )
    ) {
      problems.push(
        `step ${step.name}: timeoutSeconds must be a positive number of seconds (got ${step.timeoutSeconds})`,
      );
    }
  }

  // Jump targets.
  for (const step of steps) {
    if (step.nextStep !== undefined && !byName.has(step.nextStep)) {
      problems.push(`step ${step.name}: nextStep names no step: ${step.nextStep}`);
    }
    for (const [field, route, allowed] of [
      ['onFailure', step.onFailure, ['Abort', 'Continue']],
      ['onCancel', step.onCancel, ['Abort']],
    ] as const) {
      if (route === undefined || (allowed as readonly string[]).includes(route)) continue;
      if (!route.startsWith('step:')) {
        problems.push(
          `step ${step.name}: ${field} must be ${allowed.join(', ')} or step:<name> (got ${route})`,
        );
      } else if (!byName.has(route.slice('step:'.length))) {
        problems.push(`step ${step.name}: ${field} names no step: ${route.slice('step:'.length)}`);
      }
    }
    if (step.action === 'aws:branch') {
      const choices = branchChoices(step);
      if (choices.length === 0)
        problems.push(`step ${step.name}: aws:branch needs at least one entry in Choices`);
      choices.forEach((choice, i) => {
        if (typeof choice.NextStep !== 'string' || !byName.has(choice.NextStep)) {
          problems.push(
            `step ${step.name}: Choices[${i}].NextStep names no step: ${String(choice.NextStep)}`,
          );
        }
      });
      const fallback = step.inputs.Default;
      if (fallback !== undefined && (typeof fallback !== 'string' || !byName.has(fallback))) {
        problems.push(`step ${step.name}: Default names no step: ${String(fallback)}`);
      }
    }
  }

  // References, and which parameters they use.
  const used = new Set<string>();
  const checkRef = (where: string, ref: string): void => {
    if (ref.startsWith('ssm:')) return; // a Parameter Store reference, resolved by SSM at run time
    if (ref.includes(':')) {
      if (!AUTOMATION_VARIABLES.includes(ref)) {
        problems.push(
          `${where}: {{ ${ref} }} is not an automation variable (${AUTOMATION_VARIABLES.join(', ')})`,
        );
      }
      return;
    }
    const dot = ref.indexOf('.');
    if (dot < 0) {
      if (ref in doc.parameters) used.add(ref);
      else problems.push(`${where}: {{ ${ref} }} is not a declared parameter; declare it under parameters`);
      return;
    }
    const stepName = ref.slice(0, dot);
    const output = ref.slice(dot + 1);
    const target = byName.get(stepName);
    if (!target) {
      problems.push(`${where}: {{ ${ref} }} names no step: ${stepName}`);
      return;
    }
    const outputs = [
      ...(target.outputs ?? []).map((o) => o.Name),
      ...(BUILT_IN_OUTPUTS[target.action] ?? []),
    ];
    if (!outputs.includes(output)) {
      problems.push(
        `${where}: {{ ${ref} }}: step ${stepName} (${target.action}) has no output ${output}` +
          (outputs.length > 0 ? `; it has ${outputs.join(', ')}` : '; declare it under the step outputs'),
      );
    }
  };
  for (const { ref } of findReferences(doc.assumeRole, 'assumeRole')) checkRef('assumeRole', ref);
  for (const step of steps) {
    for (const { path, ref } of findReferences(step.inputs, 'inputs'))
      checkRef(`step ${step.name} ${path}`, ref);
  }
  (doc.outputs ?? []).forEach((out, i) => {
    // Document outputs are written `Step.Output`, without braces.
    checkRef(`outputs[${i}]`, out.replace(/^\{\{\s*|\s*\}\}$/g, ''));
  });
  for (const name of Object.keys(doc.parameters)) {
    if (!used.has(name)) problems.push(`parameter ${name} is declared but never used; remove it or use it`);
  }

  // Reachability from the first step, over every edge (success and failure).
  const first = steps[0] as AutomationStep;
  const reached = new Set<string>([first.name]);
  const queue = [first.name];
  while (queue.length > 0) {
    const index = indexOf.get(queue.shift() as string) as number;
    for (const next of [...successors(doc, index), ...failureSuccessors(doc, index)]) {
      if (byName.has(next) && !reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  for (const step of steps) {
    if (!reached.has(step.name))
      problems.push(`step ${step.name} is unreachable from the first step (${first.name})`);
  }

  // Ends in verify: search the success edges among steps that are not verification steps; reaching
  // a step after which the execution can end successfully is a path that skipped verification.
  const isVerify = (name: string) => name.startsWith(VERIFY_STEP_PREFIX);
  if (!isVerify(first.name)) {
    const parent = new Map<string, string | undefined>([[first.name, undefined]]);
    const open = [first.name];
    let unverifiedEnd: string | undefined;
    while (open.length > 0 && unverifiedEnd === undefined) {
      const name = open.shift() as string;
      const index = indexOf.get(name) as number;
      if (canEndAfter(doc, index)) {
        unverifiedEnd = name;
        break;
      }
      // A failure of a step with isCritical: false does not fail the execution, so its onFailure
      // route can still end in success ("Handling timeouts in runbooks" in the user guide).
      const step = steps[index] as AutomationStep;
      const onward = [
        ...successors(doc, index),
        ...(step.isCritical === false ? failureSuccessors(doc, index) : []),
      ];
      for (const next of onward) {
        if (byName.has(next) && !isVerify(next) && !parent.has(next)) {
          parent.set(next, name);
          open.push(next);
        }
      }
    }
    if (unverifiedEnd !== undefined) {
      const path: string[] = [];
      for (let at: string | undefined = unverifiedEnd; at !== undefined; at = parent.get(at))
        path.unshift(at);
      problems.push(
        `the path ${path.join(' → ')} ends in success without a verification step; ` +
          `every successful path must pass a step named ${VERIFY_STEP_PREFIX}…`,
      );
    }
  }

  return problems;
}

/** Thrown by {@link assertLintClean}: every problem of one document. */
export class AutomationLintError extends Error {
  constructor(
    readonly documentName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Automation document ${documentName} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'AutomationLintError';
  }
}

/** Throws an {@link AutomationLintError} naming the document and listing every problem, if any. */
export function assertLintClean(name: string, doc: AutomationDocument): void {
  const problems = lintAutomationDocument(doc);
  if (problems.length > 0) throw new AutomationLintError(name, problems);
}
