import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
/**
 * DR drills in the template: the schedules (cron, time zone, no flexible window, the exact
 * StartAutomationExecution request), the documents, the document roles limited to scratch
 * resources tagged as drills (conditions asserted exactly; the production instance is in no
 * statement that allows a write), the rule sending finished drills to the drill function, the
 * "did not run" alarms, the dashboard row and cdk-nag.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { buildDrillCatalog, drillExecutionRequest } from '../../lib/drills/catalog.ts';
import { drillEnvironmentValue } from '../../lib/drills/documents/index.ts';
import type { PagerCatalog } from '../../lib/paging/catalog.ts';
import { drillResources } from '../../lib/stack-plan.ts';
import { flatten, logicalId, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

const config = parseConfig({
  project: 'shop',
  monitors: [
    {
      kind: 'http',
      name: 'api-health',
      service: 'db',
      url: 'https://api.example.com/health',
      severity: 'P1',
    },
    {
      kind: 'backup',
      name: 'db-host-dumps',
      service: 'db',
      host: {
        instance: 'i-0123456789abcdef0',
        directory: '/opt/shop/backups',
        pattern: 'shop_{YYYYMMDD}_{HHMMSS}.sql.gz',
      },
    },
    { kind: 'backup', name: 'db-s3-dumps', service: 'db', s3: { bucket: 'shop-backups', prefix: 'db/' } },
    {
      kind: 'backup',
      name: 'db-snapshots',
      service: 'db',
      severity: 'P1',
      rds: { instance: 'shop-prod-db' },
    },
  ],
  drills: [
    { name: 'host', backup: 'db-host-dumps', verify: { queries: [{ table: 'orders' }] } },
    {
      name: 's3',
      backup: 'db-s3-dumps',
      restore: { instance: 'mi-0fedcba9876543210' },
      verify: { queries: [{ table: 'orders' }] },
      schedule: 'cron(30 2 ? * SUN#2 *)',
      timeZone: 'Europe/Istanbul',
    },
    {
      name: 'rds',
      backup: 'db-snapshots',
      restore: {
        subnetGroup: 'shop-private',
        securityGroups: ['sg-0abc1234', 'sg-0def5678'],
        verifyInstance: 'i-0aaaabbbbccccdddd',
        user: 'postgres',
        database: 'shop',
        password: { ssmParameter: '/shop/db/password' },
      },
      verify: { queries: [{ table: 'orders', min: 100 }] },
      gameDay: true,
    },
  ],
});

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(config);
});

const PRODUCTION_DB = 'arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:shop-prod-db';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of a role's policies, flattened to readable strings. */
function statementsOf(roleId: string): Statement[] {
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .map(
      (p) =>
        (p as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }).Properties,
    )
    .filter((p) => JSON.stringify(p.Roles).includes(`"${roleId}"`))
    .flatMap((p) => flatten(p.PolicyDocument.Statement) as Statement[]);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);
