import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationDocument, AutomationStep } from '../../lib/ssm/automation.ts';
import {
  type AwsCall,
  agentOutput,
  localShell,
  SimulationError,
  simulateAutomation,
} from '../support/automation-sim.ts';

/** A document of these steps, with the parameters given. */
function doc(
  steps: AutomationStep[],
  parameters: AutomationDocument['parameters'] = {},
  outputs?: string[],
): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description: 'test',
    assumeRole: 'arn:aws:iam::123456789012:role/test',
    parameters,
    mainSteps: steps,
    ...(outputs ? { outputs } : {}),
  };
}

const sleep = (name: string, duration = 'PT0S', more: Partial<AutomationStep> = {}): AutomationStep => ({
  name,
  action: 'aws:sleep',
  timeoutSeconds: 3600,
  inputs: { Duration: duration },
  ...more,
});

const names = (r: { steps: { name: string }[] }) => r.steps.map((s) => s.name);

describe('parameters', () => {
  const params = {
    Name: { type: 'String', description: '', allowedPattern: '^[a-z-]+$' },
    Count: { type: 'Integer', description: '', default: 3 },
    DryRun: { type: 'Boolean', description: '', default: false },
    Ids: { type: 'StringList', description: '' },
    Mode: { type: 'String', description: '', allowedValues: ['restart', 'rollback'], default: 'restart' },
  } as const;
  const echo = doc(
    [
      {
        name: 'Call',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 10,
        inputs: {
          Service: 'ecs',
          Api: 'Echo',
          Name: '{{ Name }}',
          Count: '{{ Count }}',
          Label: '{{Name}}-x{{ Count }}-{{ DryRun }}',
          DryRun: '{{ DryRun }}',
          Ids: ['{{ Ids }}', 'extra'],
          Mode: '{{ Mode }}',
        },
      },
    ],
    params,
  );

  it('applies defaults, keeps the type of a whole reference, interpolates a partial one and splices lists', async () => {
    const calls: AwsCall[] = [];
    await simulateAutomation(
      echo,
      { Name: 'madef', Ids: ['i-1', 'i-2'] },
      { aws: (c) => calls.push(c) && {} },
    );
    expect(calls).toEqual([
      {
        Service: 'ecs',
        Api: 'Echo',
        params: {
          Name: 'madef',
          Count: 3,
          Label: 'madef-x3-false',
          DryRun: false,
          Ids: ['i-1', 'i-2', 'extra'],
          Mode: 'restart',
        },
      },
    ]);
  });

  it('accepts the strings StartAutomationExecution sends for Integer and Boolean', async () => {
    const calls: AwsCall[] = [];
    await simulateAutomation(
      echo,
      { Name: 'a', Ids: [], Count: '7', DryRun: 'true' },
      { aws: (c) => calls.push(c) && {} },
    );
    expect(calls[0]?.params).toMatchObject({ Count: 7, DryRun: true });
  });

  it('refuses unknown, missing, mistyped and disallowed parameters', async () => {
    const hooks = { aws: () => ({}) };
    await expect(simulateAutomation(echo, { Name: 'a', Ids: [], Extra: 'x' }, hooks)).rejects.toThrow(
      'parameter Extra is not declared by the document (it has Name, Count, DryRun, Ids, Mode)',
    );
    await expect(simulateAutomation(echo, { Name: 'a' }, hooks)).rejects.toThrow(
      'parameter Ids is required (it has no default)',
    );
    await expect(simulateAutomation(echo, { Name: 'a', Ids: [], Count: '4.5' }, hooks)).rejects.toThrow(
      'parameter Count: "4.5" is not a Integer',
    );
    await expect(simulateAutomation(echo, { Name: 'a', Ids: 'i-1' }, hooks)).rejects.toThrow(
      'parameter Ids: "i-1" is not a StringList',
    );
    await expect(simulateAutomation(echo, { Name: 'Bad Name', Ids: [] }, hooks)).rejects.toThrow(
      'parameter Name: "Bad Name" does not match allowedPattern ^[a-z-]+$',
    );
    await expect(simulateAutomation(echo, { Name: 'a', Ids: [], Mode: 'reboot' }, hooks)).rejects.toThrow(
      'parameter Mode: "reboot" is not one of allowedValues restart, rollback',
    );
  });

  it('offers the automation variables', async () => {
    const calls: AwsCall[] = [];
    const d = doc([
      {
        name: 'Call',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 10,
        inputs: {
          Service: 's',
          Api: 'A',
          Id: '{{ automation:EXECUTION_ID }}',
          At: '{{ global:DATE_TIME }}',
          Region: '{{ global:REGION }}',
        },
      },
    ]);
    await simulateAutomation(
      d,
      {},
      { aws: (c) => calls.push(c) && {} },
      { executionId: 'exec-1', startTime: new Date('2026-02-01T03:04:05Z') },
    );
    expect(calls[0]?.params).toEqual({ Id: 'exec-1', At: '2026-02-01_03.04.05', Region: 'eu-central-1' });
  });
});

