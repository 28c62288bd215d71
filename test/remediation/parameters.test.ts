import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDRAILS, type Remediation, type RemediationStep } from '../../lib/remediation/model.ts';
import { documentParameters, targetIdOf, UnresolvedTargetError } from '../../lib/remediation/parameters.ts';
import { type ArnFormatter, documentPermissions } from '../../lib/remediation/permissions.ts';

const COMMON = { Monitor: ['madef-api'], SettleIntervalSeconds: ['60'], DryRun: ['false'] };

function remediation(step: RemediationStep): Remediation {
  return {
    ...DEFAULT_GUARDRAILS,
    monitor: 'madef-api',
    service: 'madef',
    alarmName: 'vigil-acme-madef-api',
    severity: 'P2',
    steps: [step],
    dryRun: false,
  };
}

const ECS_RESTART: RemediationStep = { action: 'ecs-restart', cluster: 'prod', service: 'api' };
const ECS_ROLLBACK: RemediationStep = { action: 'ecs-rollback', cluster: 'prod', service: 'api' };
const LAMBDA: RemediationStep = {
  action: 'lambda-rollback',
  functionName: 'assistant-webhook',
  alias: 'live',
};
const EC2: RemediationStep = {
  action: 'ec2-reboot',
  instances: ['i-0bbb2222bbbb2222b', 'i-0aaa1111aaaa1111a'],
};
const COMPOSE: RemediationStep = {
  action: 'compose-restart',
  instances: ['i-0aaa1111aaaa1111a'],
  directory: '/opt/madef',
  services: ['postgres', 'app'],
  compose: 'v2',
  healthyTimeoutSeconds: 90,
};
const COMPOSE_GIT: RemediationStep = {
  ...COMPOSE,
  action: 'compose-rollback',
  release: { kind: 'git', ref: 'commit' },
};
const COMPOSE_IMAGE: RemediationStep = {
  ...COMPOSE,
  action: 'compose-rollback',
  compose: 'v1',
  release: { kind: 'image-tag', releaseLog: '/opt/madef/releases.log' },
};
const CONTAINER: RemediationStep = {
  action: 'container-restart',
  instances: ['mi-0123456789abcdef0'],
  container: 'nutri-backend',
};
const CONTAINER_ROLLBACK: RemediationStep = {
  action: 'container-rollback',
  instances: ['mi-0123456789abcdef0'],
  container: 'nutri-backend',
  image: 'ghcr.io/acme/nutri-backend',
  runArgs: '-d --name nutri-backend -p 8000:8000',
  release: { kind: 'image-tag', releaseLog: '/srv/nutri/releases.log' },
};
const WEBHOOK: RemediationStep = {
  action: 'webhook',
  url: 'https://api.vercel.com/v9/projects/assistant/rollback?teamId=t_1',
  method: 'POST',
  token: { ssmParameter: '/vigil/vercel-token' },
  expectStatus: [],
  rollback: true,
};

