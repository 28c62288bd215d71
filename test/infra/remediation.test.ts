/**
 * Self-healing in the template: a document per action kind the config uses (linted), its role scoped
 * to exactly the targets the config names, the remediator (environment, catalog file, permissions),
 * the alarm actions that start it, the status-change rule, and the dashboards' remediation row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildRemediationCatalog,
  ladderSummary,
  type RemediationCatalog,
} from '../../lib/remediation/catalog.ts';
import { remediationDocument } from '../../lib/remediation/documents/index.ts';
import type { RemediationActionKind } from '../../lib/remediation/model.ts';
import { lintAutomationDocument } from '../../lib/ssm/lint.ts';
import { remediationResources } from '../../lib/stack-plan.ts';
import { remediationConfig } from '../support/configs.ts';
import { flatten, logicalId, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(remediationConfig);
});

const USED: RemediationActionKind[] = [
  'ecs-restart',
  'ecs-rollback',
  'lambda-rollback',
  'compose-restart',
  'compose-rollback',
  'webhook',
];
const UNUSED: RemediationActionKind[] = ['ec2-reboot', 'container-restart', 'container-rollback'];

const ACCOUNT = 'arn:<AWS::Partition>:%s:<AWS::Region>:<AWS::AccountId>:';
const arn = (service: string, resource: string) => `${ACCOUNT.replace('%s', service)}${resource}`;

function remediation() {
  const r = synth.stack.remediation;
  if (!r) throw new Error('the stack made no Remediation');
  return r;
}

/** The statements of a role's inline policies, flattened, without their Effect (always Allow). */
function statementsOf(role: { node: unknown }): unknown[] {
  const id = logicalId(role as never);
  return Object.values(
    synth.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: id }] } }),
  )
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    )
    .map((s) => {
      const { Effect, ...rest } = flatten(s) as Record<string, unknown>;
      expect(Effect).toBe('Allow');
      return rest;
    });
}

describe('documents', () => {
  it('deploys one linted Automation document per action kind the config uses, with the built content', () => {
    for (const kind of USED) {
      const props = propertiesNamed(
        synth.template,
        'AWS::SSM::Document',
        'Name',
        `vigil-heal-remediate-${kind}`,
      );
      expect(props.DocumentType, kind).toBe('Automation');
      const role = remediation().roles.get(kind);
      if (!role) throw new Error(`no role for ${kind}`);
      const expected = synth.stack.resolve(
        remediationDocument(kind, {
          assumeRoleArn: role.roleArn,
          canaryFunctionName: synth.stack.canary.lambda.functionName,
          webhookFunctionName: remediation().webhook?.lambda.functionName ?? '',
        }),
      );
      expect(props.Content, kind).toEqual(expected);
      expect(flatten(props.Content as never)).toMatchObject({
        schemaVersion: '0.3',
        assumeRole: `<${logicalId(role)}.Arn>`,
      });
      expect(
        lintAutomationDocument(
          remediationDocument(kind, {
            assumeRoleArn: 'arn:aws:iam::123456789012:role/r',
            canaryFunctionName: 'canary',
            webhookFunctionName: 'webhook',
          }),
        ),
        kind,
      ).toEqual([]);
    }
  });

  it('deploys no document and no role for a kind the config does not use', () => {
    const names = Object.values(synth.template.findResources('AWS::SSM::Document')).map(
      (d) => (d as { Properties: { Name: string } }).Properties.Name,
    );
    expect(names.sort()).toEqual(USED.map((k) => `vigil-heal-remediate-${k}`).sort());
    for (const kind of UNUSED) expect(remediation().roles.has(kind), kind).toBe(false);
    expect([...remediation().roles.keys()]).toEqual(USED);
  });
});