describe('aws:executeAwsApi', () => {
  it('selects typed outputs from the response and passes them on', async () => {
    const calls: AwsCall[] = [];
    const d = doc(
      [
        {
          name: 'Describe',
          action: 'aws:executeAwsApi',
          timeoutSeconds: 10,
          inputs: { Service: 'ecs', Api: 'DescribeServices', cluster: 'c', services: ['s'] },
          outputs: [
            { Name: 'TaskDefinition', Selector: '$.services[0].taskDefinition', Type: 'String' },
            { Name: 'Running', Selector: '$.services[0].runningCount', Type: 'Integer' },
            { Name: 'Missing', Selector: '$.services[3].taskDefinition', Type: 'String' },
          ],
        },
        {
          name: 'Update',
          action: 'aws:executeAwsApi',
          timeoutSeconds: 10,
          inputs: {
            Service: 'ecs',
            Api: 'UpdateService',
            taskDefinition: '{{ Describe.TaskDefinition }}',
            note: 'was {{ Describe.Running }}',
          },
        },
      ],
      {},
      ['Describe.TaskDefinition'],
    );
    const result = await simulateAutomation(
      d,
      {},
      {
        aws: (c) => {
          calls.push(c);
          return c.Api === 'DescribeServices'
            ? { services: [{ taskDefinition: 'app:7', runningCount: '2' }] }
            : {};
        },
      },
    );
    expect(result.status).toBe('Success');
    expect(result.steps[0]?.outputs).toEqual({ TaskDefinition: 'app:7', Running: 2 });
    expect(calls[1]).toEqual({
      Service: 'ecs',
      Api: 'UpdateService',
      params: { taskDefinition: 'app:7', note: 'was 2' },
    });
    expect(result.outputs).toEqual({ 'Describe.TaskDefinition': 'app:7' });
  });

  it('fails the step when the call throws, and a later reference to an unset output fails that step', async () => {
    const d = doc([
      {
        name: 'Describe',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 10,
        onFailure: 'Continue',
        inputs: { Service: 'ecs', Api: 'DescribeServices' },
        outputs: [{ Name: 'Td', Selector: '$.td', Type: 'String' }],
      },
      {
        name: 'Use',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 10,
        inputs: { Service: 'ecs', Api: 'X', td: '{{ Describe.Td }}' },
      },
    ]);
    const result = await simulateAutomation(
      d,
      {},
      {
        aws: (c) => {
          if (c.Api === 'DescribeServices') throw new Error('AccessDeniedException: not allowed');
          return {};
        },
      },
    );
    expect(result.steps.map((s) => [s.name, s.status, s.error])).toEqual([
      ['Describe', 'Failed', 'AccessDeniedException: not allowed'],
      ['Use', 'Failed', '{{ Describe.Td }} has no value (a step output that was not produced?)'],
    ]);
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('Describe');
  });
});