describe('documentParameters', () => {
  it('ecs-restart and ecs-rollback (the resolved revision first, else the configured one)', () => {
    expect(documentParameters(ECS_RESTART, remediation(ECS_RESTART), undefined, false)).toEqual({
      ...COMMON,
      Cluster: ['prod'],
      Service: ['api'],
    });
    expect(
      documentParameters(ECS_ROLLBACK, remediation(ECS_ROLLBACK), { taskDefinition: 'api:41' }, true),
    ).toEqual({
      ...COMMON,
      DryRun: ['true'],
      Cluster: ['prod'],
      Service: ['api'],
      TaskDefinition: ['api:41'],
    });
    const named = { ...ECS_ROLLBACK, taskDefinition: 'api:40' } as RemediationStep;
    expect(documentParameters(named, remediation(named), undefined, false).TaskDefinition).toEqual([
      'api:40',
    ]);
  });

  it('refuses a rollback with nothing to roll back to', () => {
    expect(() => documentParameters(ECS_ROLLBACK, remediation(ECS_ROLLBACK), undefined, false)).toThrow(
      new UnresolvedTargetError(
        'ecs-rollback of prod/api: no task definition to roll back to; resolve the previous revision (or configure taskDefinition) before starting it',
      ),
    );
    expect(() => documentParameters(LAMBDA, remediation(LAMBDA), {}, false)).toThrow(
      'lambda-rollback of assistant-webhook:live: no version to roll back to; resolve the previous version before starting it',
    );
  });

  it('spreads the settle time over the verify attempts', () => {
    const slow = { ...remediation(EC2), settleSeconds: 600 };
    expect(documentParameters(EC2, slow, undefined, false).SettleIntervalSeconds).toEqual(['200']);
  });

  it('lambda-rollback, ec2-reboot and the host kinds', () => {
    expect(documentParameters(LAMBDA, remediation(LAMBDA), { functionVersion: '7' }, false)).toEqual({
      ...COMMON,
      FunctionName: ['assistant-webhook'],
      Alias: ['live'],
      FunctionVersion: ['7'],
    });
    expect(documentParameters(EC2, remediation(EC2), undefined, false)).toEqual({
      ...COMMON,
      InstanceIds: ['i-0bbb2222bbbb2222b', 'i-0aaa1111aaaa1111a'],
    });
    const compose = {
      ...COMMON,
      InstanceIds: ['i-0aaa1111aaaa1111a'],
      Directory: ['/opt/madef'],
      Services: ['postgres app'],
      Compose: ['v2'],
      HealthyTimeoutSeconds: ['90'],
    };
    expect(documentParameters(COMPOSE, remediation(COMPOSE), undefined, false)).toEqual(compose);
    expect(documentParameters(COMPOSE_GIT, remediation(COMPOSE_GIT), undefined, false)).toEqual({
      ...compose,
      ReleaseKind: ['git'],
      GitRef: ['commit'],
    });
    expect(documentParameters(COMPOSE_IMAGE, remediation(COMPOSE_IMAGE), undefined, false)).toEqual({
      ...compose,
      Compose: ['v1'],
      ReleaseKind: ['image-tag'],
      ReleaseLog: ['/opt/madef/releases.log'],
      EnvFile: ['.env'],
      Variable: ['IMAGE_TAG'],
    });
    expect(documentParameters(CONTAINER, remediation(CONTAINER), undefined, false)).toEqual({
      ...COMMON,
      InstanceIds: ['mi-0123456789abcdef0'],
      Container: ['nutri-backend'],
    });
    expect(documentParameters(CONTAINER_ROLLBACK, remediation(CONTAINER_ROLLBACK), undefined, false)).toEqual(
      {
        ...COMMON,
        InstanceIds: ['mi-0123456789abcdef0'],
        Container: ['nutri-backend'],
        Image: ['ghcr.io/acme/nutri-backend'],
        RunArgs: ['-d --name nutri-backend -p 8000:8000'],
        ReleaseLog: ['/srv/nutri/releases.log'],
      },
    );
  });

  it('webhook: the secret reference as JSON, never a value; empty values left to the defaults', () => {
    expect(documentParameters(WEBHOOK, remediation(WEBHOOK), undefined, false)).toEqual({
      ...COMMON,
      Url: ['https://api.vercel.com/v9/projects/assistant/rollback?teamId=t_1'],
      Method: ['POST'],
      Token: ['{"ssmParameter":"/vigil/vercel-token"}'],
    });
  });
});

describe('targetIdOf', () => {
  it.each([
    [ECS_RESTART, 'ecs/prod/api'],
    [ECS_ROLLBACK, 'ecs/prod/api'],
    [LAMBDA, 'lambda/assistant-webhook/live'],
    [EC2, 'ec2/i-0aaa1111aaaa1111a+i-0bbb2222bbbb2222b'],
    [COMPOSE, 'host/i-0aaa1111aaaa1111a/opt/madef'],
    [COMPOSE_GIT, 'host/i-0aaa1111aaaa1111a/opt/madef'],
    [CONTAINER, 'container/mi-0123456789abcdef0/nutri-backend'],
    [CONTAINER_ROLLBACK, 'container/mi-0123456789abcdef0/nutri-backend'],
    [WEBHOOK, 'webhook/api.vercel.com/v9/projects/assistant/rollback'],
  ] as const)('%o → %s', (step, id) => {
    expect(targetIdOf(step)).toBe(id);
  });

  it('is the same for the same hosts in another order, and keeps only tag-key characters', () => {
    expect(
      targetIdOf({ ...EC2, instances: ['i-0aaa1111aaaa1111a', 'i-0bbb2222bbbb2222b'] } as RemediationStep),
    ).toBe(targetIdOf(EC2));
    const odd = { ...WEBHOOK, url: 'https://hooks.example.com/roll%20back,now' } as RemediationStep;
    expect(targetIdOf(odd)).toBe('webhook/hooks.example.com/roll_20back_now');
  });
});