const globMatches = (pattern: string, arn: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(arn);
/** Actions that change something: everything but reads. */
const isWrite = (action: string) => !/^[a-z0-9-]+:(Describe|List|Get)/.test(action);

describe('schedules', () => {
  it('start each drill on its cron, in its time zone, on time, with the exact request `vigil drill run` sends', () => {
    const catalog = buildDrillCatalog(config);
    const expected = [
      ['host', 'cron(0 3 ? * SUN#1 *)', 'UTC'],
      ['s3', 'cron(30 2 ? * SUN#2 *)', 'Europe/Istanbul'],
      ['rds', 'cron(0 3 ? * SUN#1 *)', 'UTC'],
    ] as const;
    for (const [drill, cron, zone] of expected) {
      const p = propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', `drill-${drill}`);
      expect(p.ScheduleExpression).toBe(cron);
      expect(p.ScheduleExpressionTimezone).toBe(zone);
      expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      const target = flatten(p.Target) as Record<string, unknown>;
      expect(target.Arn).toBe('arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution');
      expect(target.RoleArn).toBe(`<${logicalId(synth.stack.drills?.schedulerRole as never)}.Arn>`);
      expect(JSON.parse(String(target.Input))).toEqual(drillExecutionRequest(catalog, drill));
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    }
    expect(
      JSON.parse(
        String(
          (
            flatten(
              propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', 'drill-rds').Target,
            ) as { Input: string }
          ).Input,
        ),
      ),
    ).toEqual({
      DocumentName: 'vigil-shop-drill-rds-snapshot',
      Parameters: {
        Drill: ['rds'],
        SourceInstance: ['shop-prod-db'],
        InstanceClass: ['db.t4g.micro'],
        SubnetGroup: ['shop-private'],
        SecurityGroups: ['sg-0abc1234', 'sg-0def5678'],
        VerifyInstance: ['i-0aaaabbbbccccdddd'],
      },
      Tags: [
        { Key: 'vigil:drill-name', Value: 'rds' },
        { Key: 'vigil:target:drill/rds', Value: 'rds' },
      ],
    });
  });

  it('runs the daily sweep and the game day of a game-day drill', () => {
    const sweep = propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', 'drill-sweep');
    expect([sweep.ScheduleExpression, sweep.ScheduleExpressionTimezone]).toEqual([
      'cron(0 0/6 * * ? *)',
      'UTC',
    ]);
    expect(JSON.parse((sweep.Target as { Input: string }).Input)).toEqual({ op: 'sweep', everyHours: 6 });
    const gameDay = propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', 'game-day-rds');
    expect(gameDay.ScheduleExpression).toBe('cron(0 3 ? * SUN#1 *)');
    expect(JSON.parse((gameDay.Target as { Input: string }).Input)).toEqual({ op: 'game-day', drill: 'rds' });
    expect(() =>
      propertiesNamed(synth.template, 'AWS::Scheduler::Schedule', 'Name', 'game-day-host'),
    ).toThrow();
  });

  it("lets the schedules' role start only the drill documents, pass only their roles, invoke only the drill function", () => {
    const drills = synth.stack.drills;
    if (!drills) throw new Error('no drills');
    const roles = [...drills.roles.values()].map((r) => `<${logicalId(r)}.Arn>`);
    expect(statementsOf(logicalId(drills.schedulerRole))).toEqual([
      {
        Sid: 'StartDrills',
        Effect: 'Allow',
        Action: 'ssm:StartAutomationExecution',
        Resource: ['host-dump', 's3-dump', 'rds-snapshot'].map(
          (k) =>
            `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/vigil-shop-drill-${k}:*`,
        ),
      },
      {
        Sid: 'TagDrillExecutions',
        Effect: 'Allow',
        Action: 'ssm:AddTagsToResource',
        Resource: 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*',
      },
      {
        Sid: 'PassDrillRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: roles,
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      },
      {
        Sid: 'InvokeDrillFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: `<${logicalId(drills.function.lambda)}.Arn>`,
      },
      {
        Sid: 'DeadLetter',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: expect.stringMatching(/^<DeadLetters.*\.Arn>$/),
      },
    ]);
  });
});

describe('documents and environments', () => {
  it('deploys one Automation document per drill kind, each running as its own role', () => {
    const docs = Object.values(synth.template.findResources('AWS::SSM::Document')).map(
      (d) => (d as { Properties: { Name: string; DocumentType: string; Content: unknown } }).Properties,
    );
    const drillDocs = docs.filter((d) => d.Name.startsWith('vigil-shop-drill-'));
    expect(drillDocs.map((d) => [d.Name, d.DocumentType])).toEqual([
      ['vigil-shop-drill-host-dump', 'Automation'],
      ['vigil-shop-drill-s3-dump', 'Automation'],
      ['vigil-shop-drill-rds-snapshot', 'Automation'],
    ]);
    const rds = flatten(drillDocs[2]?.Content) as { assumeRole: string; mainSteps: { name: string }[] };
    expect(rds.assumeRole).toBe(`<${logicalId(synth.stack.drills?.roles.get('rds-snapshot') as never)}.Arn>`);
    expect(rds.mainSteps.map((s) => s.name)).toEqual([
      'LoadEnvironment',
      'FindSnapshot',
      'RestoreScratch',
      'WaitAvailable',
      'DescribeScratch',
      'VerifyQueries',
      'VerifyRestore',
      'Verdict',
      'DeleteScratch',
      'WaitDeleted',
      'DeleteScratchAfterFailure',
      'WaitDeletedAfterFailure',
      'FailDrill',
    ]);
  });

  it("writes each drill's environment to Parameter Store, where its document reads it", () => {
    for (const drill of config.drills) {
      const p = propertiesNamed(
        synth.template,
        'AWS::SSM::Parameter',
        'Name',
        `/vigil/shop/drills/${drill.name}`,
      );
      expect([p.Type, p.Value, p.Tier]).toEqual(['String', drillEnvironmentValue(drill), 'Standard']);
    }
  });
});

describe('document roles touch only scratch resources', () => {
  const roleOf = (kind: 'rds-snapshot' | 's3-dump' | 'host-dump') =>
    logicalId(synth.stack.drills?.roles.get(kind) as never);

  it('RDS: restores only into vigil-drill-* tagged vigil:drill=true, deletes and modifies only what carries the tag', () => {
    const rds = (r: string) => `arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:${r}`;
    const statements = statementsOf(roleOf('rds-snapshot'));
    expect(statements.filter((s) => list(s.Action).some((a) => a.startsWith('rds:')))).toEqual([
      {
        Sid: 'RestoreOnlyIntoTaggedScratch',
        Effect: 'Allow',
        Action: ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:AddTagsToResource'],
        Resource: rds('db:vigil-drill-*'),
        Condition: { StringEquals: { 'aws:RequestTag/vigil:drill': 'true' } },
      },
      {
        Sid: 'RestoreFromSourceSnapshots',
        Effect: 'Allow',
        Action: 'rds:RestoreDBInstanceFromDBSnapshot',
        Resource: [rds('snapshot:rds:shop-prod-db-*'), rds('subgrp:shop-private'), rds('og:*'), rds('pg:*')],
      },
      {
        Sid: 'ModifyAndDeleteOnlyTaggedScratch',
        Effect: 'Allow',
        Action: ['rds:DeleteDBInstance', 'rds:ModifyDBInstance'],
        Resource: rds('db:vigil-drill-*'),
        Condition: { StringEquals: { 'aws:ResourceTag/vigil:drill': 'true' } },
      },
      {
        Sid: 'ReadScratch',
        Effect: 'Allow',
        Action: 'rds:DescribeDBInstances',
        Resource: rds('db:vigil-drill-*'),
      },
      { Sid: 'WaitForDeletion', Effect: 'Allow', Action: 'rds:DescribeEvents', Resource: '*' },
    ]);
  });

  it('no statement of the stack that allows a write matches the production instance', () => {
    const roles = Object.keys(synth.template.findResources('AWS::IAM::Role'));
    const writers = roles.flatMap((role) =>
      statementsOf(role)
        .filter((s) => s.Effect === 'Allow' && list(s.Action).some(isWrite))
        .filter((s) => list(s.Resource).some((r) => r !== '*' && globMatches(r, PRODUCTION_DB)))
        .map((s) => `${role} ${s.Sid}`),
    );
    expect(writers).toEqual([]);
    // And the check can see one: a statement on db:* would match.
    expect(globMatches(`${PRODUCTION_DB.slice(0, PRODUCTION_DB.lastIndexOf(':'))}:*`, PRODUCTION_DB)).toBe(
      true,
    );
    expect(
      globMatches('arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:vigil-drill-*', PRODUCTION_DB),
    ).toBe(false);
  });

  it('sends only AWS-RunShellScript, only to the drill hosts of its kind', () => {
    const send = (kind: 'rds-snapshot' | 's3-dump' | 'host-dump') =>
      statementsOf(roleOf(kind)).find((s) => s.Sid === 'RunShellScriptOnDrillHosts')?.Resource;
    const doc = 'arn:<AWS::Partition>:ssm:<AWS::Region>::document/AWS-RunShellScript';
    expect(send('host-dump')).toEqual([
      doc,
      'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/i-0123456789abcdef0',
    ]);
    expect(send('s3-dump')).toEqual([
      doc,
      'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:managed-instance/mi-0fedcba9876543210',
    ]);
    expect(send('rds-snapshot')).toEqual([
      doc,
      'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/i-0aaaabbbbccccdddd',
    ]);
  });

  it('is assumed only by Automation executions of this account', () => {
    const role = synth.template.toJSON().Resources[roleOf('host-dump')].Properties;
    expect(flatten(role.AssumeRolePolicyDocument.Statement)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '<AWS::AccountId>' },
          ArnLike: {
            'aws:SourceArn': 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*',
          },
        },
      },
    ]);
  });
});