describe('waits and asserts in virtual time', () => {
  const wait: AutomationStep = {
    name: 'WaitStable',
    action: 'aws:waitForAwsResourceProperty',
    timeoutSeconds: 600,
    inputs: {
      Service: 'ecs',
      Api: 'DescribeServices',
      cluster: 'c',
      PropertySelector: '$.services[0].deployments[0].rolloutState',
      DesiredValues: ['COMPLETED'],
    },
  };

  it('polls every pollSeconds until the property has a desired value', async () => {
    let polls = 0;
    const result = await simulateAutomation(
      doc([wait, sleep('After')]),
      {},
      {
        aws: () => ({
          services: [{ deployments: [{ rolloutState: ++polls >= 4 ? 'COMPLETED' : 'IN_PROGRESS' }] }],
        }),
      },
    );
    expect(result.status).toBe('Success');
    expect(polls).toBe(4);
    expect(result.steps[1]?.startedAtSeconds).toBe(45);
    expect(result.elapsedSeconds).toBe(45);
  });

  it('times out after timeoutSeconds of virtual time, without really waiting', async () => {
    const started = Date.now();
    let polls = 0;
    const result = await simulateAutomation(
      doc([wait, sleep('After')]),
      {},
      {
        aws: () => {
          polls += 1;
          return { services: [{ deployments: [{ rolloutState: 'IN_PROGRESS' }] }] };
        },
      },
      { pollSeconds: 30 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.status).toBe('TimedOut');
    expect(result.failedStep).toBe('WaitStable');
    expect(names(result)).toEqual(['WaitStable']);
    expect(polls).toBe(20);
    expect(result.elapsedSeconds).toBe(600);
    expect(result.steps[0]?.error).toBe(
      '$.services[0].deployments[0].rolloutState was IN_PROGRESS after 600 s; wanted COMPLETED',
    );
  });

  it('asserts once: a property outside DesiredValues fails the step', async () => {
    const assert: AutomationStep = {
      name: 'AssertAvailable',
      action: 'aws:assertAwsResourceProperty',
      timeoutSeconds: 30,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBInstances',
        PropertySelector: '$.DBInstances[0].DBInstanceStatus',
        DesiredValues: ['available'],
      },
    };
    const result = await simulateAutomation(
      doc([assert]),
      {},
      { aws: () => ({ DBInstances: [{ DBInstanceStatus: 'stopped' }] }) },
    );
    expect(result.status).toBe('Failed');
    expect(result.steps[0]?.error).toBe('$.DBInstances[0].DBInstanceStatus is stopped; wanted available');
    const passing = await simulateAutomation(
      doc([assert]),
      {},
      { aws: () => ({ DBInstances: [{ DBInstanceStatus: 'available' }] }) },
    );
    expect(passing.status).toBe('Success');
  });

  it('answers GetAutomationExecution on the execution itself with InProgress, as a running execution reports', async () => {
    const own: AutomationStep = {
      name: 'VerifyFailed',
      action: 'aws:assertAwsResourceProperty',
      timeoutSeconds: 30,
      inputs: {
        Service: 'ssm',
        Api: 'GetAutomationExecution',
        AutomationExecutionId: '{{ automation:EXECUTION_ID }}',
        PropertySelector: '$.AutomationExecution.AutomationExecutionStatus',
        DesiredValues: ['Failed'],
      },
    };
    const result = await simulateAutomation(doc([own]), {}, { aws: () => ({ unexpected: true }) });
    expect(result.status).toBe('Failed');
    expect(result.steps[0]?.error).toBe(
      '$.AutomationExecution.AutomationExecutionStatus is InProgress; wanted Failed',
    );
  });

  it('sleeps advance the clock by ISO 8601 durations', async () => {
    const result = await simulateAutomation(
      doc([sleep('A', 'PT1M30S'), sleep('B', 'PT1H'), sleep('C', 'PT0S')]),
      {},
      {},
    );
    expect(result.steps.map((s) => s.startedAtSeconds)).toEqual([0, 90, 3690]);
    expect(result.elapsedSeconds).toBe(3690);
  });

  it('a sleep longer than its step timeout times out', async () => {
    const result = await simulateAutomation(doc([sleep('Long', 'PT10M', { timeoutSeconds: 60 })]), {}, {});
    expect(result.status).toBe('TimedOut');
    expect(result.elapsedSeconds).toBe(60);
  });
});

