import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity, type VigilConfig } from '../config/index.ts';
import {
  buildDrillCatalog,
  DRILL_CATALOG_FILE,
  DRILL_DIMENSION,
  DrillMetricNames,
  drillExecutionRequest,
} from '../drills/catalog.ts';
import {
  type DrillKind,
  drillDocument,
  drillEnvironmentParameterName,
  drillEnvironmentValue,
  SCRATCH_INSTANCE_PREFIX,
} from '../drills/documents/index.ts';
import { DRILL_TAG_KEY, type Drill } from '../drills/model.ts';
import { drillDocumentName, drillSweepAlarmName, METRIC_NAMESPACE } from '../naming.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import { AutomationDocument } from './automation-document.ts';
import { HouseFunction, wildcardFinding } from './house-function.ts';
import { drillRow, type ServiceDashboard } from './service-dashboard.ts';

/** The drill function's handler: middy wiring around lambdas/drill/drill.ts. */
export const DRILL_ENTRY = fileURLToPath(new URL('../../lambdas/drill/handler.ts', import.meta.url));

/** StartAutomationExecution as an EventBridge Scheduler universal target. */
export const START_AUTOMATION_TARGET = 'arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution';

/** When the daily "did not run" sweep runs (UTC): after the runbooks' Sunday 02:00-04:00 window. */
export const SWEEP_SCHEDULE = 'cron(0 0/6 * * ? *)';
/** Hours between sweeps: {@link SWEEP_SCHEDULE}'s period, which each sweep's window must match. */
export const SWEEP_EVERY_HOURS = 6;

/** Automation statuses that end an execution: the drill's report is written then. */
const TERMINAL_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled', 'CompletedWithFailure'];

/** Properties of {@link DrDrills}. */
export interface DrDrillsProps {
  /** The validated, resolved config: its drills (and, for game days, remediations and tiers). */
  readonly config: VigilConfig;
  /** The readable topics, by severity: drill reports are published there. */
  readonly notifyTopics: Readonly<Record<Severity, sns.ITopic>>;
  /** The key encrypting the readable topics. */
  readonly topicKey: kms.IKey;
  /** Receives schedule deliveries and function invocations that failed after their retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Who a drill's sweep alarm pages (the raw topic of the drill's severity). */
  readonly paging: AlarmActionStrategy;
  /**
   * The services' dashboards, by service: each gets a DR drills row for its drills.
   * @default - no rows
   */
  readonly dashboards?: ReadonlyMap<string, ServiceDashboard>;
  /**
   * The drill function's handler file.
   * @default lambdas/drill/handler.ts
   */
  readonly entry?: string;
}

/**
 * Monthly DR drills (README "DR drills"):
 *
 * - one Automation document per drill kind in use (lib/drills/documents/), each with a role of its
 *   own that can touch only scratch resources: an RDS drill's role may restore only into
 *   `vigil-drill-*` instances it tags `vigil:drill=true` on create, and modify or delete only
 *   instances so tagged and so named, never the production instance; it may send only
 *   AWS-RunShellScript, only to the drills' hosts;
 * - each drill's environment in Parameter Store (`/vigil/<project>/drills/<drill>`), read by its
 *   document, so a drill is started by name;
 * - one EventBridge Scheduler schedule per drill (its cron, in its time zone, no flexible window)
 *   starting the document with the drill's tags (the universal StartAutomationExecution target);
 *   a game-day schedule per game-day drill;
 * - the drill function (judge, report, sweep, game day) with the catalog beside its bundle, a rule
 *   sending it every drill execution that ended, a sweep every 6 hours (which pages a drill that did
 *   not run when due), and per drill an alarm that pages when the sweep published nothing for it in
 *   a day (the sweep's own watcher: SampleCount of `DrillOverdue`, missing data breaching).
 */