describe('reports and did-not-run', () => {
  it('sends every finished drill execution of the project to the drill function', () => {
    const rules = Object.values(synth.template.findResources('AWS::Events::Rule')).map(
      (r) => (r as { Properties: { EventPattern: unknown; Targets: { Arn: unknown }[] } }).Properties,
    );
    const rule = rules.find((r) => JSON.stringify(r.EventPattern).includes('vigil-shop-drill-'));
    expect(rule?.EventPattern).toEqual({
      source: ['aws.ssm'],
      'detail-type': ['EC2 Automation Execution Status-change Notification'],
      detail: {
        Definition: [{ prefix: 'vigil-shop-drill-' }],
        Status: ['Success', 'Failed', 'TimedOut', 'Cancelled', 'CompletedWithFailure'],
      },
    });
    expect(flatten(rule?.Targets[0]?.Arn)).toBe(
      `<${logicalId(synth.stack.drills?.function.lambda as never)}.Arn>`,
    );
  });

  it('pages at the drill severity when the sweep stops answering for a drill (no datapoint in a day, missing data breaching)', () => {
    const p = propertiesNamed(
      synth.template,
      'AWS::CloudWatch::Alarm',
      'AlarmName',
      'vigil-shop-drill-rds-unwatched',
    );
    expect(p).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'DrillOverdue',
      Dimensions: [{ Name: 'Drill', Value: 'rds' }],
      Statistic: 'SampleCount',
      Period: 86400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P1) }],
    });
    const host = propertiesNamed(
      synth.template,
      'AWS::CloudWatch::Alarm',
      'AlarmName',
      'vigil-shop-drill-host-unwatched',
    );
    expect(host.AlarmActions).toEqual([{ Ref: logicalId(synth.stack.paging.topics.P2) }]);
  });

  it("gives the pager each sweep alarm as a watcher of the drill's service, so email and SMS hear of it too", () => {
    const pager = logicalId(synth.stack.pager.lambda as never);
    const key = synth.template.toJSON().Resources[pager].Properties.Code.S3Key as string;
    const asset = join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const catalog = JSON.parse(readFileSync(join(asset, 'vigil-catalog.json'), 'utf8')) as PagerCatalog;
    expect(catalog.alarms['vigil-shop-drill-rds-unwatched']).toEqual({
      type: 'monitor',
      service: 'db',
      severity: 'P1',
      monitor: 'drill:rds',
    });
    expect(catalog.monitors['drill:rds']).toMatchObject({
      kind: 'watcher',
      service: 'db',
      threshold: 'no sweep in a day',
      target: 'the DR drill sweep of rds (due cron(0 3 ? * SUN#1 *) UTC)',
    });
  });

  it("lets the drill function set only the game-day drill's alarm", () => {
    const fn = logicalId(synth.stack.drills?.function.role as never);
    expect(statementsOf(fn).find((s) => s.Sid === 'SetGameDayAlarms')).toEqual({
      Sid: 'SetGameDayAlarms',
      Effect: 'Allow',
      Action: 'cloudwatch:SetAlarmState',
      Resource:
        'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:vigil-shop-db-snapshots',
    });
  });

  it("graphs the drills on their service's dashboard against their targets", () => {
    const body = JSON.stringify(
      flatten(
        propertiesNamed(synth.template, 'AWS::CloudWatch::Dashboard', 'DashboardName', 'vigil-shop-db')
          .DashboardBody,
      ),
    );
    expect(body).toContain('### DR drills');
    expect(body).toContain('DrillRtoSeconds');
    expect(body).toContain('rds RPO 24 h');
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in a stack with drills of every kind', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(synth.stack);
    const found = report.violations
      .filter((v) => /^AwsSolutions-/.test(v.ruleName))
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(found).toEqual([]);
  });
});

describe('stack planning', () => {
  it('counts its resources in the main stack exactly, so a config near the limit splits in time', () => {
    const own = synth.stack.drills?.node.findAll().filter((c) => c instanceof CfnResource) ?? [];
    expect(own.length).toBe(drillResources(config));
  });
});
