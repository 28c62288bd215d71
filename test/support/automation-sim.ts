/**
 * A local simulator of SSM Automation (schemaVersion 0.3) for the actions in KNOWN_ACTIONS, so
 * every remediation and drill document's control flow is run in tests, not only read (issues 10
 * and 11). AWS calls go to test hooks; aws:runCommand shells can run for real through
 * {@link localShell}; time is virtual (sleeps and waits advance a clock, nothing really waits).
 * Why our own and not @cdklabs/cdk-ssm-documents: docs/adr/0009-automation-documents.md.
 *
 * Semantics follow the AWS Systems Manager user guide ("Automation actions reference", "Using
 * conditional statements in runbooks", "Handling timeouts in runbooks"); each rule below cites
 * its source. Where AWS documents nothing, the simulator takes the reading that fails sooner, and
 * says so, so a document that passes here does not rely on undocumented leniency.
 *
 *   const result = await simulateAutomation(doc, { Monitor: 'madef-api' }, {
 *     aws: ({ Service, Api, params }) => ({ ... }),
 *     runCommand: localShell({ pathPrepend: [fakeBinDir] }),
 *     invokeLambda: async () => ({ Payload: '{"ok":true}' }),
 *   });
 *   expect(result.steps.map((s) => s.name)).toEqual([...]);
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AutomationDocument,
  AutomationParameter,
  AutomationStep,
  StepOutput,
} from '../../lib/ssm/automation.ts';

/** One AWS API call made by aws:executeAwsApi, aws:waitForAwsResourceProperty or aws:assertAwsResourceProperty. */
export interface AwsCall {
  readonly Service: string;
  readonly Api: string;
  readonly params: Record<string, unknown>;
}

/** What the world answers. A hook that is needed but missing fails the step that needed it. */
export interface SimHooks {
  /** aws:executeAwsApi / waitFor / assert: the API's response (PascalCase as the API returns it); throw to fail the call. */
  aws?(call: AwsCall): unknown | Promise<unknown>;
  /** aws:runCommand: DocumentName, InstanceIds, Parameters (commands, workingDirectory, executionTimeout...). */
  runCommand?(input: {
    DocumentName: string;
    InstanceIds: readonly string[];
    Parameters: Record<string, unknown>;
  }): Promise<{ Status: 'Success' | 'Failed' | 'TimedOut'; Output: string }>;
  /** aws:invokeLambdaFunction */
  invokeLambda?(input: {
    FunctionName: string;
    Payload: string;
  }): Promise<{ Payload: string; FunctionError?: string; StatusCode?: number }>;
}

export type SimStatus = 'Success' | 'Failed' | 'TimedOut';

/** One step as it ran (a step run twice, in a loop, appears twice). */
export interface SimStep {
  readonly name: string;
  readonly action: string;
  readonly status: SimStatus;
  /** The inputs after `{{ }}` resolution. */
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly error?: string;
  readonly attempts: number;
  /** Virtual seconds since the execution started. */
  readonly startedAtSeconds: number;
}

export interface SimResult {
  readonly status: SimStatus;
  readonly steps: SimStep[];
  /** The first critical step that failed, if any. */
  readonly failedStep?: string;
  /** The document's `outputs`, `Step.Output` → value. */
  readonly outputs: Record<string, unknown>;
  readonly elapsedSeconds: number;
  readonly awsCalls: AwsCall[];
}

export interface SimOptions {
  /** Steps run before the simulation gives up on a loop. @default 500 */
  readonly maxSteps?: number;
  /** Seconds between polls of aws:waitForAwsResourceProperty. @default 15 */
  readonly pollSeconds?: number;
  /** `{{ automation:EXECUTION_ID }}`. @default 'sim-execution-0001' */
  readonly executionId?: string;
  /** Wall-clock time of virtual second 0, for global:DATE / DATE_TIME and aws:sleep Timestamp. @default 2026-01-04T03:00:00Z */
  readonly startTime?: Date;
}

export type ParamValue = string | number | boolean | readonly string[] | Readonly<Record<string, unknown>>;

/** A document bug the simulator refuses to guess about (bad parameters, a jump to no step, a loop). */
export class SimulationError extends Error {
  override name = 'SimulationError';
}