describe('control flow', () => {
  const failing = (name: string, more: Partial<AutomationStep> = {}): AutomationStep => ({
    name,
    action: 'aws:executeAwsApi',
    timeoutSeconds: 10,
    inputs: { Service: 'ecs', Api: `Fail${name}` },
    ...more,
  });
  const hooks = {
    aws: (c: AwsCall) => {
      if (c.Api.startsWith('Fail')) throw new Error(`${c.Api} failed`);
      return {};
    },
  };

  it('falls through in order and stops after isEnd', async () => {
    const result = await simulateAutomation(
      doc([sleep('A'), sleep('B', 'PT0S', { isEnd: true }), sleep('C')]),
      {},
      {},
    );
    expect(names(result)).toEqual(['A', 'B']);
    expect(result.status).toBe('Success');
  });

  it('follows nextStep', async () => {
    const result = await simulateAutomation(
      doc([sleep('A', 'PT0S', { nextStep: 'C' }), sleep('B'), sleep('C')]),
      {},
      {},
    );
    expect(names(result)).toEqual(['A', 'C']);
  });

  it('onFailure Abort (the default) stops the execution as Failed; nothing after runs', async () => {
    const result = await simulateAutomation(doc([failing('A'), sleep('B')]), {}, hooks);
    expect(names(result)).toEqual(['A']);
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('A');
  });

  it('onFailure Continue runs the next step, and a critical failure still fails the execution', async () => {
    const result = await simulateAutomation(
      doc([failing('A', { onFailure: 'Continue' }), sleep('B')]),
      {},
      hooks,
    );
    expect(names(result)).toEqual(['A', 'B']);
    expect(result.status).toBe('Failed');
  });

  it('a step with isCritical false does not fail the execution', async () => {
    const result = await simulateAutomation(
      doc([failing('A', { onFailure: 'Continue', isCritical: false }), sleep('B')]),
      {},
      hooks,
    );
    expect(result.status).toBe('Success');
    expect(result.failedStep).toBeUndefined();
  });

  it('onFailure step:X jumps to X (a cleanup reached from a failure), and the execution is Failed', async () => {
    const d = doc([failing('Restore', { onFailure: 'step:Cleanup' }), sleep('Verify'), sleep('Cleanup')]);
    const result = await simulateAutomation(d, {}, hooks);
    expect(names(result)).toEqual(['Restore', 'Cleanup']);
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('Restore');
  });

  it('retries a failing step up to maxAttempts', async () => {
    let calls = 0;
    const flaky = {
      aws: () => {
        calls += 1;
        if (calls < 3) throw new Error(`throttled ${calls}`);
        return {};
      },
    };
    const step: AutomationStep = {
      name: 'Flaky',
      action: 'aws:executeAwsApi',
      timeoutSeconds: 10,
      maxAttempts: 3,
      inputs: { Service: 's', Api: 'A' },
    };
    const result = await simulateAutomation(doc([step]), {}, flaky);
    expect(result.status).toBe('Success');
    expect(result.steps[0]?.attempts).toBe(3);
    calls = -10;
    const exhausted = await simulateAutomation(doc([step]), {}, flaky);
    expect(exhausted.status).toBe('Failed');
    expect(exhausted.steps[0]?.attempts).toBe(3);
    expect(exhausted.steps[0]?.error).toBe('throttled -7');
  });

  it('throws on a jump to no step and on a loop longer than maxSteps', async () => {
    await expect(simulateAutomation(doc([sleep('A', 'PT0S', { nextStep: 'Nope' })]), {}, {})).rejects.toThrow(
      new SimulationError('step A goes to Nope, which is no step of the document'),
    );
    await expect(
      simulateAutomation(
        doc([sleep('A', 'PT1S', { nextStep: 'B' }), sleep('B', 'PT1S', { nextStep: 'A' })]),
        {},
        {},
        { maxSteps: 10 },
      ),
    ).rejects.toThrow('ran 10 steps without ending (a loop?); last steps: B, A, B, A, B');
  });
});

