import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SEVERITIES, type Severity } from '../config/index.ts';
import {
  heartbeatAlarmName,
  METRIC_NAMESPACE,
  muteRuleName,
  PAGER_CATALOG_FILE,
  projectPrefix,
} from '../naming.ts';
import { HEARTBEAT_DESCRIPTION, type PagerCatalog } from '../paging/catalog.ts';
import type { AlarmActionStrategy } from '../paging/severity-action-strategy.ts';
import { CheckScheduler } from './check-scheduler.ts';
import { HouseFunction, wildcardFinding } from './house-function.ts';

/** The pager's handler: middy wiring around the page formatter. */
export const PAGER_ENTRY = fileURLToPath(new URL('../../lambdas/pager/handler.ts', import.meta.url));

/** Minutes between sweeps (reminders, and pages held by a maintenance window that just closed). */
export const DEFAULT_SWEEP_MINUTES = 15;

/** Properties of a {@link Pager}. */
export interface PagerProps {
  /** The project, as in the config. */
  readonly project: string;
  /** Every alarm of the stack as pages describe it (`withInfraAlarms(buildPagerCatalog(config), ...)`). */
  readonly catalog: PagerCatalog;
  /** The raw alarm topics, by severity: the pager subscribes to each. */
  readonly alarmTopics: Readonly<Record<Severity, sns.ITopic>>;
  /** The readable topics, by severity: the pager publishes its pages there. */
  readonly notifyTopics: Readonly<Record<Severity, sns.ITopic>>;
  /** The key encrypting the readable topics: publishing needs it. */
  readonly topicKey: kms.IKey;
  /** The canary's log group: a page quotes the last check result found there. */
  readonly canaryLogGroup: logs.ILogGroup;
  /** `https://…#dashboards/dashboard/vigil-<project>-{service}`: the link in pages. */
  readonly dashboardUrlTemplate: string;
  /** Days the pager's logs are kept. */
  readonly logRetentionDays: number;
  /** Receives undeliverable sweep/heartbeat invocations and pager invocations that failed. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Who the heartbeat alarm pages (the raw topic of its severity). */
  readonly paging: AlarmActionStrategy;
  /**
   * Minutes between sweeps.
   * @default 15
   */
  readonly sweepMinutes?: number;
  /**
   * The config's heartbeat: a schedule that has the pager set the heartbeat alarm to ALARM.
   * @default - no heartbeat
   */
  readonly heartbeat?: { readonly schedule: string; readonly severity: Severity };
  /**
   * The handler file.
   * @default lambdas/pager/handler.ts
   */
  readonly entry?: string;
}

/**
 * The pager: turns raw alarm JSON into pages a person can act on, on the readable topics.
 *
 * - A {@link HouseFunction} (`/vigil/<project>/pager`) with the catalog in its package
 *   (`vigil-catalog.json` beside the bundle, written at synth, read once at cold start), so a page
 *   needs no config at run time. A file, not esbuild `define`: a define is one process argument,
 *   which Linux caps at 128 KiB (about 150 monitors); the file grows with the config.
 * - Subscribed to the four raw alarm topics (SNS invokes it asynchronously: two retries, then the
 *   dead-letter queue, so a page that could not be sent is visible).
 * - A sweep every `sweepMinutes` (`{ kind: 'sweep' }`): reminders, and pages a maintenance window
 *   held, once it has closed.
 * - With a heartbeat: its schedule (`{ kind: 'heartbeat' }`) and the heartbeat alarm, on a metric
 *   nobody publishes (missing data not breaching: OK), which the pager sets to ALARM; the alarm
 *   pages its severity's raw topic and returns to OK at its next evaluation, a minute later.
 *
 * Its role may publish to the readable topics (and use their key), read alarms and mute rules,
 * set the heartbeat alarm's state and search the canary's log group; nothing else.
 */
export class Pager extends HouseFunction {
  /** The heartbeat alarm, with a heartbeat. */
  readonly heartbeatAlarm?: cloudwatch.Alarm;
  /** The sweep and heartbeat schedules' group and role. */
  readonly schedules: CheckScheduler;