/** Run Command's inline output limit (amazon-ssm-agent `MaximumPluginOutputSize`, 2,500 characters). */
export const RUN_COMMAND_OUTPUT_LIMIT = 2500;

/**
 * Runs a document from its first step to its end. Throws {@link SimulationError} for problems of the
 * document or its parameters; a failing step is a result, not an exception.
 */
export async function simulateAutomation(
  doc: AutomationDocument,
  params: Record<string, ParamValue>,
  hooks: SimHooks,
  options: SimOptions = {},
): Promise<SimResult> {
  const maxSteps = options.maxSteps ?? 500;
  const pollSeconds = options.pollSeconds ?? 15;
  const executionId = options.executionId ?? 'sim-execution-0001';
  const startTime = options.startTime ?? new Date('2026-01-04T03:00:00Z');

  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(resolveParameters(doc.parameters, params)))
    values.set(name, value);
  const iso = startTime.toISOString();
  values.set('automation:EXECUTION_ID', executionId);
  values.set('global:ACCOUNT_ID', '123456789012');
  values.set('global:REGION', 'eu-central-1');
  values.set('global:AWS_PARTITION', 'aws');
  values.set('global:URL_SUFFIX', 'amazonaws.com');
  values.set('global:DATE', iso.slice(0, 10));
  values.set('global:DATE_TIME', `${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(':', '.')}`);

  const indexOf = new Map(doc.mainSteps.map((s, i) => [s.name, i]));
  const stepIndex = (name: string, from: string): number => {
    const i = indexOf.get(name);
    if (i === undefined)
      throw new SimulationError(`step ${from} goes to ${name}, which is no step of the document`);
    return i;
  };

  const steps: SimStep[] = [];
  const awsCalls: AwsCall[] = [];
  let clock = 0;
  let status: SimStatus = 'Success';
  let failedStep: string | undefined;
  let index: number | undefined = doc.mainSteps.length > 0 ? 0 : undefined;

  const ctx: StepContext = { hooks, awsCalls, pollSeconds, executionId, startTime, clock: () => clock };

  while (index !== undefined) {
    if (steps.length >= maxSteps) {
      const recent = steps.slice(-5).map((s) => s.name);
      throw new SimulationError(
        `ran ${maxSteps} steps without ending (a loop?); last steps: ${recent.join(', ')}`,
      );
    }
    const step = doc.mainSteps[index] as AutomationStep;
    const startedAt = clock;
    // "maxAttempts: The number of times the step should be retried in case of failure" (default 1);
    // timeoutSeconds bounds each attempt (Automation actions reference, shared properties).
    const maxAttempts = Math.max(1, step.maxAttempts ?? 1);
    let attempts = 0;
    let run: StepRun;
    let inputs: Record<string, unknown> = {};
    do {
      attempts += 1;
      try {
        inputs = resolveValue(step.inputs, values) as Record<string, unknown>;
        run = await runAction(step, inputs, ctx);
      } catch (error) {
        if (error instanceof SimulationError) throw error;
        run = { status: 'Failed', outputs: {}, seconds: 0, error: (error as Error).message };
      }
      clock += run.seconds;
    } while (run.status !== 'Success' && attempts < maxAttempts);

    steps.push({
      name: step.name,
      action: step.action,
      status: run.status,
      inputs,
      outputs: run.outputs,
      ...(run.error === undefined ? {} : { error: run.error }),
      attempts,
      startedAtSeconds: startedAt,
    });
    for (const [name, value] of Object.entries(run.outputs)) values.set(`${step.name}.${name}`, value);

    if (run.status === 'Success') {
      if (step.action === 'aws:branch') {
        // aws:branch: the first true choice's NextStep, else Default, else "the automation
        // processes the next step in the runbook" (Automation actions reference, aws:branch).
        const target = run.next ?? (typeof inputs.Default === 'string' ? inputs.Default : undefined);
        index =
          target !== undefined
            ? stepIndex(target, step.name)
            : step.isEnd
              ? undefined
              : following(doc, index);
      } else if (step.nextStep !== undefined) {
        index = stepIndex(step.nextStep, step.name);
      } else {
        // isEnd "stops an automation at the end of a specific step"; otherwise steps run "in
        // sequential order" (Using conditional statements in runbooks).
        index = step.isEnd ? undefined : following(doc, index);
      }
      continue;
    }

    // A failed (or timed-out) step. isCritical (default true) "designates a step as critical for the
    // successful completion of the automation. If a step with this designation fails, then
    // Automation reports the final status of the automation as Failed" — even when onFailure routes
    // on; a timeout makes it TimedOut (Handling timeouts in runbooks).
    if (step.isCritical !== false && failedStep === undefined) {
      failedStep = step.name;
      status = run.status;
    }
    const onFailure = step.onFailure ?? 'Abort';
    if (onFailure === 'Abort') {
      if (step.isCritical === false) {
        // Undocumented: Abort on a non-critical step. Conservative reading: it still stops the execution, as Failed.
        failedStep ??= step.name;
        status = status === 'Success' ? run.status : status;
      }
      index = undefined;
    } else if (onFailure === 'Continue') {
      // "Continue will ignore the failure of current step and allow automation to run the next step"
      // (StepExecution.ValidNextSteps, SSM API reference); nextStep is that next step when present.
      index = step.isEnd
        ? undefined
        : step.nextStep !== undefined
          ? stepIndex(step.nextStep, step.name)
          : following(doc, index);
    } else if (onFailure.startsWith('step:')) {
      index = stepIndex(onFailure.slice('step:'.length), step.name);
    } else {
      throw new SimulationError(
        `step ${step.name}: onFailure ${onFailure} is not Abort, Continue or step:<name>`,
      );
    }
  }

  const outputs: Record<string, unknown> = {};
  for (const out of doc.outputs ?? []) outputs[out] = values.get(out);
  return {
    status,
    steps,
    ...(failedStep === undefined ? {} : { failedStep }),
    outputs,
    elapsedSeconds: clock,
    awsCalls,
  };
}