describe('documentPermissions', () => {
  const arn: ArnFormatter = (service, resource, options) =>
    `arn:aws:${service}:eu-west-1:${options?.account ?? '123456789012'}:${resource}`;
  const RUN_COMMAND_POLLING = {
    actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
    resources: ['*'],
  };

  it('ECS: UpdateService and DescribeServices on exactly the named services', () => {
    const other: RemediationStep = { action: 'ecs-restart', cluster: 'prod', service: 'worker' };
    expect(documentPermissions('ecs-restart', [ECS_RESTART, other, ECS_RESTART, LAMBDA], arn)).toEqual([
      {
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: [
          'arn:aws:ecs:eu-west-1:123456789012:service/prod/api',
          'arn:aws:ecs:eu-west-1:123456789012:service/prod/worker',
        ],
      },
    ]);
    expect(documentPermissions('ecs-rollback', [ECS_ROLLBACK], arn)).toEqual([
      {
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: ['arn:aws:ecs:eu-west-1:123456789012:service/prod/api'],
      },
    ]);
  });

  it('Lambda: UpdateAlias on the function and its alias only', () => {
    expect(documentPermissions('lambda-rollback', [LAMBDA], arn)).toEqual([
      {
        actions: ['lambda:UpdateAlias'],
        resources: [
          'arn:aws:lambda:eu-west-1:123456789012:function:assistant-webhook',
          'arn:aws:lambda:eu-west-1:123456789012:function:assistant-webhook:live',
        ],
      },
    ]);
  });

  it('EC2: RebootInstances on the instances; DescribeInstanceStatus has no resource-level permissions', () => {
    expect(documentPermissions('ec2-reboot', [EC2], arn)).toEqual([
      {
        actions: ['ec2:RebootInstances'],
        resources: [
          'arn:aws:ec2:eu-west-1:123456789012:instance/i-0aaa1111aaaa1111a',
          'arn:aws:ec2:eu-west-1:123456789012:instance/i-0bbb2222bbbb2222b',
        ],
      },
      { actions: ['ec2:DescribeInstanceStatus'], resources: ['*'] },
    ]);
  });

  it('hosts: SendCommand of AWS-RunShellScript (no account in its ARN) on EC2 and hybrid instances', () => {
    expect(documentPermissions('compose-restart', [COMPOSE], arn)).toEqual([
      {
        actions: ['ssm:SendCommand'],
        resources: [
          'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
          'arn:aws:ec2:eu-west-1:123456789012:instance/i-0aaa1111aaaa1111a',
        ],
      },
      RUN_COMMAND_POLLING,
    ]);
    expect(documentPermissions('container-rollback', [CONTAINER_ROLLBACK], arn)).toEqual([
      {
        actions: ['ssm:SendCommand'],
        resources: [
          'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
          'arn:aws:ssm:eu-west-1:123456789012:managed-instance/mi-0123456789abcdef0',
        ],
      },
      RUN_COMMAND_POLLING,
    ]);
    // Only the steps of the document's own kind count.
    expect(documentPermissions('compose-rollback', [COMPOSE, CONTAINER], arn)).toEqual([]);
    expect(documentPermissions('compose-rollback', [COMPOSE_GIT], arn)[0]?.resources).toHaveLength(2);
    expect(documentPermissions('container-restart', [CONTAINER], arn)[0]?.resources).toEqual([
      'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
      'arn:aws:ssm:eu-west-1:123456789012:managed-instance/mi-0123456789abcdef0',
    ]);
  });

  it('webhook: nothing of its own (the construct grants the invocation), and no statements without steps', () => {
    expect(documentPermissions('webhook', [WEBHOOK], arn)).toEqual([]);
    expect(documentPermissions('ecs-restart', [], arn)).toEqual([]);
    expect(documentPermissions('lambda-rollback', [ECS_RESTART], arn)).toEqual([]);
  });
});