  constructor(scope: Construct, id: string, props: PagerProps) {
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'vigil-pager-catalog-')), PAGER_CATALOG_FILE);
    writeFileSync(catalogFile, JSON.stringify(props.catalog));
    const sweepMinutes = props.sweepMinutes ?? DEFAULT_SWEEP_MINUTES;
    super(scope, id, {
      project: props.project,
      name: 'pager',
      entry: props.entry ?? PAGER_ENTRY,
      description: `Vigil ${props.project}: turns alarms into readable pages, reminds, and pages what a maintenance window held`,
      roleDescription: `Vigil ${props.project} pager: publish readable pages, read alarms and mute rules, read canary results`,
      logRetentionDays: props.logRetentionDays,
      memorySize: 256,
      // A sweep reads every alarm, the mute rules and the canary's recent results, then publishes.
      timeout: Duration.seconds(60),
      environment: {
        VIGIL_PROJECT: props.project,
        ...Object.fromEntries(SEVERITIES.map((s) => [`NOTIFY_TOPIC_${s}`, props.notifyTopics[s].topicArn])),
        CANARY_LOG_GROUP: props.canaryLogGroup.logGroupName,
        SWEEP_MINUTES: String(sweepMinutes),
        DASHBOARD_URL_TEMPLATE: props.dashboardUrlTemplate,
      },
      bundledFiles: { [PAGER_CATALOG_FILE]: catalogFile },
      // A page is worth a retry; an hour late it is still worth sending rather than dropping.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: props.deadLetterQueue,
    });
    const stack = Stack.of(this);

    for (const severity of SEVERITIES) {
      props.alarmTopics[severity].addSubscription(new subscriptions.LambdaSubscription(this.lambda));
    }

    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishPages',
        actions: ['sns:Publish'],
        resources: SEVERITIES.map((s) => props.notifyTopics[s].topicArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptPages',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: [props.topicKey.keyArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAlarmsAndMuteRules',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'],
        resources: ['*'],
      }),
    );
    const vigilMuteRules = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm-mute-rule',
      resourceName: muteRuleName(props.project, '*'),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadVigilMuteRules',
        actions: ['cloudwatch:GetAlarmMuteRule'],
        resources: [vigilMuteRules],
      }),
    );
    // A recovery page says how long the incident lasted: when the alarm last went to ALARM.
    const vigilAlarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${projectPrefix(props.project)}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadVigilAlarmHistory',
        actions: ['cloudwatch:DescribeAlarmHistory'],
        resources: [vigilAlarms],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCanaryResults',
        actions: ['logs:FilterLogEvents'],
        resources: [props.canaryLogGroup.logGroupArn],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: wildcardFinding(stack, vigilAlarms),
      reason:
        "DescribeAlarmHistory on the project's own alarms (vigil-<project>-*), read only: a recovery page says how long the incident lasted.",
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to an SNS topic encrypted with a customer-managed key needs kms:GenerateDataKey* (SNS developer guide, key management), on the one paging key only.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:DescribeAlarms must be allowed on * to return composite alarms at all (DescribeAlarms API reference), and ListAlarmMuteRules lists rules, which have no narrower resource; both only read.',
    });
    Validations.of(this.role).acknowledge({
      id: wildcardFinding(stack, vigilMuteRules),
      reason:
        "The project's mute rules (maintenance windows and `vigil mute`) are named by a prefix; their names are not all known at synth.",
    });

    this.schedules = new CheckScheduler(this, 'Schedules', {
      canary: this.lambda,
      deadLetterQueue: props.deadLetterQueue,
      roleDescription: `Vigil ${props.project} pager schedules: invoke the pager for sweeps and heartbeats`,
      invokeSid: 'InvokePager',
    });
    this.schedules.addSchedule(this, 'Sweep', {
      name: 'sweep',
      expression: `rate(${sweepMinutes} ${sweepMinutes === 1 ? 'minute' : 'minutes'})`,
      event: { kind: 'sweep' },
      // A sweep that is a period late is replaced by the next one.
      maxEventAge: Duration.minutes(Math.max(1, sweepMinutes)),
      description: 'Vigil pager sweep: reminders, and pages held by a maintenance window that closed',
    });

    if (props.heartbeat) {
      const alarm = new cloudwatch.Alarm(this, 'Heartbeat', {
        alarmName: heartbeatAlarmName(props.project),
        alarmDescription: HEARTBEAT_DESCRIPTION,
        // Published by nobody: missing data keeps the alarm OK until the pager sets it to ALARM.
        metric: new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: 'Heartbeat',
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.paging.addActions(alarm, props.heartbeat.severity);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SetHeartbeatState',
          actions: ['cloudwatch:SetAlarmState'],
          resources: [alarm.alarmArn],
        }),
      );
      this.schedules.addSchedule(this, 'HeartbeatSchedule', {
        name: 'heartbeat',
        expression: props.heartbeat.schedule,
        event: { kind: 'heartbeat' },
        maxEventAge: Duration.hours(1),
        description: 'Vigil heartbeat: proves the paging path end to end',
      });
      this.heartbeatAlarm = alarm;
    }
  }
}