function following(doc: AutomationDocument, index: number): number | undefined {
  return index + 1 < doc.mainSteps.length ? index + 1 : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parameters and references

/**
 * Declared defaults applied; unknown or missing required parameters, wrong types, and values
 * outside allowedPattern / allowedValues throw, as StartAutomationExecution refuses them.
 */
export function resolveParameters(
  declared: Readonly<Record<string, AutomationParameter>>,
  given: Record<string, ParamValue>,
): Record<string, unknown> {
  for (const name of Object.keys(given)) {
    if (!(name in declared)) {
      throw new SimulationError(
        `parameter ${name} is not declared by the document (it has ${Object.keys(declared).join(', ')})`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(declared)) {
    const raw = name in given ? given[name] : decl.default;
    if (raw === undefined) throw new SimulationError(`parameter ${name} is required (it has no default)`);
    const value = coerce(name, decl, raw);
    const strings =
      decl.type === 'StringList' ? (value as string[]) : typeof value === 'string' ? [value] : [];
    if (decl.allowedPattern !== undefined) {
      const pattern = new RegExp(decl.allowedPattern);
      for (const s of strings) {
        if (!pattern.test(s))
          throw new SimulationError(
            `parameter ${name}: ${JSON.stringify(s)} does not match allowedPattern ${decl.allowedPattern}`,
          );
      }
    }
    if (decl.allowedValues !== undefined) {
      for (const s of decl.type === 'StringList' ? strings : [String(value)]) {
        if (!decl.allowedValues.includes(s)) {
          throw new SimulationError(
            `parameter ${name}: ${JSON.stringify(s)} is not one of allowedValues ${decl.allowedValues.join(', ')}`,
          );
        }
      }
    }
    out[name] = value;
  }
  return out;
}

function coerce(name: string, decl: AutomationParameter, raw: ParamValue): unknown {
  const bad = (): never => {
    throw new SimulationError(`parameter ${name}: ${JSON.stringify(raw)} is not a ${decl.type}`);
  };
  switch (decl.type) {
    case 'String':
      return typeof raw === 'string' ? raw : bad();
    case 'Integer': {
      // StartAutomationExecution takes every value as a string; "42" is an Integer, "4.2" is not.
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^-?\d+$/.test(raw)
            ? Number(raw)
            : Number.NaN;
      return Number.isInteger(n) ? n : bad();
    }
    case 'Boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : bad();
    case 'StringList':
      return Array.isArray(raw) && raw.every((s) => typeof s === 'string') ? [...raw] : bad();
    case 'StringMap':
      return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : bad();
  }
}

const WHOLE_REFERENCE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;
const ANY_REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Raised when a reference has no value yet: the step that needs it fails. */
class UnresolvedReferenceError extends Error {}

/**
 * `{{ X }}` alone keeps X's type (an Integer stays a number, a StringList stays a list and is
 * spliced into an enclosing list, as the aws:runCommand example `InstanceIds: ['{{ InstanceIds }}']`
 * shows); inside a longer string it is interpolated. A list or map inside a longer string is not
 * documented: refused. `{{ ssm:... }}` Parameter Store references are left as written.
 */
export function resolveValue(value: unknown, values: ReadonlyMap<string, unknown>): unknown {
  const lookup = (ref: string): unknown => {
    if (!values.has(ref))
      throw new UnresolvedReferenceError(`{{ ${ref} }} has no value (a step output that was not produced?)`);
    return values.get(ref);
  };
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole && !(whole[1] as string).startsWith('ssm:')) return lookup(whole[1] as string);
    return value.replace(ANY_REFERENCE, (text, ref: string) => {
      if (ref.startsWith('ssm:')) return text;
      const v = lookup(ref);
      if (v !== null && typeof v === 'object') {
        throw new UnresolvedReferenceError(
          `{{ ${ref} }} is a list or map and cannot be interpolated into "${value}"`,
        );
      }
      return String(v);
    });
  }
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const resolved = resolveValue(item, values);
      return typeof item === 'string' && WHOLE_REFERENCE.test(item) && Array.isArray(resolved)
        ? resolved
        : [resolved];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, values)]));
  }
  return value;
}

