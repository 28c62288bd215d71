/**
 * cdk-nag AwsSolutions with zero unacknowledged findings. cdk-nag 3 is a policy-validation plugin
 * (`Validations.of(app).addPlugins(...)`, acknowledgements through `Validations.of(x).acknowledge`)
 * and no longer writes Annotations, so the pack is run directly on the synthesized tree:
 * `validateScope` reports every unacknowledged error and warning as a violation.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  incidentConfig,
  infraConfig,
  minimalConfig,
  opsConfig,
  remediationConfig,
} from '../support/configs.ts';
import { synthVigil } from '../support/synth.ts';

/** Unacknowledged AwsSolutions findings (errors and warnings), as "RuleId at construct path". */
function findings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations
    .filter((v) => /^AwsSolutions-/.test(v.ruleName))
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) at ${r.constructPath}`));
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in a stack with every feature (secrets, subscribers, cron, disabled monitor)', () => {
    const { stack } = synthVigil(infraConfig);
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with queue, backup and command monitors of every source', () => {
    const { stack } = synthVigil(opsConfig);
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with composites, dependencies, maintenance windows, the pager and a heartbeat', () => {
    const { stack } = synthVigil(incidentConfig);
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with remediation: documents, their roles, the remediator and the webhook function', () => {
    const { stack } = synthVigil(remediationConfig);
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged in the smallest stack (no secrets, no subscribers)', () => {
    const { stack } = synthVigil(minimalConfig);
    expect(findings(stack)).toEqual([]);
  });

  it('does report findings (the check is live): a queue with no dead-letter queue and no TLS enforcement', () => {
    const stack = new Stack(new App(), 'Bad');
    new sqs.Queue(stack, 'Plain');
    Template.fromStack(stack);
    expect(findings(stack)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-SQS3 /),
        expect.stringMatching(/^AwsSolutions-SQS4 /),
      ]),
    );
  });

  it('honours an acknowledgement only for the rule it names', () => {
    const stack = new Stack(new App(), 'Acked');
    const queue = new sqs.Queue(stack, 'Plain');
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'test' });
    Template.fromStack(stack);
    const found = findings(stack);
    expect(found.some((f) => f.startsWith('AwsSolutions-SQS3 '))).toBe(false);
    expect(found.some((f) => f.startsWith('AwsSolutions-SQS4 '))).toBe(true);
  });
});
