/**
 * Pieces every DR drill document shares (lib/drills/documents/): its parameters, the step that
 * loads the drill's environment from Parameter Store, the shell lines that read it on the host, the
 * judge step and its verdict, and the step that fails the execution on purpose after a cleanup.
 *
 * Why the environment lives in Parameter Store rather than in document parameters: a drill's
 * environment (psql command, name pattern, SQL in base64) is 1-3 KB, and StartAutomationExecution
 * takes at most 512 characters a value. The parameter is written at deploy from the config
 * (lib/constructs/dr-drills.ts), so a caller who may start a drill picks a drill by name and cannot
 * hand the host a command of their own: every document parameter has an allowedPattern.
 */
import type { AutomationParameter, AutomationStep } from '../../ssm/automation.ts';

/** Room the agent leaves for a command's stdout in `{{ Step.Output }}`: the facts line must fit. */
export const STDERR_TAIL_BYTES = 600;

/** Longest restore a document allows: the config's largest RTO twice over (the script stops at 2 x RTO), plus slack. */
export const MAX_RESTORE_SECONDS = 2 * 720 * 60 + 600;

/** `/vigil/<project>/drills/<drill>`: the Parameter Store name holding a drill's environment. */
export function drillEnvironmentParameterName(project: string, drill: string): string {
  return `/vigil/${project}/drills/${drill}`;
}

/** The `Drill` parameter: the drill's name, as the config spells it. */
export const DRILL_PARAMETER: AutomationParameter = {
  type: 'String',
  description: 'The drill (its name in vigil.config.ts): selects its environment in Parameter Store.',
  allowedPattern: '^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$',
};

/** A managed instance's ID. */
export const INSTANCE_PATTERN = '^(?:i|mi)-[0-9a-f]{8,17}$';

/** Reads the drill's environment (base64 `NAME=value` lines) from Parameter Store. */
export function loadEnvironmentStep(project: string): AutomationStep {
  return {
    name: 'LoadEnvironment',
    action: 'aws:executeAwsApi',
    description: "Reads the drill's environment, written at deploy from vigil.config.ts.",
    inputs: {
      Service: 'ssm',
      Api: 'GetParameter',
      Name: `${drillEnvironmentParameterName(project, '')}{{ Drill }}`,
    },
    outputs: [{ Name: 'Environment', Selector: '$.Parameter.Value', Type: 'String' }],
    timeoutSeconds: 60,
    maxAttempts: 2,
  };
}

/**
 * Shell lines (sh) that decode the environment and export each `VIGIL_*=value` line. No eval: a
 * line is exported whole as one word, and a name with anything but capitals, digits and `_` is
 * skipped. The base64 text is safe inside single quotes (its alphabet has no quote).
 */
export function exportEnvironmentLines(reference = '{{ LoadEnvironment.Environment }}'): string[] {
  return [
    'vigil_env=$(mktemp) || exit 2',
    `printf '%s' '${reference}' | base64 -d > "$vigil_env" || { echo 'the drill environment is not base64' >&2; exit 2; }`,
    'while IFS= read -r vigil_line || [ -n "$vigil_line" ]; do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    '  case "${vigil_line%%=*}" in',
    '    *[!A-Z0-9_]* | "") ;;',
    '    VIGIL_*) export "$vigil_line" ;;',
    '  esac',
    'done < "$vigil_env"',
    'rm -f "$vigil_env"',
  ];
}

/**
 * Shell lines that run `command` with its output in a log, print only the facts line on stdout
 * (Automation's `{{ Step.Output }}` keeps 2,500 characters, and the facts line is the last thing the
 * script prints) and the end of the log on stderr, then exit with the command's status.
 */
export function factsOnlyLines(command: string): string[] {
  return [
    'vigil_log=$(mktemp) || exit 2',
    `${command} > "$vigil_log" 2>&1`,
    'vigil_rc=$?',
    `grep '^VIGIL_DRILL_FACTS ' "$vigil_log" | tail -n 1`,
    `grep -v '^VIGIL_DRILL_FACTS ' "$vigil_log" | tail -c ${STDERR_TAIL_BYTES} >&2`,
    'rm -f "$vigil_log"',
    'exit "$vigil_rc"',
  ];
}

/**
 * `VerifyRestore`: the drill function judges the facts line (`op: 'judge'`) against the drill's RTO
 * and RPO and answers `{"ok":true|false,...}`; it reads the execution's start from
 * `executionId` (GetAutomationExecution) for the RPO.
 */
export function judgeStep(drillFunctionName: string, outputOf: string, onFailure: string): AutomationStep {
  return {
    name: 'VerifyRestore',
    action: 'aws:invokeLambdaFunction',
    description: 'The drill function judges what the restore measured against the RTO and RPO.',
    inputs: {
      FunctionName: drillFunctionName,
      InputPayload: {
        op: 'judge',
        drill: '{{ Drill }}',
        output: `{{ ${outputOf}.Output }}`,
        executionId: '{{ automation:EXECUTION_ID }}',
      },
    },
    timeoutSeconds: 120,
    maxAttempts: 2,
    onFailure,
  };
}

/**
 * `Verdict`: the judge's payload says `"ok":true`, or the execution goes to `cleanup` (and then
 * fails). Branching on the payload, not only on a FunctionError, so the document is right whether
 * or not Automation fails a step whose function threw.
 */
export function verdictStep(cleanup: string, next?: string): AutomationStep {
  return {
    name: 'Verdict',
    action: 'aws:branch',
    description: 'Passed: go on. Failed: clean up, then fail the execution.',
    inputs: {
      Choices: [
        { Not: { Variable: '{{ VerifyRestore.Payload }}', Contains: '"ok":true' }, NextStep: cleanup },
      ],
      ...(next !== undefined && { Default: next }),
    },
    timeoutSeconds: 10,
    // A branch that cannot read the payload fails: clean up all the same.
    onFailure: `step:${cleanup}`,
    ...(next === undefined && { isEnd: true }),
  };
}

/**
 * `FailDrill`: fails the execution on purpose after a cleanup that succeeded. It asserts that this
 * execution is already `Failed`, which a running execution never is (it is `InProgress`), so the
 * assertion fails and with it the execution. Automation has no "fail" action of its own.
 */
export const FAIL_STEP: AutomationStep = {
  name: 'FailDrill',
  action: 'aws:assertAwsResourceProperty',
  description: 'The drill failed: end the execution as Failed (the cleanup has run).',
  inputs: {
    Service: 'ssm',
    Api: 'GetAutomationExecution',
    AutomationExecutionId: '{{ automation:EXECUTION_ID }}',
    PropertySelector: '$.AutomationExecution.AutomationExecutionStatus',
    DesiredValues: ['Failed'],
  },
  timeoutSeconds: 30,
  isEnd: true,
};
