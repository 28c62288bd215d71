import { describe, expect, it } from 'vitest';
import type { AutomationDocument, AutomationStep } from '../../lib/ssm/automation.ts';
import { AutomationLintError, assertLintClean, lintAutomationDocument } from '../../lib/ssm/lint.ts';

/** A small, clean restart document: act (unless DryRun), verify with a retry, end. */
function cleanDoc(): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description: 'Restart a service and verify',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: { type: 'String', description: 'role' },
      Cluster: { type: 'String', description: 'cluster' },
      Service: { type: 'String', description: 'service' },
      Monitor: { type: 'String', description: 'monitor' },
      DryRun: { type: 'Boolean', description: 'skip the action', default: false },
    },
    mainSteps: [
      {
        name: 'CheckDryRun',
        action: 'aws:branch',
        timeoutSeconds: 10,
        inputs: {
          Choices: [{ NextStep: 'VerifyHealth', Variable: '{{ DryRun }}', BooleanEquals: true }],
          Default: 'Restart',
        },
      },
      {
        name: 'Restart',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 60,
        inputs: {
          Service: 'ecs',
          Api: 'UpdateService',
          cluster: '{{ Cluster }}',
          service: '{{Service}}',
          forceNewDeployment: true,
          clientToken: 'vigil-{{ automation:EXECUTION_ID }}',
        },
        outputs: [{ Name: 'Deployment', Selector: '$.service.deployments[0].id', Type: 'String' }],
      },
      {
        name: 'WaitStable',
        action: 'aws:waitForAwsResourceProperty',
        timeoutSeconds: 600,
        inputs: {
          Service: 'ecs',
          Api: 'DescribeServices',
          cluster: '{{ Cluster }}',
          services: ['{{ Service }}'],
          PropertySelector: '$.services[0].deployments[0].rolloutState',
          DesiredValues: ['COMPLETED'],
          Note: 'deployment {{ Restart.Deployment }}',
        },
      },
      {
        name: 'VerifyHealth',
        action: 'aws:invokeLambdaFunction',
        timeoutSeconds: 60,
        inputs: { FunctionName: 'canary', Payload: '{"verify":"{{ Monitor }}"}' },
      },
      {
        name: 'VerifyPassed',
        action: 'aws:branch',
        timeoutSeconds: 10,
        inputs: {
          Choices: [{ NextStep: 'Done', Variable: '{{ VerifyHealth.Payload }}', Contains: '"ok":true' }],
          Default: 'VerifyFailed',
        },
      },
      {
        name: 'VerifyFailed',
        action: 'aws:assertAwsResourceProperty',
        timeoutSeconds: 30,
        isEnd: true,
        inputs: {
          Service: 'ssm',
          Api: 'GetAutomationExecution',
          AutomationExecutionId: '{{ automation:EXECUTION_ID }}',
          PropertySelector: '$.AutomationExecution.AutomationExecutionStatus',
          DesiredValues: ['Failed'],
        },
      },
      { name: 'Done', action: 'aws:sleep', timeoutSeconds: 10, inputs: { Duration: 'PT0S' } },
    ],
    outputs: ['VerifyHealth.Payload'],
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A clean document with one step replaced (by name) or the document changed. */
function withStep(name: string, change: (step: Mutable<AutomationStep>) => void): AutomationDocument {
  const doc = cleanDoc();
  const steps = doc.mainSteps.map((s) => ({ ...s }) as Mutable<AutomationStep>);
  const step = steps.find((s) => s.name === name);
  if (!step) throw new Error(`no step ${name}`);
  change(step);
  return { ...doc, mainSteps: steps };
}