describe('document roles', () => {
  const canary = () => `<${logicalId(synth.stack.canary.lambda)}.Arn>`;
  const verify = () => [
    { Action: 'lambda:InvokeFunction', Resource: canary() },
    { Action: 'ssm:GetAutomationExecution', Resource: arn('ssm', 'automation-execution/*') },
  ];
  const role = (kind: RemediationActionKind) => {
    const r = remediation().roles.get(kind);
    if (!r) throw new Error(`no role for ${kind}`);
    return r;
  };

  it("are trusted by Systems Manager for this account's executions only", () => {
    for (const kind of USED) {
      const props = synth.template.toJSON().Resources[logicalId(role(kind))].Properties;
      expect(flatten(props.AssumeRolePolicyDocument), kind).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ssm.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '<AWS::AccountId>' },
              ArnLike: { 'aws:SourceArn': arn('ssm', 'automation-execution/*') },
            },
          },
        ],
      });
      expect(props.ManagedPolicyArns, kind).toBeUndefined();
    }
  });

  it('let the ECS documents update exactly the named service', () => {
    for (const kind of ['ecs-restart', 'ecs-rollback'] as const) {
      expect(statementsOf(role(kind)), kind).toEqual([
        {
          Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
          Resource: arn('ecs', 'service/prod/orders'),
        },
        ...verify(),
      ]);
    }
  });

  it('lets the Lambda document move exactly the named alias', () => {
    expect(statementsOf(role('lambda-rollback'))).toEqual([
      {
        Action: 'lambda:UpdateAlias',
        Resource: [arn('lambda', 'function:billing'), arn('lambda', 'function:billing:live')],
      },
      ...verify(),
    ]);
  });

  it('let the host documents run shell scripts on exactly their own instances', () => {
    const polling = {
      Action: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
      Resource: '*',
    };
    const shell = 'arn:<AWS::Partition>:ssm:<AWS::Region>::document/AWS-RunShellScript';
    expect(statementsOf(role('compose-restart'))).toEqual([
      {
        Action: 'ssm:SendCommand',
        Resource: [
          shell,
          arn('ec2', 'instance/i-0123456789abcdef0'),
          arn('ssm', 'managed-instance/mi-0123456789abcdef0'),
        ],
      },
      polling,
      ...verify(),
    ]);
    expect(statementsOf(role('compose-rollback'))).toEqual([
      { Action: 'ssm:SendCommand', Resource: [shell, arn('ec2', 'instance/i-0123456789abcdef0')] },
      polling,
      ...verify(),
    ]);
  });

  it('lets the webhook document invoke the webhook function and the canary, nothing else', () => {
    const webhook = remediation().webhook;
    if (!webhook) throw new Error('no webhook function');
    expect(statementsOf(role('webhook'))).toEqual([
      { Action: 'lambda:InvokeFunction', Resource: [canary(), `<${logicalId(webhook.lambda)}.Arn>`] },
      { Action: 'ssm:GetAutomationExecution', Resource: arn('ssm', 'automation-execution/*') },
    ]);
  });

  it('lets the webhook function read exactly the named token', () => {
    const webhook = remediation().webhook;
    if (!webhook) throw new Error('no webhook function');
    expect(statementsOf(webhook.role)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `<${logicalId(webhook.logGroup)}.Arn>`,
      },
      {
        Sid: 'ReadTokenSecrets',
        Action: 'secretsmanager:GetSecretValue',
        Resource: arn('secretsmanager', 'secret:vigil/assistant/vercel-token-??????'),
      },
      {
        Sid: 'DecryptTokens',
        Action: 'kms:Decrypt',
        Resource: arn('kms', 'key/*'),
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.<AWS::Region>.amazonaws.com' } },
      },
    ]);
  });
});