describe('aws:branch', () => {
  /** Branch on `{{ V }}` with one choice; returns the step taken. */
  async function taken(
    choice: Record<string, unknown>,
    value: string | number | boolean | string[],
    type: 'String' | 'Integer' | 'Boolean' | 'StringList' = 'String',
  ) {
    const d = doc(
      [
        {
          name: 'Choose',
          action: 'aws:branch',
          timeoutSeconds: 5,
          inputs: { Choices: [{ NextStep: 'Yes', ...choice }], Default: 'No' },
        },
        sleep('Yes', 'PT0S', { isEnd: true }),
        sleep('No'),
      ],
      { V: { type, description: '' } },
    );
    const result = await simulateAutomation(d, { V: value }, {});
    return result.steps[1]?.name;
  }
  const v = { Variable: '{{ V }}' };

  it.each([
    ['StringEquals', 'restart', 'restart', 'Restart'],
    ['EqualsIgnoreCase', 'RESTART', 'restart', 'restar'],
    ['StartsWith', 'vigil-', 'vigil-demo', 'demo-vigil'],
    ['EndsWith', '.sql.gz', 'db_20260101.sql.gz', 'db.sql'],
    ['Contains', '"ok":true', '{"monitor":"m","ok":true}', '{"ok":false}'],
  ])('%s', async (operator, operand, yes, no) => {
    expect(await taken({ ...v, [operator]: operand }, yes)).toBe('Yes');
    expect(await taken({ ...v, [operator]: operand }, no)).toBe('No');
  });

  it.each([
    ['NumericEquals', 3, 3, 4],
    ['NumericGreater', 3, 4, 3],
    ['NumericLesser', 3, 2, 3],
    ['NumericGreaterOrEquals', 3, 3, 2],
    ['NumericLesserOrEquals', 3, 3, 4],
  ])('%s', async (operator, operand, yes, no) => {
    expect(await taken({ ...v, [operator]: operand }, yes, 'Integer')).toBe('Yes');
    expect(await taken({ ...v, [operator]: operand }, no, 'Integer')).toBe('No');
  });

  it('BooleanEquals', async () => {
    expect(await taken({ ...v, BooleanEquals: true }, true, 'Boolean')).toBe('Yes');
    expect(await taken({ ...v, BooleanEquals: true }, false, 'Boolean')).toBe('No');
  });

  it('Contains on a StringList is membership', async () => {
    expect(await taken({ ...v, Contains: 'b' }, ['a', 'b'], 'StringList')).toBe('Yes');
    expect(await taken({ ...v, Contains: 'c' }, ['a', 'b'], 'StringList')).toBe('No');
  });

  it('And, Or and Not combine choices', async () => {
    const and = {
      And: [
        { ...v, StartsWith: 'a' },
        { ...v, EndsWith: 'z' },
      ],
    };
    expect(await taken(and, 'abcz')).toBe('Yes');
    expect(await taken(and, 'abc')).toBe('No');
    const or = {
      Or: [
        { ...v, StringEquals: 'x' },
        { ...v, StringEquals: 'y' },
      ],
    };
    expect(await taken(or, 'y')).toBe('Yes');
    expect(await taken(or, 'z')).toBe('No');
    const not = { Not: { ...v, StringEquals: 'x' } };
    expect(await taken(not, 'y')).toBe('Yes');
    expect(await taken(not, 'x')).toBe('No');
  });

  it('takes the first true choice, in order', async () => {
    const d = doc([
      {
        name: 'Choose',
        action: 'aws:branch',
        timeoutSeconds: 5,
        inputs: {
          Choices: [
            { NextStep: 'First', Variable: 'abc', StartsWith: 'a' },
            { NextStep: 'Second', Variable: 'abc', StartsWith: 'ab' },
          ],
        },
      },
      sleep('Next', 'PT0S', { isEnd: true }),
      sleep('First', 'PT0S', { isEnd: true }),
      sleep('Second'),
    ]);
    expect(names(await simulateAutomation(d, {}, {}))).toEqual(['Choose', 'First']);
  });

  it('with no true choice and no Default, goes on to the next step, as AWS documents', async () => {
    const d = doc([
      {
        name: 'Choose',
        action: 'aws:branch',
        timeoutSeconds: 5,
        inputs: { Choices: [{ NextStep: 'Skip', Variable: 'x', StringEquals: 'y' }] },
      },
      sleep('Next', 'PT0S', { isEnd: true }),
      sleep('Skip'),
    ]);
    const result = await simulateAutomation(d, {}, {});
    expect(names(result)).toEqual(['Choose', 'Next']);
    expect(result.status).toBe('Success');
  });
});