export class DrDrills extends Construct {
  /** The drill function. */
  readonly function: HouseFunction;
  /** The document of each drill kind in use. */
  readonly documents: ReadonlyMap<DrillKind, AutomationDocument>;
  /** The role of each drill kind's document. */
  readonly roles: ReadonlyMap<DrillKind, iam.Role>;
  /** The schedules' group. */
  readonly group: scheduler.ScheduleGroup;
  /** The role the schedules start drills (and invoke the function) with. */
  readonly schedulerRole: iam.Role;
  /** One sweep watcher alarm per drill ("nothing watches this drill"), by drill name. */
  readonly sweepAlarms: ReadonlyMap<string, cloudwatch.Alarm>;
  /** The rule sending finished drill executions to the function. */
  readonly statusRule: events.Rule;

  constructor(scope: Construct, id: string, props: DrDrillsProps) {
    super(scope, id);
    const { config } = props;
    const { project } = config;
    const stack = Stack.of(this);
    const catalog = buildDrillCatalog(config);

    // --- The drill function ----------------------------------------------------------------------
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'vigil-drills-')), DRILL_CATALOG_FILE);
    writeFileSync(catalogFile, JSON.stringify(catalog));
    this.function = new HouseFunction(this, 'Function', {
      project,
      name: 'drill',
      entry: props.entry ?? DRILL_ENTRY,
      description: `Vigil ${project}: judges DR drill restores, reports finished drills, pages drills that did not run, runs game days`,
      roleDescription: `Vigil ${project} drill function: read drill executions and snapshots, publish reports, set game-day alarms`,
      logRetentionDays: config.logRetentionDays,
      memorySize: 256,
      // A report reads the execution and its steps, then publishes.
      timeout: Duration.seconds(60),
      environment: {
        VIGIL_PROJECT: project,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        ...Object.fromEntries(SEVERITIES.map((s) => [`NOTIFY_TOPIC_${s}`, props.notifyTopics[s].topicArn])),
      },
      bundledFiles: { [DRILL_CATALOG_FILE]: catalogFile },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: props.deadLetterQueue,
    });
    this.grantFunction(props);

    // --- Documents, their roles and the drills' environments --------------------------------------
    const ownExecutions = stack.formatArn({
      service: 'ssm',
      resource: 'automation-execution',
      resourceName: '*',
    });
    const parameterArn = (name: string) =>
      stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) });
    const documents = new Map<DrillKind, AutomationDocument>();
    const roles = new Map<DrillKind, iam.Role>();
    const kinds = [...new Set(config.drills.map((d) => d.target.kind))];
    for (const kind of kinds) {
      const drills = config.drills.filter((d) => d.target.kind === kind);
      const name = drillDocumentName(project, kind);
      const role = new iam.Role(this, `Role-${kind}`, {
        assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': ownExecutions },
          },
        }),
        description: `Vigil ${project} DR drill ${kind}: what ${name} does, on scratch resources only`,
      });
      const add = (statement: iam.PolicyStatementProps) =>
        role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
      add({
        sid: 'ReadDrillEnvironments',
        actions: ['ssm:GetParameter'],
        resources: drills.map((d) => parameterArn(drillEnvironmentParameterName(project, d.name))),
      });
      add({
        sid: 'Judge',
        actions: ['lambda:InvokeFunction'],
        resources: [this.function.lambda.functionArn],
      });
      // FailDrill reads the execution's own status (to fail on purpose after a cleanup).
      add({ sid: 'ReadOwnExecution', actions: ['ssm:GetAutomationExecution'], resources: [ownExecutions] });
      const hosts = [
        ...new Set(
          drills.map((d) => (d.target.kind === 'rds-snapshot' ? d.target.verifyInstance : d.target.instance)),
        ),
      ];
      add({
        sid: 'RunShellScriptOnDrillHosts',
        actions: ['ssm:SendCommand'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            account: '',
            resource: 'document',
            resourceName: 'AWS-RunShellScript',
          }),
          ...hosts.map((h) =>
            h.startsWith('mi-')
              ? stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: h })
              : stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: h }),
          ),
        ],
      });
      add({
        sid: 'FollowCommands',
        // Polling a command supports no resource-level permissions.
        actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
        resources: ['*'],
      });
      if (kind === 'rds-snapshot') this.grantScratchInstances(role, drills);
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ssm:ListCommands, ListCommandInvocations and GetCommandInvocation (following the drill host command) and rds:DescribeEvents (waiting for the scratch instance to be deleted) support no resource-level permissions; all only read.',
      });
      Validations.of(role).acknowledge({
        id: wildcardFinding(stack, ownExecutions),
        reason:
          "The execution's own id is not known at synth: the role reads only Automation executions' status.",
      });
      roles.set(kind, role);
      documents.set(
        kind,
        new AutomationDocument(this, `Document-${kind}`, {
          name,
          document: drillDocument(kind, {
            project,
            assumeRoleArn: role.roleArn,
            drillFunctionName: this.function.lambda.functionName,
          }),
        }),
      );
    }
    this.documents = documents;
    this.roles = roles;

    for (const drill of config.drills) {
      const value = drillEnvironmentValue(drill);
      new ssm.StringParameter(this, `Environment-${drill.name}`, {
        parameterName: drillEnvironmentParameterName(project, drill.name),
        description: `Vigil DR drill ${drill.name}: the host script's environment (base64 NAME=value lines)`,
        stringValue: value,
        // Standard parameters hold 4 KB; a drill with many queries needs the advanced tier's 8 KB.
        tier: value.length > 4096 ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
      });
    }

    // --- Schedules -----------------------------------------------------------------------------------
    this.group = new scheduler.ScheduleGroup(this, 'Group');
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: `Vigil ${project} drill schedules: start the drill documents, invoke the drill function`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    this.grantSchedules(project, kinds, props.deadLetterQueue);
    const retryPolicy = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 };
    const deadLetterConfig = { arn: props.deadLetterQueue.queueArn };
    const schedule = (id: string, properties: Omit<scheduler.CfnScheduleProps, 'flexibleTimeWindow'>) =>
      new scheduler.CfnSchedule(this, id, {
        groupName: this.group.scheduleGroupName,
        flexibleTimeWindow: { mode: 'OFF' },
        ...properties,
      });
    for (const drill of config.drills) {
      const request = drillExecutionRequest(catalog, drill.name);
      schedule(`Schedule-${drill.name}`, {
        name: `drill-${drill.name}`,
        description: `Vigil DR drill ${drill.name}: restore ${drill.monitor}'s newest backup, verify it, measure RTO and RPO`,
        scheduleExpression: drill.schedule,
        scheduleExpressionTimezone: drill.timeZone,
        target: {
          arn: START_AUTOMATION_TARGET,
          roleArn: this.schedulerRole.roleArn,
          input: JSON.stringify(request),
          retryPolicy,
          deadLetterConfig,
        },
      });
      if (drill.gameDay) {
        schedule(`GameDay-${drill.name}`, {
          name: `game-day-${drill.name}`,
          description: `Vigil game day of ${drill.service}: alarm set to ALARM with a [DRILL] reason, remediation in dry run`,
          scheduleExpression: drill.schedule,
          scheduleExpressionTimezone: drill.timeZone,
          target: {
            arn: this.function.lambda.functionArn,
            roleArn: this.schedulerRole.roleArn,
            input: JSON.stringify({ op: 'game-day', drill: drill.name }),
            retryPolicy,
            deadLetterConfig,
          },
        });
      }
    }
    schedule('Sweep', {
      name: 'drill-sweep',
      description: 'Vigil DR drills: page every drill that did not run when due',
      scheduleExpression: SWEEP_SCHEDULE,
      scheduleExpressionTimezone: 'UTC',
      target: {
        arn: this.function.lambda.functionArn,
        roleArn: this.schedulerRole.roleArn,
        input: JSON.stringify({ op: 'sweep', everyHours: SWEEP_EVERY_HOURS }),
        retryPolicy,
        deadLetterConfig,
      },
    });

    // --- Reports and "did not run" -------------------------------------------------------------------
    this.statusRule = new events.Rule(this, 'DrillFinished', {
      description: `Vigil ${project}: a DR drill execution ended; the drill function reports it`,
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['EC2 Automation Execution Status-change Notification'],
        detail: {
          Definition: events.Match.prefix(drillDocumentName(project, '')),
          Status: TERMINAL_STATUSES,
        },
      },
      targets: [
        new targets.LambdaFunction(this.function.lambda, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });

    const overdue = new Map<string, cloudwatch.Alarm>();
    for (const drill of config.drills) {
      // The sweep pages a missed drill itself, at once and with the details. This alarm is the
      // watcher of the sweep: it publishes DrillOverdue for every drill on every run, so a day
      // without a datapoint means nothing is watching the drill any more.
      const alarm = new cloudwatch.Alarm(this, `Overdue-${drill.name}`, {
        alarmName: drillSweepAlarmName(project, drill.name),
        alarmDescription: `The DR drill sweep published nothing for drill ${drill.name} in a day: whether it runs when due (${drill.schedule} ${drill.timeZone}) is no longer watched. Check the drill function's log group and its sweep schedule.`,
        metric: this.metricOverdue(drill.name).with({ statistic: cloudwatch.Stats.SAMPLE_COUNT }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      props.paging.addActions(alarm, drill.severity);
      overdue.set(drill.name, alarm);
    }
    this.sweepAlarms = overdue;

    for (const [service, dashboard] of props.dashboards ?? []) {
      const row = drillRow(config.drills.filter((d) => d.service === service));
      if (row.length > 0) dashboard.dashboard.addWidgets(...row);
    }
  }

  /** `DrillOverdue` of a drill: 1 when the daily sweep found it did not run when due, else 0. */
  metricOverdue(drill: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: DrillMetricNames.overdue,
      dimensionsMap: { [DRILL_DIMENSION]: drill },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.days(1),
    });
  }

  /**
   * An RDS drill role's hold on scratch instances: restore only into `vigil-drill-*` and only when
   * the request tags it `vigil:drill=true`, from the source instances' automated snapshots, into the
   * configured subnet groups; modify and delete only instances tagged so and named so. No statement
   * names a production instance.
   */
  private grantScratchInstances(role: iam.Role, drills: readonly Drill[]): void {
    const stack = Stack.of(this);
    const rds = (resource: string, name: string) =>
      stack.formatArn({
        service: 'rds',
        resource,
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const scratch = rds('db', `${SCRATCH_INSTANCE_PREFIX}*`);
    const targets = drills.flatMap((d) => (d.target.kind === 'rds-snapshot' ? [d.target] : []));
    const add = (statement: iam.PolicyStatementProps) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    add({
      sid: 'RestoreOnlyIntoTaggedScratch',
      actions: ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:AddTagsToResource'],
      resources: [scratch],
      conditions: { StringEquals: { [`aws:RequestTag/${DRILL_TAG_KEY}`]: 'true' } },
    });
    add({
      sid: 'RestoreFromSourceSnapshots',
      // RestoreDBInstanceFromDBSnapshot is also authorized on the snapshot, the subnet group and the
      // option and parameter groups the instance gets; restoring reads them, never changes them.
      actions: ['rds:RestoreDBInstanceFromDBSnapshot'],
      resources: [
        ...new Set(targets.map((t) => rds('snapshot', `rds:${t.sourceInstance}-*`))),
        ...new Set(targets.map((t) => rds('subgrp', t.subnetGroup))),
        rds('og', '*'),
        rds('pg', '*'),
      ],
    });
    add({
      sid: 'ModifyAndDeleteOnlyTaggedScratch',
      actions: ['rds:DeleteDBInstance', 'rds:ModifyDBInstance'],
      resources: [scratch],
      conditions: { StringEquals: { [`aws:ResourceTag/${DRILL_TAG_KEY}`]: 'true' } },
    });
    add({ sid: 'ReadScratch', actions: ['rds:DescribeDBInstances'], resources: [scratch] });
    add({ sid: 'WaitForDeletion', actions: ['rds:DescribeEvents'], resources: ['*'] });
    const findings = [
      scratch,
      ...targets.map((t) => rds('snapshot', `rds:${t.sourceInstance}-*`)),
      rds('og', '*'),
      rds('pg', '*'),
    ];
    for (const resource of new Set(findings)) {
      Validations.of(role).acknowledge({
        id: wildcardFinding(stack, resource),
        reason:
          'Scratch instances are named vigil-drill-<drill> and writes also need the vigil:drill=true tag; automated snapshots are named rds:<source>-<time>; restoring reads the option and parameter groups the snapshot names, which the config does not.',
      });
    }
  }

  /** The drill function's role: read executions and snapshots, publish reports, set game-day alarms. */
  private grantFunction(props: DrDrillsProps): void {
    const stack = Stack.of(this);
    const { config } = props;
    const role = this.function.role;
    const add = (statement: iam.PolicyStatementProps) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    add({
      sid: 'ReadDrillExecutions',
      actions: ['ssm:GetAutomationExecution'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' })],
    });
    add({ sid: 'ReadDrillHistory', actions: ['ssm:DescribeAutomationExecutions'], resources: ['*'] });
    const sources = [
      ...new Set(
        config.drills.flatMap((d) => (d.target.kind === 'rds-snapshot' ? [d.target.sourceInstance] : [])),
      ),
    ];
    if (sources.length > 0) {
      add({
        sid: 'ReadSourceSnapshots',
        actions: ['rds:DescribeDBSnapshots'],
        resources: sources.flatMap((s) => [
          stack.formatArn({
            service: 'rds',
            resource: 'db',
            resourceName: s,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
          stack.formatArn({
            service: 'rds',
            resource: 'snapshot',
            resourceName: `rds:${s}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ]),
      });
    }
    add({
      sid: 'PublishReports',
      actions: ['sns:Publish'],
      resources: SEVERITIES.map((s) => props.notifyTopics[s].topicArn),
    });
    add({
      sid: 'EncryptReports',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: [props.topicKey.keyArn],
    });
    const catalog = buildDrillCatalog(config);
    const gameDayAlarms = [...new Set(Object.values(catalog.gameDayAlarms))];
    if (gameDayAlarms.length > 0) {
      add({
        sid: 'SetGameDayAlarms',
        actions: ['cloudwatch:SetAlarmState'],
        resources: gameDayAlarms.map((a) =>
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: a,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ssm:DescribeAutomationExecutions (drill history and the did-not-run sweep) supports no resource-level permissions; it only reads.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to an SNS topic encrypted with a customer-managed key needs kms:GenerateDataKey* (SNS developer guide, key management), on the one paging key only.',
    });
    for (const resource of [
      stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }),
      ...sources.map((s) =>
        stack.formatArn({
          service: 'rds',
          resource: 'snapshot',
          resourceName: `rds:${s}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    ]) {
      Validations.of(role).acknowledge({
        id: wildcardFinding(stack, resource),
        reason:
          'Execution ids and automated snapshot names (rds:<source>-<time>) are not known at synth; the function only reads them.',
      });
    }
  }

  /** The schedules' role: start the drill documents (tagged), pass their roles, invoke the function, dead-letter. */
  private grantSchedules(project: string, kinds: readonly DrillKind[], deadLetterQueue: sqs.IQueue): void {
    const stack = Stack.of(this);
    const add = (statement: iam.PolicyStatementProps) =>
      this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    const definitions = kinds.map((kind) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'automation-definition',
        resourceName: `${drillDocumentName(project, kind)}:*`,
      }),
    );
    const executions = stack.formatArn({
      service: 'ssm',
      resource: 'automation-execution',
      resourceName: '*',
    });
    if (kinds.length > 0) {
      add({ sid: 'StartDrills', actions: ['ssm:StartAutomationExecution'], resources: definitions });
      add({ sid: 'TagDrillExecutions', actions: ['ssm:AddTagsToResource'], resources: [executions] });
      add({
        sid: 'PassDrillRoles',
        actions: ['iam:PassRole'],
        resources: [...this.roles.values()].map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      });
    }
    add({
      sid: 'InvokeDrillFunction',
      actions: ['lambda:InvokeFunction'],
      resources: [this.function.lambda.functionArn],
    });
    add({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] });
    for (const resource of [...definitions, executions]) {
      Validations.of(this.schedulerRole).acknowledge({
        id: wildcardFinding(stack, resource),
        reason:
          "Any version of the project's own drill documents (automation-definition/<document>:<version>), and the execution each start creates (tagged on create): neither is known at synth.",
      });
    }
  }
}
