import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { AutomationDocument } from '../../lib/constructs/automation-document.ts';
import type { AutomationDocument as Content } from '../../lib/ssm/automation.ts';
import { VERIFY_PARAMETERS, verifySteps } from '../../lib/ssm/verify-steps.ts';

/** A remediation-shaped document whose role ARN and canary name are CDK tokens. */
function content(stack: Stack): Content {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com') });
  return {
    schemaVersion: '0.3',
    description: 'Restart an ECS service, then verify health came back',
    assumeRole: role.roleArn,
    parameters: {
      ...VERIFY_PARAMETERS,
      Cluster: { type: 'String', description: 'cluster' },
      Service: { type: 'String', description: 'service' },
    },
    mainSteps: [
      {
        name: 'Restart',
        action: 'aws:executeAwsApi',
        timeoutSeconds: 60,
        inputs: {
          Service: 'ecs',
          Api: 'UpdateService',
          cluster: '{{ Cluster }}',
          service: '{{ Service }}',
          forceNewDeployment: true,
        },
      },
      ...verifySteps({ canaryFunctionName: `${stack.stackName}-canary` }),
    ],
  };
}

describe('AutomationDocument', () => {
  it('is an Automation document in JSON, updated as a new default version, with its content as given', () => {
    const stack = new Stack(new App(), 'Docs');
    const doc = content(stack);
    new AutomationDocument(stack, 'Restart', {
      name: 'vigil-demo-remediate-ecs-restart',
      document: doc,
      tags: { 'vigil:project': 'demo' },
    });
    const template = Template.fromStack(stack);
    const docs = template.findResources('AWS::SSM::Document');
    expect(Object.keys(docs)).toHaveLength(1);
    const props = (Object.values(docs)[0] as { Properties: Record<string, unknown> }).Properties;
    expect(props.Name).toBe('vigil-demo-remediate-ecs-restart');
    expect(props.DocumentType).toBe('Automation');
    expect(props.DocumentFormat).toBe('JSON');
    expect(props.UpdateMethod).toBe('NewVersion');
    expect(props.Tags).toEqual([{ Key: 'vigil:project', Value: 'demo' }]);
    const synthesized = props.Content as Record<string, unknown>;
    // The role's ARN is resolved by CloudFormation, not written at synth.
    expect(synthesized.assumeRole).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Role/), 'Arn'] });
    expect(synthesized.schemaVersion).toBe('0.3');
    expect((synthesized.mainSteps as { name: string }[]).map((s) => s.name)).toEqual(
      doc.mainSteps.map((s) => s.name),
    );
    expect(synthesized.parameters).toEqual(JSON.parse(JSON.stringify(doc.parameters)));
  });

  it('exposes its name, its document ARN and the automation-definition ARN StartAutomationExecution is authorized on', () => {
    const stack = new Stack(new App(), 'Docs');
    const doc = new AutomationDocument(stack, 'Restart', {
      name: 'vigil-demo-remediate-ecs-restart',
      document: content(stack),
    });
    expect(doc.documentName).toBe('vigil-demo-remediate-ecs-restart');
    expect(stack.resolve(doc.documentArn)).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ssm:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':document/vigil-demo-remediate-ecs-restart',
        ],
      ],
    });
    expect(stack.resolve(doc.automationDefinitionArn)).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ssm:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':automation-definition/vigil-demo-remediate-ecs-restart:$DEFAULT',
        ],
      ],
    });
  });

  it('fails the synth with the document name and every lint problem', () => {
    const stack = new Stack(new App(), 'Docs');
    const good = content(stack);
    const broken: Content = {
      ...good,
      mainSteps: good.mainSteps.map((s) =>
        s.name === 'Restart'
          ? { ...s, inputs: { ...s.inputs, cluster: '{{ Clustr }}' }, timeoutSeconds: 0 }
          : s,
      ),
    };
    expect(
      () =>
        new AutomationDocument(stack, 'Broken', {
          name: 'vigil-demo-remediate-ecs-restart',
          document: broken,
        }),
    ).toThrow(
      [
        'Automation document vigil-demo-remediate-ecs-restart has 3 problems:',
        '  - step Restart: timeoutSeconds must be a positive number of seconds (got 0)',
        '  - step Restart inputs.cluster: {{ Clustr }} is not a declared parameter; declare it under parameters',
        '  - parameter Cluster is declared but never used; remove it or use it',
      ].join('\n'),
    );
    expect(Template.fromStack(stack).findResources('AWS::SSM::Document')).toEqual({});
  });

  it('refuses a name SSM would refuse, saying what it takes', () => {
    const stack = new Stack(new App(), 'Docs');
    expect(
      () => new AutomationDocument(stack, 'Bad', { name: 'vigil demo/restart', document: content(stack) }),
    ).toThrow(
      'Automation document name "vigil demo/restart": SSM takes 3 to 128 letters, digits, "_", "." or "-"; shorten or rename it',
    );
  });
});