describe('the remediator', () => {
  const remediatorId = () => logicalId(remediation().remediator.lambda);

  it('knows the project, the readable topics and the dashboards', () => {
    const props = synth.template.toJSON().Resources[remediatorId()].Properties;
    expect(flatten(props.Environment.Variables)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'vigil-remediator',
      VIGIL_PROJECT: 'heal',
      NOTIFY_TOPIC_P1: `<${logicalId(synth.stack.notify.topics.P1)}>`,
      NOTIFY_TOPIC_P2: `<${logicalId(synth.stack.notify.topics.P2)}>`,
      NOTIFY_TOPIC_P3: `<${logicalId(synth.stack.notify.topics.P3)}>`,
      NOTIFY_TOPIC_P4: `<${logicalId(synth.stack.notify.topics.P4)}>`,
      DASHBOARD_URL_TEMPLATE:
        'https://<AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<AWS::Region>#dashboards/dashboard/vigil-heal-{service}',
      POWERTOOLS_METRICS_NAMESPACE: 'Vigil',
    });
  });

  it('ships the catalog of every remediation by alarm beside its bundle', () => {
    const key = synth.template.toJSON().Resources[remediatorId()].Properties.Code.S3Key as string;
    const asset = join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const shipped = JSON.parse(
      readFileSync(join(asset, 'vigil-remediations.json'), 'utf8'),
    ) as RemediationCatalog;
    expect(shipped).toEqual(
      JSON.parse(JSON.stringify(buildRemediationCatalog('heal', remediationConfig.remediations))),
    );
    expect(Object.keys(shipped.remediations)).toEqual([
      'vigil-heal-orders-api',
      'vigil-heal-billing-fn',
      'vigil-heal-madef-api',
      'vigil-heal-madef-worker-queue-stalled',
      'vigil-heal-assistant',
    ]);
  });

  it('may start the documents, pass their roles to SSM only, read runs, alarms and mute rules, page, and read deploys of the named targets', () => {
    const roles = USED.map((k) => `<${logicalId(remediation().roles.get(k) as never)}.Arn>`);
    const definition = (kind: string) => arn('ssm', `automation-definition/vigil-heal-remediate-${kind}:*`);
    expect(statementsOf(remediation().remediator.role)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `<${logicalId(remediation().remediator.logGroup)}.Arn>`,
      },
      {
        Sid: 'DeadLetterFailedInvocations',
        Action: 'sqs:SendMessage',
        Resource: expect.stringMatching(/^<DeadLetters.*\.Arn>$/),
      },
      { Sid: 'StartRemediations', Action: 'ssm:StartAutomationExecution', Resource: USED.map(definition) },
      {
        Sid: 'ReadAndTagRuns',
        Action: ['ssm:GetAutomationExecution', 'ssm:ListTagsForResource', 'ssm:AddTagsToResource'],
        Resource: arn('ssm', 'automation-execution/*'),
      },
      {
        Sid: 'PassDocumentRoles',
        Action: 'iam:PassRole',
        Resource: roles,
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      },
      {
        Sid: 'ReadRunHistoryAlarmsAndMuteRules',
        Action: [
          'ssm:DescribeAutomationExecutions',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:ListAlarmMuteRules',
        ],
        Resource: '*',
      },
      {
        Sid: 'ReadVigilMuteRules',
        Action: 'cloudwatch:GetAlarmMuteRule',
        Resource: arn('cloudwatch', 'alarm-mute-rule:vigil-heal-mute-*'),
      },
      {
        Sid: 'PageDecisions',
        Action: 'sns:Publish',
        Resource: (['P1', 'P2', 'P3', 'P4'] as const).map(
          (s) => `<${logicalId(synth.stack.notify.topics[s])}>`,
        ),
      },
      {
        Sid: 'EncryptPages',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: `<${logicalId(synth.stack.paging.key)}.Arn>`,
      },
      {
        Sid: 'ReadEcsDeployments',
        Action: 'ecs:DescribeServices',
        Resource: arn('ecs', 'service/prod/orders'),
      },
      {
        Sid: 'FindPreviousTaskDefinitions',
        Action: ['ecs:ListTaskDefinitions', 'ecs:DescribeTaskDefinition'],
        Resource: '*',
      },
      {
        Sid: 'ReadLambdaVersions',
        Action: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionConfiguration'],
        Resource: [arn('lambda', 'function:billing'), arn('lambda', 'function:billing:*')],
      },
    ]);
  });
});

describe('what starts the remediator', () => {
  const remediatorArn = () => ({ 'Fn::GetAtt': [logicalId(remediation().remediator.lambda), 'Arn'] });
  const actionsOf = (name: string) =>
    propertiesNamed(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName', name).AlarmActions as unknown[];

  it("invokes it from each remediated alarm, even a composite member's that pages nobody itself", () => {
    for (const name of ['vigil-heal-orders-api', 'vigil-heal-billing-fn', 'vigil-heal-assistant']) {
      expect(actionsOf(name), name).toContainEqual(remediatorArn());
      expect(actionsOf(name), name).toHaveLength(2);
    }
    // madef pages through composites: its members' only action is the remediator.
    expect(actionsOf('vigil-heal-madef-api')).toEqual([remediatorArn()]);
    expect(actionsOf('vigil-heal-madef-worker-queue-stalled')).toEqual([remediatorArn()]);
  });

  it('leaves alone the alarms no remediation names (the queue’s own alarm, blog)', () => {
    expect(actionsOf('vigil-heal-madef-worker-queue') ?? []).not.toContainEqual(remediatorArn());
    expect(actionsOf('vigil-heal-blog')).not.toContainEqual(remediatorArn());
    expect(actionsOf('vigil-heal-blog')).toHaveLength(1);
    expect(
      propertiesNamed(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName', 'vigil-heal-orders-api')
        .OKActions,
    ).not.toContainEqual(remediatorArn());
  });

  it("lets the project's alarms invoke it through one permission, not one per alarm", () => {
    const permissions = Object.values(
      synth.template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: remediatorArn() },
      }),
    ).map((p) => flatten((p as { Properties: unknown }).Properties));
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: `<${logicalId(remediation().remediator.lambda)}.Arn>`,
        Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
        SourceAccount: '<AWS::AccountId>',
        SourceArn: arn('cloudwatch', 'alarm:vigil-heal-*'),
      },
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: `<${logicalId(remediation().remediator.lambda)}.Arn>`,
        Principal: 'events.amazonaws.com',
        SourceArn: `<${logicalId(remediation().statusRule)}.Arn>`,
      },
    ]);
  });

  it("sends the end of every run of the project's documents to it", () => {
    const rule = synth.template.toJSON().Resources[logicalId(remediation().statusRule)].Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.ssm'],
      'detail-type': ['EC2 Automation Execution Status-change Notification'],
      detail: {
        Definition: [{ prefix: 'vigil-heal-remediate-' }],
        Status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
      },
    });
    expect(flatten(rule.Targets)).toEqual([
      expect.objectContaining({
        Arn: `<${logicalId(remediation().remediator.lambda)}.Arn>`,
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      }),
    ]);
  });
});