/**
 * A `$.A.B[0].C` selector applied to a response; `undefined` when the path is absent. (AWS's
 * selectors are JSONPath; Vigil's documents use only this dotted-and-indexed subset.)
 */
export function select(response: unknown, selector: string): unknown {
  if (!selector.startsWith('$')) throw new SimulationError(`selector ${selector} must start with $`);
  const tokens = [...selector.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)];
  if (tokens.map((t) => t[0]).join('') !== selector.slice(1)) {
    throw new SimulationError(
      `selector ${selector} uses JSONPath the simulator does not model (only .Name and [n])`,
    );
  }
  let at: unknown = response;
  for (const t of tokens) {
    if (at === null || typeof at !== 'object') return undefined;
    at = t[1] !== undefined ? (at as Record<string, unknown>)[t[1]] : (at as unknown[])[Number(t[2])];
  }
  return at;
}

function typed(out: StepOutput, value: unknown): unknown {
  if (value === undefined) return undefined;
  switch (out.Type) {
    case 'String':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'Integer':
      return Number(value);
    case 'Boolean':
      return value === true || value === 'true';
    case 'StringList':
      return Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
        : [String(value)];
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

interface StepContext {
  readonly hooks: SimHooks;
  readonly awsCalls: AwsCall[];
  readonly pollSeconds: number;
  readonly executionId: string;
  readonly startTime: Date;
  clock(): number;
}

interface StepRun {
  readonly status: SimStatus;
  readonly outputs: Record<string, unknown>;
  /** Virtual seconds the attempt took. */
  readonly seconds: number;
  readonly error?: string;
  /** aws:branch: the NextStep of the first true choice. */
  readonly next?: string;
}

const ok = (outputs: Record<string, unknown> = {}, seconds = 0): StepRun => ({
  status: 'Success',
  outputs,
  seconds,
});
const failed = (error: string, seconds = 0, status: SimStatus = 'Failed'): StepRun => ({
  status,
  outputs: {},
  seconds,
  error,
});

async function runAction(
  step: AutomationStep,
  inputs: Record<string, unknown>,
  ctx: StepContext,
): Promise<StepRun> {
  switch (step.action) {
    case 'aws:executeAwsApi': {
      const response = await callAws(inputs, ctx);
      const outputs: Record<string, unknown> = {};
      // A selector that matches nothing leaves the output unset; a later reference to it fails
      // its step (AWS does not document this case; failing is the conservative reading).
      for (const out of step.outputs ?? []) {
        const v = typed(out, select(response, out.Selector));
        if (v !== undefined) outputs[out.Name] = v;
      }
      return ok(outputs);
    }
    case 'aws:waitForAwsResourceProperty': {
      // Polls until the selected property is one of DesiredValues; the step's timeoutSeconds ends
      // it as timed out. The poll interval is not documented: pollSeconds (15 by default).
      const { selector, desired } = propertyCheck(step, inputs);
      let waited = 0;
      for (;;) {
        const value = select(await callAws(inputs, ctx), selector);
        if (desired.includes(stringOf(value))) return ok({}, waited);
        if (waited + ctx.pollSeconds >= step.timeoutSeconds) {
          return failed(
            `${selector} was ${stringOf(value)} after ${step.timeoutSeconds} s; wanted ${desired.join(' or ')}`,
            step.timeoutSeconds,
            'TimedOut',
          );
        }
        waited += ctx.pollSeconds;
      }
    }
    case 'aws:assertAwsResourceProperty': {
      const { selector, desired } = propertyCheck(step, inputs);
      const value = select(await callAws(inputs, ctx), selector);
      return desired.includes(stringOf(value))
        ? ok()
        : failed(`${selector} is ${stringOf(value)}; wanted ${desired.join(' or ')}`);
    }
    case 'aws:branch': {
      const choices = inputs.Choices;
      if (!Array.isArray(choices)) throw new SimulationError(`step ${step.name}: aws:branch needs Choices`);
      for (const choice of choices as Record<string, unknown>[]) {
        if (evaluateChoice(step.name, choice)) return { ...ok(), next: String(choice.NextStep) };
      }
      return ok();
    }
    case 'aws:sleep': {
      const seconds =
        inputs.Duration !== undefined
          ? isoDurationSeconds(step.name, String(inputs.Duration))
          : Math.max(
              0,
              (Date.parse(String(inputs.Timestamp)) - ctx.startTime.getTime()) / 1000 - ctx.clock(),
            );
      if (Number.isNaN(seconds))
        throw new SimulationError(`step ${step.name}: aws:sleep needs a Duration or a Timestamp`);
      // A sleep longer than the step's timeout: not documented; the conservative reading is a timeout.
      if (seconds > step.timeoutSeconds)
        return failed(`slept past timeoutSeconds ${step.timeoutSeconds}`, step.timeoutSeconds, 'TimedOut');
      return ok({}, seconds);
    }
    case 'aws:runCommand': {
      if (!ctx.hooks.runCommand) return failed('no runCommand hook given to the simulator');
      const instanceIds = inputs.InstanceIds;
      const result = await ctx.hooks.runCommand({
        DocumentName: String(inputs.DocumentName),
        InstanceIds: Array.isArray(instanceIds) ? instanceIds.map(String) : [String(instanceIds)],
        Parameters: (inputs.Parameters ?? {}) as Record<string, unknown>,
      });
      const output = result.Output.slice(0, RUN_COMMAND_OUTPUT_LIMIT);
      const outputs = {
        CommandId: `sim-command-${ctx.awsCalls.length}-${step.name}`,
        Status: result.Status,
        ResponseCode: result.Status === 'Success' ? 0 : 1,
        Output: output,
      };
      // The step fails unless the command succeeded on every instance.
      if (result.Status === 'Success') return ok(outputs);
      return {
        status: result.Status === 'TimedOut' ? 'TimedOut' : 'Failed',
        outputs,
        seconds: 0,
        error: `command ${result.Status}: ${output}`,
      };
    }
    case 'aws:invokeLambdaFunction': {
      if (!ctx.hooks.invokeLambda) return failed('no invokeLambda hook given to the simulator');
      const payload =
        inputs.InputPayload !== undefined
          ? JSON.stringify(inputs.InputPayload)
          : inputs.Payload === undefined
            ? '{}'
            : String(inputs.Payload);
      const result = await ctx.hooks.invokeLambda({
        FunctionName: String(inputs.FunctionName),
        Payload: payload,
      });
      const outputs: Record<string, unknown> = {
        Payload: result.Payload,
        StatusCode: result.StatusCode ?? 200,
      };
      if (result.FunctionError !== undefined) outputs.FunctionError = result.FunctionError;
      // Whether a FunctionError fails the step is not documented: the simulator fails it, and
      // documents also check the payload, so they are right either way.
      if (result.FunctionError !== undefined)
        return {
          status: 'Failed',
          outputs,
          seconds: 0,
          error: `FunctionError ${result.FunctionError}: ${result.Payload}`,
        };
      return ok(outputs);
    }
  }
  throw new SimulationError(`step ${step.name}: the simulator does not run ${String(step.action)}`);
}

/** Inputs of an API step other than Service, Api and the property check: the API's own parameters. */
const STEP_ONLY_INPUTS = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

async function callAws(inputs: Record<string, unknown>, ctx: StepContext): Promise<unknown> {
  const params = Object.fromEntries(Object.entries(inputs).filter(([k]) => !STEP_ONLY_INPUTS.has(k)));
  const call: AwsCall = { Service: String(inputs.Service), Api: String(inputs.Api), params };
  ctx.awsCalls.push(call);
  // The execution's own status, which a running execution reports as InProgress: answered here so
  // the "fail deterministically" step of lib/ssm/verify-steps.ts needs no hook.
  if (
    call.Service === 'ssm' &&
    call.Api === 'GetAutomationExecution' &&
    params.AutomationExecutionId === ctx.executionId
  ) {
    return {
      AutomationExecution: {
        AutomationExecutionId: ctx.executionId,
        AutomationExecutionStatus: 'InProgress',
      },
    };
  }
  if (!ctx.hooks.aws) throw new Error(`no aws hook given to the simulator for ${call.Service}:${call.Api}`);
  return await ctx.hooks.aws(call);
}

function propertyCheck(
  step: AutomationStep,
  inputs: Record<string, unknown>,
): { selector: string; desired: string[] } {
  const selector = inputs.PropertySelector;
  const desired = inputs.DesiredValues;
  if (typeof selector !== 'string' || !Array.isArray(desired)) {
    throw new SimulationError(`step ${step.name}: ${step.action} needs PropertySelector and DesiredValues`);
  }
  return { selector, desired: desired.map(String) };
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '(nothing)' : JSON.stringify(value);
}

/** `PT10M`, `PT1H30M`, `PT45S`, `P1D`, `PT0S`: seconds; anything else is a document bug. */
export function isoDurationSeconds(stepName: string, text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T'))
    throw new SimulationError(`step ${stepName}: ${text} is not an ISO 8601 duration`);
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}

/** The comparison operators of aws:branch (Using conditional statements in runbooks). */
const OPERATORS: Record<string, (variable: unknown, operand: unknown) => boolean> = {
  StringEquals: (v, o) => String(v) === String(o),
  EqualsIgnoreCase: (v, o) => String(v).toLowerCase() === String(o).toLowerCase(),
  StartsWith: (v, o) => String(v).startsWith(String(o)),
  EndsWith: (v, o) => String(v).endsWith(String(o)),
  Contains: (v, o) => (Array.isArray(v) ? v.map(String).includes(String(o)) : String(v).includes(String(o))),
  NumericEquals: (v, o) => Number(v) === Number(o),
  NumericGreater: (v, o) => Number(v) > Number(o),
  NumericLesser: (v, o) => Number(v) < Number(o),
  NumericGreaterOrEquals: (v, o) => Number(v) >= Number(o),
  NumericLesserOrEquals: (v, o) => Number(v) <= Number(o),
  BooleanEquals: (v, o) => (v === true || v === 'true') === (o === true || o === 'true'),
};

function evaluateChoice(stepName: string, choice: Record<string, unknown>): boolean {
  if (Array.isArray(choice.And))
    return (choice.And as Record<string, unknown>[]).every((c) => evaluateChoice(stepName, c));
  if (Array.isArray(choice.Or))
    return (choice.Or as Record<string, unknown>[]).some((c) => evaluateChoice(stepName, c));
  if (choice.Not !== undefined) return !evaluateChoice(stepName, choice.Not as Record<string, unknown>);
  const operator = Object.keys(choice).find((k) => k in OPERATORS);
  if (operator === undefined || !('Variable' in choice)) {
    throw new SimulationError(
      `step ${stepName}: a choice needs Variable and one of ${Object.keys(OPERATORS).join(', ')}, And, Or, Not`,
    );
  }
  return (OPERATORS[operator] as (v: unknown, o: unknown) => boolean)(choice.Variable, choice[operator]);
}

// ---------------------------------------------------------------------------------------------
// Run Command, for real

/**
 * The text Run Command reports as a command's output: stdout, then, when there is any stderr,
 * `----------ERROR-------` and stderr, cut to 2,500 characters with truncation markers
 * (amazon-ssm-agent `contracts.TruncateOutput`).
 */
export function agentOutput(stdout: string, stderr: string, capacity = RUN_COMMAND_OUTPUT_LIMIT): string {
  const truncOut = '\n---Output truncated---';
  const truncErr = '\n---Error truncated----';
  const title = stderr.length > 0 ? '\n----------ERROR-------\n' : '';
  const room = capacity - title.length;
  if (stdout.length + stderr.length < room) return `${stdout}${title}${stderr}`;
  if (stdout.length > room / 2 && stderr.length > room / 2) {
    const half = Math.floor((room - truncErr.length - truncOut.length) / 2);
    return `${stdout.slice(0, half)}${truncOut}${title}${stderr.slice(0, half)}${truncErr}`;
  }
  if (stdout.length < room / 2)
    return `${stdout}${title}${stderr.slice(0, room - truncErr.length - stdout.length)}${truncErr}`;
  return `${stdout.slice(0, room - truncOut.length - stderr.length)}${truncOut}${title}${stderr}`;
}

/** A Run Command parameter value: SendCommand passes lists of strings; documents may pass a plain value. */
function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[0]);
  return value === undefined || value === '' ? undefined : String(value);
}