describe('lintAutomationDocument', () => {
  it('finds nothing wrong with a clean document', () => {
    expect(lintAutomationDocument(cleanDoc())).toEqual([]);
  });

  describe('references', () => {
    it('rejects an undeclared parameter, even inside a longer string at depth', () => {
      const doc = withStep('WaitStable', (s) => {
        s.inputs = { ...s.inputs, services: ['svc-{{ Servise }}'] };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step WaitStable inputs.services[0]: {{ Servise }} is not a declared parameter; declare it under parameters',
      ]);
    });

    it('rejects a reference to a step that does not exist', () => {
      const doc = withStep('WaitStable', (s) => {
        s.inputs = { ...s.inputs, Note: '{{ Restrat.Deployment }}' };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step WaitStable inputs.Note: {{ Restrat.Deployment }} names no step: Restrat',
      ]);
    });

    it('rejects an output an aws:executeAwsApi step does not declare', () => {
      const doc = withStep('WaitStable', (s) => {
        s.inputs = { ...s.inputs, Note: '{{ Restart.TaskDefinition }}' };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step WaitStable inputs.Note: {{ Restart.TaskDefinition }}: step Restart (aws:executeAwsApi) has no output TaskDefinition; it has Deployment',
      ]);
    });

    it("accepts an action's built-in outputs and rejects others, naming what it has", () => {
      const doc = withStep('VerifyPassed', (s) => {
        s.inputs = {
          Choices: [{ NextStep: 'Done', Variable: '{{ VerifyHealth.Body }}', Contains: '"ok":true' }],
          Default: 'VerifyFailed',
        };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step VerifyPassed inputs.Choices[0].Variable: {{ VerifyHealth.Body }}: step VerifyHealth (aws:invokeLambdaFunction) has no output Body; it has StatusCode, FunctionError, LogResult, Payload',
      ]);
    });

    it('rejects an unknown automation variable', () => {
      const doc = withStep('Restart', (s) => {
        s.inputs = { ...s.inputs, clientToken: '{{ automation:EXECUTION }}' };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step Restart inputs.clientToken: {{ automation:EXECUTION }} is not an automation variable (automation:EXECUTION_ID, global:ACCOUNT_ID, global:AWS_PARTITION, global:DATE, global:DATE_TIME, global:REGION, global:URL_SUFFIX)',
      ]);
    });

    it("checks the document's outputs and assume role too", () => {
      const doc = { ...cleanDoc(), assumeRole: '{{ AssumeRole }}', outputs: ['Restart.Missing'] };
      expect(lintAutomationDocument(doc)).toEqual([
        'assumeRole: {{ AssumeRole }} is not a declared parameter; declare it under parameters',
        'outputs[0]: {{ Restart.Missing }}: step Restart (aws:executeAwsApi) has no output Missing; it has Deployment',
        'parameter AutomationAssumeRole is declared but never used; remove it or use it',
      ]);
    });

    it('rejects a parameter that is declared but never used', () => {
      const doc = cleanDoc();
      const withExtra = {
        ...doc,
        parameters: { ...doc.parameters, SettleSeconds: { type: 'Integer', description: 'settle' } as const },
      };
      expect(lintAutomationDocument(withExtra)).toEqual([
        'parameter SettleSeconds is declared but never used; remove it or use it',
      ]);
    });
  });

  describe('steps', () => {
    it('rejects an action outside KNOWN_ACTIONS', () => {
      const doc = withStep('Done', (s) => {
        (s as { action: string }).action = 'aws:executeScript';
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step Done: unknown action aws:executeScript; use one of aws:executeAwsApi, aws:waitForAwsResourceProperty, aws:assertAwsResourceProperty, aws:branch, aws:sleep, aws:runCommand, aws:invokeLambdaFunction',
      ]);
    });

    it('rejects a step without a positive timeout', () => {
      const zero = withStep('Done', (s) => {
        s.timeoutSeconds = 0;
      });
      expect(lintAutomationDocument(zero)).toEqual([
        'step Done: timeoutSeconds must be a positive number of seconds (got 0)',
      ]);
      const missing = withStep('Done', (s) => {
        delete (s as { timeoutSeconds?: number }).timeoutSeconds;
      });
      expect(lintAutomationDocument(missing)).toEqual([
        'step Done: timeoutSeconds must be a positive number of seconds (got undefined)',
      ]);
    });

    it('rejects a step name SSM would refuse', () => {
      const doc = withStep('Done', (s) => {
        s.name = 'Done-now';
      });
      const changed = {
        ...doc,
        mainSteps: doc.mainSteps.map((s) =>
          s.name === 'VerifyPassed'
            ? {
                ...s,
                inputs: {
                  ...s.inputs,
                  Choices: [{ NextStep: 'Done-now', Variable: '{{ VerifyHealth.Payload }}', Contains: 'x' }],
                },
              }
            : s,
        ),
      };
      expect(lintAutomationDocument(changed)).toEqual([
        'mainSteps[6]: step name "Done-now" must match /^[A-Za-z0-9_]+$/',
      ]);
    });

    it('rejects two steps with the same name', () => {
      const doc = cleanDoc();
      const dup = { ...doc, mainSteps: [...doc.mainSteps, { ...(doc.mainSteps[6] as AutomationStep) }] };
      expect(lintAutomationDocument(dup)).toEqual([
        'mainSteps[7]: step name Done is already used by mainSteps[6]',
      ]);
    });

    it('rejects an empty document', () => {
      expect(lintAutomationDocument({ ...cleanDoc(), mainSteps: [] })).toEqual([
        'mainSteps is empty: a document needs at least one step',
      ]);
    });
  });

  describe('jump targets', () => {
    it('rejects a nextStep that names no step', () => {
      const doc = withStep('Restart', (s) => {
        s.nextStep = 'WaitStabel';
      });
      // WaitStable is still reached by fall-through from nowhere else, so it is also unreachable.
      expect(lintAutomationDocument(doc)).toEqual([
        'step Restart: nextStep names no step: WaitStabel',
        'step WaitStable is unreachable from the first step (CheckDryRun)',
      ]);
    });

    it('rejects onFailure and onCancel targets that name no step, and an unknown onFailure value', () => {
      const doc = withStep('Restart', (s) => {
        s.onFailure = 'step:Rollback';
        s.onCancel = 'step:Cleanup';
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step Restart: onFailure names no step: Rollback',
        'step Restart: onCancel names no step: Cleanup',
      ]);
      const bad = withStep('Restart', (s) => {
        s.onFailure = 'Retry';
      });
      expect(lintAutomationDocument(bad)).toEqual([
        'step Restart: onFailure must be Abort, Continue or step:<name> (got Retry)',
      ]);
    });

    it('rejects branch choices and a Default that name no step', () => {
      const doc = withStep('CheckDryRun', (s) => {
        s.inputs = {
          Choices: [{ NextStep: 'Verify', Variable: '{{ DryRun }}', BooleanEquals: true }],
          Default: 'Restart',
        };
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'step CheckDryRun: Choices[0].NextStep names no step: Verify',
      ]);
      const noDefault = withStep('CheckDryRun', (s) => {
        s.inputs = { ...s.inputs, Default: 'Restrat' };
      });
      expect(lintAutomationDocument(noDefault)).toEqual([
        'step CheckDryRun: Default names no step: Restrat',
        'step Restart is unreachable from the first step (CheckDryRun)',
        'step WaitStable is unreachable from the first step (CheckDryRun)',
      ]);
    });
  });

  describe('reachability and verification', () => {
    it('rejects a step nothing leads to', () => {
      const doc = cleanDoc();
      const orphan: AutomationStep = {
        name: 'Orphan',
        action: 'aws:sleep',
        timeoutSeconds: 5,
        inputs: { Duration: 'PT1S' },
      };
      // Put it after the end of the verify failure, which ends the document.
      const steps = [...doc.mainSteps];
      steps.splice(6, 0, orphan);
      expect(lintAutomationDocument({ ...doc, mainSteps: steps })).toEqual([
        'step Orphan is unreachable from the first step (CheckDryRun)',
      ]);
    });

    it('counts an onFailure route as reaching its target', () => {
      const doc = cleanDoc();
      const cleanup: AutomationStep = {
        name: 'Cleanup',
        action: 'aws:sleep',
        timeoutSeconds: 5,
        isEnd: true,
        inputs: { Duration: 'PT1S' },
      };
      const steps = doc.mainSteps.map((s) =>
        s.name === 'Restart' ? { ...s, onFailure: 'step:Cleanup' } : s,
      );
      expect(lintAutomationDocument({ ...doc, mainSteps: [...steps, cleanup] })).toEqual([]);
    });

    it('rejects a path that ends in success without verification, naming it', () => {
      const doc = withStep('WaitStable', (s) => {
        s.isEnd = true;
      });
      expect(lintAutomationDocument(doc)).toEqual([
        'the path CheckDryRun → Restart → WaitStable ends in success without a verification step; every successful path must pass a step named Verify…',
      ]);
    });

    it('follows a branch with no Default by falling through to the next step', () => {
      const doc = cleanDoc();
      const shortcut: AutomationStep = {
        name: 'SkipWhenDry',
        action: 'aws:branch',
        timeoutSeconds: 5,
        inputs: { Choices: [{ NextStep: 'Done', Variable: '{{ DryRun }}', BooleanEquals: true }] },
      };
      expect(lintAutomationDocument({ ...doc, mainSteps: [shortcut, ...doc.mainSteps] })).toEqual([
        'the path SkipWhenDry → Done ends in success without a verification step; every successful path must pass a step named Verify…',
      ]);
    });

    it('follows the onFailure route of a step that is not critical, since its failure can end in success', () => {
      const doc = cleanDoc();
      const giveUp: AutomationStep = {
        name: 'GiveUp',
        action: 'aws:sleep',
        timeoutSeconds: 5,
        isEnd: true,
        inputs: { Duration: 'PT1S' },
      };
      const steps = doc.mainSteps.map((s) =>
        s.name === 'Restart' ? { ...s, onFailure: 'step:GiveUp', isCritical: false } : s,
      );
      expect(lintAutomationDocument({ ...doc, mainSteps: [...steps, giveUp] })).toEqual([
        'the path CheckDryRun → Restart → GiveUp ends in success without a verification step; every successful path must pass a step named Verify…',
      ]);
    });
  });

  it('assertLintClean names the document and lists every problem', () => {
    const doc = withStep('Restart', (s) => {
      s.nextStep = 'Nowhere';
      s.timeoutSeconds = -1;
    });
    expect(() => assertLintClean('vigil-demo-remediate-ecs-restart', doc)).toThrow(AutomationLintError);
    expect(() => assertLintClean('vigil-demo-remediate-ecs-restart', doc)).toThrow(
      [
        'Automation document vigil-demo-remediate-ecs-restart has 3 problems:',
        '  - step Restart: timeoutSeconds must be a positive number of seconds (got -1)',
        '  - step Restart: nextStep names no step: Nowhere',
        '  - step WaitStable is unreachable from the first step (CheckDryRun)',
      ].join('\n'),
    );
    expect(() => assertLintClean('fine', cleanDoc())).not.toThrow();
  });
});
