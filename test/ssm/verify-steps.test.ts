import { describe, expect, it } from 'vitest';
import type { AutomationDocument, AutomationStep } from '../../lib/ssm/automation.ts';
import { lintAutomationDocument } from '../../lib/ssm/lint.ts';
import {
  settleIntervalSeconds,
  VERIFY_PARAMETERS,
  verifyParameters,
  verifyParameterValues,
  verifySteps,
} from '../../lib/ssm/verify-steps.ts';
import { type SimHooks, simulateAutomation } from '../support/automation-sim.ts';

const restart: AutomationStep = {
  name: 'Restart',
  action: 'aws:executeAwsApi',
  timeoutSeconds: 60,
  inputs: { Service: 'ecs', Api: 'UpdateService', cluster: 'prod', service: 'api', forceNewDeployment: true },
};

function tinyDoc(
  steps: AutomationStep[] = verifySteps({ canaryFunctionName: 'vigil-demo-canary' }),
  parameters: AutomationDocument['parameters'] = VERIFY_PARAMETERS,
): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description: 'restart, then verify',
    assumeRole: 'arn:aws:iam::123456789012:role/vigil-demo-remediate',
    parameters: { ...parameters },
    mainSteps: [restart, ...steps],
  };
}

/** A canary that answers from a script, one answer per invocation, recording the payloads. */
function canary(answers: { Payload: string; FunctionError?: string }[]) {
  const payloads: string[] = [];
  const hooks: SimHooks = {
    aws: () => ({}),
    invokeLambda: async ({ FunctionName, Payload }) => {
      expect(FunctionName).toBe('vigil-demo-canary');
      payloads.push(Payload);
      const answer = answers[payloads.length - 1];
      if (!answer) throw new Error('the canary was invoked more often than the test expected');
      return answer;
    },
  };
  return { hooks, payloads };
}

const healthy = { Payload: '{"monitor":"madef-api","ok":true}' };
const unhealthy = { Payload: '{"monitor":"madef-api","ok":false,"reason":"status","detail":"HTTP 503"}' };
const params = { Monitor: 'madef-api', ...{ SettleIntervalSeconds: '60' } };

describe('verifySteps', () => {
  it('makes a document the linter passes', () => {
    expect(lintAutomationDocument(tinyDoc())).toEqual([]);
    const single = tinyDoc(verifySteps({ canaryFunctionName: 'c', attempts: 1 }), verifyParameters(1));
    expect(lintAutomationDocument(single)).toEqual([]);
  });

  it('passes at once when the canary is healthy at the first check', async () => {
    const { hooks, payloads } = canary([healthy]);
    const result = await simulateAutomation(tinyDoc(), params, hooks);
    expect(result.status).toBe('Success');
    expect(result.steps.map((s) => s.name)).toEqual([
      'Restart',
      'VerifyHealth1',
      'VerifyCheck1',
      'VerifyPassed',
    ]);
    expect(payloads).toEqual(['{"verify":"madef-api"}']);
    expect(result.elapsedSeconds).toBe(0);
  });

  it('passes on the third check, after two settle intervals of virtual time', async () => {
    const { hooks, payloads } = canary([unhealthy, unhealthy, healthy]);
    const result = await simulateAutomation(tinyDoc(), params, hooks);
    expect(result.status).toBe('Success');
    expect(result.steps.map((s) => s.name)).toEqual([
      'Restart',
      'VerifyHealth1',
      'VerifyCheck1',
      'VerifySettle1',
      'VerifyHealth2',
      'VerifyCheck2',
      'VerifySettle2',
      'VerifyHealth3',
      'VerifyCheck3',
      'VerifyPassed',
    ]);
    expect(payloads).toHaveLength(3);
    expect(result.steps.find((s) => s.name === 'VerifyHealth3')?.startedAtSeconds).toBe(120);
    expect(result.elapsedSeconds).toBe(120);
  });

  it('fails the execution at VerifyFailed when health never comes back', async () => {
    const { hooks, payloads } = canary([unhealthy, unhealthy, unhealthy, unhealthy]);
    const result = await simulateAutomation(tinyDoc(), params, hooks);
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('VerifyFailed');
    expect(result.steps.map((s) => s.name).slice(-3)).toEqual([
      'VerifyHealth4',
      'VerifyCheck4',
      'VerifyFailed',
    ]);
    expect(payloads).toHaveLength(4);
    expect(result.elapsedSeconds).toBe(180);
    // The deterministic failure: the execution asks for its own status, which is InProgress.
    expect(result.awsCalls.at(-1)).toEqual({
      Service: 'ssm',
      Api: 'GetAutomationExecution',
      params: { AutomationExecutionId: 'sim-execution-0001' },
    });
  });

  it('treats a failed canary invocation as a miss and tries again, without failing the execution', async () => {
    const { hooks } = canary([
      { Payload: '{"errorMessage":"Rate exceeded"}', FunctionError: 'Unhandled' },
      healthy,
    ]);
    const result = await simulateAutomation(tinyDoc(), params, hooks);
    expect(result.status).toBe('Success');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['Restart', 'Success'],
      ['VerifyHealth1', 'Failed'],
      ['VerifySettle1', 'Success'],
      ['VerifyHealth2', 'Success'],
      ['VerifyCheck2', 'Success'],
      ['VerifyPassed', 'Success'],
    ]);
  });

  it('a canary that always throws (an unknown monitor) fails the execution after every attempt', async () => {
    const thrown = { Payload: '{"errorMessage":"unknown monitor madef-api"}', FunctionError: 'Unhandled' };
    const { hooks } = canary([thrown, thrown]);
    const result = await simulateAutomation(
      tinyDoc(verifySteps({ canaryFunctionName: 'vigil-demo-canary', attempts: 2 })),
      params,
      hooks,
    );
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('VerifyFailed');
  });

  it('goes to `next` after a pass when given one', async () => {
    const after: AutomationStep = {
      name: 'Report',
      action: 'aws:sleep',
      timeoutSeconds: 5,
      isEnd: true,
      inputs: { Duration: 'PT0S' },
    };
    const doc = tinyDoc([
      ...verifySteps({ canaryFunctionName: 'vigil-demo-canary', attempts: 2, next: 'Report' }),
      after,
    ]);
    expect(lintAutomationDocument(doc)).toEqual([]);
    const { hooks } = canary([unhealthy, healthy]);
    const result = await simulateAutomation(doc, params, hooks);
    expect(result.steps.map((s) => s.name)).toEqual([
      'Restart',
      'VerifyHealth1',
      'VerifyCheck1',
      'VerifySettle1',
      'VerifyHealth2',
      'VerifyCheck2',
      'Report',
    ]);
  });

  it('spreads settleSeconds over the sleeps between attempts', () => {
    expect(settleIntervalSeconds(180)).toBe(60);
    expect(settleIntervalSeconds(100, 4)).toBe(34);
    expect(settleIntervalSeconds(0)).toBe(1);
    expect(settleIntervalSeconds(180, 1)).toBe(1);
    expect(settleIntervalSeconds(100_000, 2)).toBe(3600);
    expect(verifyParameterValues('madef-api', 180)).toEqual({
      Monitor: ['madef-api'],
      SettleIntervalSeconds: ['60'],
    });
  });
});