/**
 * An aws:runCommand hook that runs AWS-RunShellScript's `commands` on this machine, the way SSM
 * Agent does: the commands, joined by newlines, are written to `_script.sh` and run as
 * `sh -c <script>` (amazon-ssm-agent `plugins/runscript/runshellscript.go`), so they run under
 * /bin/sh unless the first command is a `#!` line. They run in `workingDirectory` (else the
 * script's own directory), with `pathPrepend` first on PATH and `env` added, and are killed after
 * `executionTimeout` seconds (default 3600) → TimedOut. Exit 0 → Success, else Failed.
 */
export function localShell(opts: {
  pathPrepend: readonly string[];
  env?: Record<string, string>;
}): NonNullable<SimHooks['runCommand']> {
  return async ({ DocumentName, Parameters }) => {
    if (DocumentName !== 'AWS-RunShellScript') {
      throw new Error(`localShell runs AWS-RunShellScript only, not ${DocumentName}`);
    }
    const commands = Parameters.commands;
    const script = Array.isArray(commands) ? commands.map(String).join('\n') : String(commands ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-runshell-'));
    const scriptPath = join(dir, '_script.sh');
    writeFileSync(scriptPath, script);
    chmodSync(scriptPath, 0o755);
    const timeoutSeconds = Number(single(Parameters.executionTimeout) ?? 3600);
    try {
      return await new Promise((resolve, reject) => {
        const child = spawn('sh', ['-c', scriptPath], {
          cwd: single(Parameters.workingDirectory) ?? dir,
          env: { ...process.env, ...opts.env, PATH: [...opts.pathPrepend, process.env.PATH ?? ''].join(':') },
          detached: true, // its own process group, so a timeout kills the whole script
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-(child.pid as number), 'SIGKILL');
          } catch {
            // already gone
          }
        }, timeoutSeconds * 1000);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          const Output = agentOutput(stdout, stderr);
          resolve({ Status: timedOut ? 'TimedOut' : code === 0 ? 'Success' : 'Failed', Output });
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