describe('aws:invokeLambdaFunction', () => {
  const invoke: AutomationStep = {
    name: 'VerifyHealth',
    action: 'aws:invokeLambdaFunction',
    timeoutSeconds: 60,
    inputs: {
      FunctionName: 'vigil-canary',
      InvocationType: 'RequestResponse',
      Payload: '{"verify":"{{ Monitor }}"}',
    },
  };
  const params = { Monitor: { type: 'String', description: '' } } as const;

  it('passes the payload and exposes Payload and StatusCode', async () => {
    const seen: unknown[] = [];
    const result = await simulateAutomation(
      doc([invoke], params),
      { Monitor: 'madef-api' },
      {
        invokeLambda: async (input) => {
          seen.push(input);
          return { Payload: '{"monitor":"madef-api","ok":true}' };
        },
      },
    );
    expect(seen).toEqual([{ FunctionName: 'vigil-canary', Payload: '{"verify":"madef-api"}' }]);
    expect(result.steps[0]?.outputs).toEqual({
      Payload: '{"monitor":"madef-api","ok":true}',
      StatusCode: 200,
    });
  });

  it('fails the step on a FunctionError (undocumented: the conservative reading)', async () => {
    const result = await simulateAutomation(
      doc([invoke], params),
      { Monitor: 'nope' },
      {
        invokeLambda: async () => ({
          Payload: '{"errorMessage":"unknown monitor nope"}',
          FunctionError: 'Unhandled',
        }),
      },
    );
    expect(result.status).toBe('Failed');
    expect(result.steps[0]?.outputs).toEqual({
      Payload: '{"errorMessage":"unknown monitor nope"}',
      StatusCode: 200,
      FunctionError: 'Unhandled',
    });
    expect(result.steps[0]?.error).toBe('FunctionError Unhandled: {"errorMessage":"unknown monitor nope"}');
  });
});