describe('dashboards', () => {
  const widgetsOf = (service: string) => {
    const body = propertiesNamed(
      synth.template,
      'AWS::CloudWatch::Dashboard',
      'DashboardName',
      `vigil-heal-${service}`,
    ).DashboardBody;
    return JSON.parse(flatten(body) as string).widgets as {
      type: string;
      properties: { markdown?: string; title?: string; metrics?: unknown[] };
    }[];
  };

  it("shows a remediated service's ladders and graphs its runs and time to healthy", () => {
    const widgets = widgetsOf('madef');
    const text = widgets.find((w) => w.properties.markdown?.startsWith('### Remediation runs'));
    const [api, worker] = remediationConfig.remediations.filter((r) => r.service === 'madef');
    if (!api || !worker) throw new Error('madef has two remediations');
    expect(text?.properties.markdown).toBe(
      [
        '### Remediation runs',
        `- **vigil-heal-madef-api** (madef-api): ${ladderSummary(api)}`,
        `- **vigil-heal-madef-worker-queue-stalled** (madef-worker-queue, stalled): ${ladderSummary(worker)}`,
      ].join('\n'),
    );
    expect(ladderSummary(worker)).toMatch(/^restart compose worker on mi-0123456789abcdef0; cooldown 30 min/);
    const runs = widgets.find((w) => w.properties.title === 'madef: remediation runs (per hour)');
    expect(runs?.properties.metrics).toEqual([
      [
        'Vigil',
        'RemediationStarted',
        'Service',
        'madef',
        { label: 'RemediationStarted', period: 3600, stat: 'Sum' },
      ],
      [
        'Vigil',
        'RemediationSucceeded',
        'Service',
        'madef',
        { label: 'RemediationSucceeded', period: 3600, stat: 'Sum' },
      ],
      [
        'Vigil',
        'RemediationFailed',
        'Service',
        'madef',
        { label: 'RemediationFailed', period: 3600, stat: 'Sum' },
      ],
    ]);
    const healthy = widgets.find(
      (w) => w.properties.title === 'madef: alarm to healthy (s, slowest run per hour)',
    );
    expect(healthy?.properties.metrics).toEqual([
      [
        'Vigil',
        'RemediationSecondsToHealthy',
        'Service',
        'madef',
        { label: 'alarm to healthy (s, max)', period: 3600, stat: 'Maximum' },
      ],
    ]);
  });

  it('says so on the dashboard of a service that does not remediate', () => {
    expect(widgetsOf('blog').at(-1)?.properties.markdown).toMatch(
      /^### Remediation runs\nNone: no alarm of this service/,
    );
  });
});

describe('a config without remediation', () => {
  it('deploys none of it', async () => {
    const { minimalConfig } = await import('../support/configs.ts');
    const { stack, template } = synthVigil(minimalConfig);
    expect(stack.remediation).toBeUndefined();
    expect(template.findResources('AWS::SSM::Document')).toEqual({});
    expect(template.findResources('AWS::Events::Rule')).toEqual({});
  });
});

describe('stack planning', () => {
  it('counts its resources in the main stack exactly, so a config near the limit splits in time', () => {
    const own = synth.stack.remediation?.node.findAll().filter((c) => c instanceof CfnResource) ?? [];
    expect(own.length).toBe(remediationResources(remediationConfig));
  });
});