describe('aws:runCommand', () => {
  const run = (commands: string[], more: Record<string, unknown> = {}): AutomationStep => ({
    name: 'Run',
    action: 'aws:runCommand',
    timeoutSeconds: 600,
    inputs: {
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['{{ Instances }}'],
      Parameters: { commands, ...more },
    },
  });
  const params = { Instances: { type: 'StringList', description: '' } } as const;

  it('hands the hook the document, instances and parameters, and fails unless the status is Success', async () => {
    const seen: unknown[] = [];
    const d = doc([run(['echo hi']), sleep('After')], params);
    const result = await simulateAutomation(
      d,
      { Instances: ['i-1', 'i-2'] },
      {
        runCommand: async (input) => {
          seen.push(input);
          return { Status: 'Failed', Output: 'boom' };
        },
      },
    );
    expect(seen).toEqual([
      {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: ['i-1', 'i-2'],
        Parameters: { commands: ['echo hi'] },
      },
    ]);
    expect(names(result)).toEqual(['Run']);
    expect(result.status).toBe('Failed');
    expect(result.steps[0]?.outputs).toMatchObject({ Status: 'Failed', Output: 'boom' });
  });

  it('truncates Output at 2,500 characters as Run Command does', async () => {
    const result = await simulateAutomation(
      doc([run(['x'])], params),
      { Instances: ['i-1'] },
      {
        runCommand: async () => ({ Status: 'Success', Output: 'y'.repeat(5000) }),
      },
    );
    expect(String(result.steps[0]?.outputs.Output).length).toBe(2500);
  });

  describe('localShell runs the real script', () => {
    let root: string;
    let bin: string;
    let work: string;
    let log: string;

    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'vigil-sim-test-'));
      bin = join(root, 'bin');
      work = join(root, 'opt', 'madef');
      log = join(root, 'docker.log');
      mkdirSync(bin, { recursive: true });
      mkdirSync(work, { recursive: true });
      // A fake docker: records its arguments and working directory; fails when FAIL_ON matches.
      writeFileSync(
        join(bin, 'docker'),
        [
          '#!/bin/sh',
          'echo "$(pwd) docker $*" >> "$DOCKER_LOG"',
          'case "$*" in *"$FAIL_ON"*) if [ -n "$FAIL_ON" ]; then echo "Error: $* failed" >&2; exit 3; fi;; esac',
          'echo "ok: $*"',
        ].join('\n'),
        { mode: 0o755 },
      );
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const commands = ['docker compose restart postgres', 'docker compose restart app', 'echo done'];

    it('in workingDirectory, with the fake first on PATH, in order', async () => {
      writeFileSync(log, '');
      const shell = localShell({ pathPrepend: [bin], env: { DOCKER_LOG: log, FAIL_ON: '' } });
      const result = await simulateAutomation(
        doc([run(commands, { workingDirectory: work })], params),
        { Instances: ['i-1'] },
        { runCommand: shell },
      );
      expect(result.status).toBe('Success');
      expect(readFileSync(log, 'utf8')).toBe(
        `${work} docker compose restart postgres\n${work} docker compose restart app\n`,
      );
      expect(result.steps[0]?.outputs.Output).toBe(
        'ok: compose restart postgres\nok: compose restart app\ndone\n',
      );
    });

    it('runs under sh as SSM Agent does: a failing command does not stop the script, the last exit code decides', async () => {
      writeFileSync(log, '');
      const shell = localShell({ pathPrepend: [bin], env: { DOCKER_LOG: log, FAIL_ON: 'postgres' } });
      const result = await simulateAutomation(
        doc([run(commands, { workingDirectory: work })], params),
        { Instances: ['i-1'] },
        { runCommand: shell },
      );
      expect(result.status).toBe('Success');
      expect(result.steps[0]?.outputs.Output).toBe(
        'ok: compose restart app\ndone\n\n----------ERROR-------\nError: compose restart postgres failed\n',
      );
    });

    it('with set -e first, the failing command fails the step and nothing after it runs', async () => {
      writeFileSync(log, '');
      const shell = localShell({ pathPrepend: [bin], env: { DOCKER_LOG: log, FAIL_ON: 'postgres' } });
      const d = doc([run(['set -eu', ...commands], { workingDirectory: [work] }), sleep('After')], params);
      const result = await simulateAutomation(d, { Instances: ['i-1'] }, { runCommand: shell });
      expect(result.status).toBe('Failed');
      expect(names(result)).toEqual(['Run']);
      expect(readFileSync(log, 'utf8')).toBe(`${work} docker compose restart postgres\n`);
      expect(result.steps[0]?.outputs.Output).toBe(
        '\n----------ERROR-------\nError: compose restart postgres failed\n',
      );
    });

    it('honours a #!/bin/bash first line, as SSM Agent does by executing the script file', async () => {
      const shell = localShell({ pathPrepend: [bin] });
      const d = doc(
        [run(['#!/bin/bash', 'set -o pipefail', 'echo "bash $(echo "$BASH_VERSION" | cut -d. -f1)"'])],
        params,
      );
      const result = await simulateAutomation(d, { Instances: ['i-1'] }, { runCommand: shell });
      expect(result.status).toBe('Success');
      expect(result.steps[0]?.outputs.Output).toMatch(/^bash \d+\n$/);
    });

    it('kills a script that outlives executionTimeout and reports TimedOut', async () => {
      const shell = localShell({ pathPrepend: [bin] });
      const started = Date.now();
      const result = await simulateAutomation(
        doc([run(['echo start', 'sleep 30', 'echo never'], { executionTimeout: '1' })], params),
        { Instances: ['i-1'] },
        { runCommand: shell },
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result.status).toBe('TimedOut');
      expect(result.steps[0]?.outputs).toMatchObject({ Status: 'TimedOut', Output: 'start\n' });
    });
  });
});

describe('agentOutput', () => {
  it('joins stdout and stderr the way Run Command shows them, and truncates to 2,500', () => {
    expect(agentOutput('out\n', '')).toBe('out\n');
    expect(agentOutput('out\n', 'err\n')).toBe('out\n\n----------ERROR-------\nerr\n');
    const long = agentOutput('o'.repeat(3000), 'e'.repeat(10));
    expect(long.length).toBeLessThanOrEqual(2500);
    expect(long.endsWith('\n---Output truncated---\n----------ERROR-------\neeeeeeeeee')).toBe(true);
  });
});
