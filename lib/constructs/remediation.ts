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
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity } from '../config/index.ts';
import {
  METRIC_NAMESPACE,
  muteRuleName,
  projectPrefix,
  remediationDocumentName,
  SERVICE_DIMENSION,
} from '../naming.ts';
import { RemediationActionStrategy } from '../paging/severity-action-strategy.ts';
import {
  buildRemediationCatalog,
  ladderSummary,
  REMEDIATION_CATALOG_FILE,
  RemediationMetricNames,
} from '../remediation/catalog.ts';
import { remediationDocument } from '../remediation/documents/index.ts';
import {
  REMEDIATION_ACTIONS,
  type RemediationActionKind,
  type Remediation as RemediationModel,
  type RemediationStep,
} from '../remediation/model.ts';
import {
  type ArnFormatter,
  documentPermissions,
  type PolicyStatementSpec,
} from '../remediation/permissions.ts';
import { VERIFY_ROLE_ACTIONS } from '../ssm/verify-steps.ts';
import { AutomationDocument } from './automation-document.ts';
import { HouseFunction, wildcardFinding } from './house-function.ts';
import { grantSecretRead } from './secret-read.ts';

/** The remediator's handler: middy wiring around the guardrails and the ladder. */
export const REMEDIATOR_ENTRY = fileURLToPath(
  new URL('../../lambdas/remediator/handler.ts', import.meta.url),
);
/** The webhook function's handler: calls a platform's API for the webhook document. */
export const WEBHOOK_ENTRY = fileURLToPath(new URL('../../lambdas/webhook/handler.ts', import.meta.url));

/**
 * Automation execution statuses that end a run: the status-change rule sends only these to the
 * remediator, which pages the outcome and records it.
 */
export const TERMINAL_AUTOMATION_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled'] as const;

/** EventBridge's detail-type for an Automation execution's status change. */
export const AUTOMATION_STATUS_DETAIL_TYPE = 'EC2 Automation Execution Status-change Notification';

/** Properties of a {@link Remediation}. */
export interface RemediationProps {
  /** The project, as in the config: names documents, roles' scope and the alarms allowed to invoke. */
  readonly project: string;
  /** The config's remediations (`VigilConfig.remediations`), at least one. */
  readonly remediations: readonly RemediationModel[];
  /** The canary: every document's verify step invokes it with `{ "verify": "<monitor>" }`. */
  readonly canary: lambda.IFunction;
  /** The readable topics, by severity: the remediator pages its decisions and outcomes there. */
  readonly notifyTopics: Readonly<Record<Severity, sns.ITopic>>;
  /** The key encrypting the readable topics: publishing needs it. */
  readonly topicKey: kms.IKey;
  /** `https://…#dashboards/dashboard/vigil-<project>-{service}`: the link in pages. */
  readonly dashboardUrlTemplate: string;
  /** Days the functions' logs are kept. */
  readonly logRetentionDays: number;
  /** Receives remediator and webhook invocations that failed after their retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * The remediator's handler file.
   * @default lambdas/remediator/handler.ts
   */
  readonly remediatorEntry?: string;
  /**
   * The webhook function's handler file.
   * @default lambdas/webhook/handler.ts
   */
  readonly webhookEntry?: string;
}

/**
 * Self-healing (README "Remediation"): what turns an alarm into a restart or a rollback that is
 * verified, within guardrails, and paged.
 *
 * - One SSM Automation document per action kind the config uses (`vigil-<project>-remediate-<kind>`),
 *   linted at synth; targets are parameters, so 1,000 remediated monitors add catalog entries and
 *   role statements, never documents. A kind nobody uses has no document and no role.
 * - One assume role per document, trusted by Systems Manager for this account's executions only
 *   (aws:SourceAccount and aws:SourceArn, the confused-deputy conditions), allowed exactly what its
 *   document does on exactly the clusters, services, instances and functions the config names
 *   (lib/remediation/permissions.ts), plus invoking the canary for verify (and the webhook function).
 * - The remediator ({@link HouseFunction} `/vigil/<project>/remediator`), with the catalog of every
 *   remediation by alarm shipped beside its bundle (`vigil-remediations.json`). It is invoked by the
 *   alarms themselves ({@link alarmActions}: one Lambda permission for every alarm of the project,
 *   not one per alarm) and by a rule on the documents' terminal status changes.
 * - The webhook function, when a ladder has a webhook rung: allowed to read exactly the tokens the
 *   config names.
 */
export class Remediation extends Construct {
  /** The remediator Lambda. */
  readonly remediator: HouseFunction;
  /** The webhook function, when a ladder calls a webhook. */
  readonly webhook?: HouseFunction;
  /** The document of each action kind the config uses. */
  readonly documents: ReadonlyMap<RemediationActionKind, AutomationDocument>;
  /** The assume role of each document. */
  readonly roles: ReadonlyMap<RemediationActionKind, iam.Role>;
  /** Invokes the remediator from the alarms remediations are bound to, and from no other alarm. */
  readonly alarmActions: RemediationActionStrategy;
  /** Sends the documents' terminal status changes to the remediator. */
  readonly statusRule: events.Rule;
  /** The remediations, as configured. */
  readonly remediations: readonly RemediationModel[];

  private readonly stack: Stack;

  constructor(scope: Construct, id: string, props: RemediationProps) {
    super(scope, id);
    if (props.remediations.length === 0) {
      throw new Error(
        'Remediation needs at least one remediation; leave the construct out when there is none',
      );
    }
    const stack = Stack.of(this);
    this.stack = stack;
    this.remediations = props.remediations;
    const { project } = props;
    const catalog = buildRemediationCatalog(project, props.remediations);
    const stepsByKind = new Map<RemediationActionKind, RemediationStep[]>();
    for (const r of props.remediations) {
      for (const step of r.steps)
        stepsByKind.set(step.action, [...(stepsByKind.get(step.action) ?? []), step]);
    }
    // In REMEDIATION_ACTIONS order, so construct ids and the template do not depend on config order.
    const kinds = REMEDIATION_ACTIONS.filter((k) => stepsByKind.has(k));

    const webhookSteps = (stepsByKind.get('webhook') ?? []) as Extract<
      RemediationStep,
      { action: 'webhook' }
    >[];
    if (webhookSteps.length > 0) {
      const webhook = new HouseFunction(this, 'Webhook', {
        project,
        name: 'webhook',
        entry: props.webhookEntry ?? WEBHOOK_ENTRY,
        description: `Vigil ${project}: calls a platform's API (such as a rollback) for the webhook remediation document`,
        roleDescription: `Vigil ${project} webhook: write its own logs, read the webhook tokens the config names`,
        logRetentionDays: props.logRetentionDays,
        memorySize: 128,
        timeout: Duration.seconds(30),
        // Invoked synchronously by the document, which has its own retries.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      });
      grantSecretRead(
        webhook.role,
        webhookSteps.flatMap((s) => (s.token ? [s.token] : [])),
        {
          parameters: 'ReadTokenParameters',
          secrets: 'ReadTokenSecrets',
          decrypt: 'DecryptTokens',
          what: 'the named tokens',
        },
      );
      this.webhook = webhook;
    }

    // --- Documents and their roles -------------------------------------------------------------
    const arn: ArnFormatter = (service, resource, options) =>
      stack.formatArn({
        service,
        resource,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
        ...(options?.account !== undefined && { account: options.account }),
      });
    const ownExecutions = stack.formatArn({
      service: 'ssm',
      resource: 'automation-execution',
      resourceName: '*',
    });
    const documents = new Map<RemediationActionKind, AutomationDocument>();
    const roles = new Map<RemediationActionKind, iam.Role>();
    for (const kind of kinds) {
      const name = remediationDocumentName(project, kind);
      const role = new iam.Role(this, `Role-${kind}`, {
        assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': ownExecutions },
          },
        }),
        description: `Vigil ${project} remediation ${kind}: what ${name} does, on the targets the config names`,
      });
      const permissions = documentPermissions(kind, stepsByKind.get(kind) ?? [], arn);
      for (const statement of permissions) role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
      // Verify: invoke the canary, and read the execution's own step outputs.
      const invoked = [
        props.canary.functionArn,
        ...(kind === 'webhook' && this.webhook ? [this.webhook.lambda.functionArn] : []),
      ];
      const verify: PolicyStatementSpec[] = [
        { actions: VERIFY_ROLE_ACTIONS.filter((a) => a.startsWith('lambda:')), resources: invoked },
        { actions: VERIFY_ROLE_ACTIONS.filter((a) => a.startsWith('ssm:')), resources: [ownExecutions] },
      ];
      for (const statement of verify) role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
      acknowledgeWildcards(role, [...permissions, ...verify]);
      roles.set(kind, role);
      documents.set(
        kind,
        new AutomationDocument(this, `Document-${kind}`, {
          name,
          document: remediationDocument(kind, {
            assumeRoleArn: role.roleArn,
            canaryFunctionName: props.canary.functionName,
            // Only the webhook document invokes it; the others never name it.
            webhookFunctionName: this.webhook?.lambda.functionName ?? '',
          }),
        }),
      );
    }
    this.documents = documents;
    this.roles = roles;

    // --- The remediator ------------------------------------------------------------------------
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'vigil-remediations-')), REMEDIATION_CATALOG_FILE);
    writeFileSync(catalogFile, JSON.stringify(catalog));
    const remediator = new HouseFunction(this, 'Remediator', {
      project,
      name: 'remediator',
      entry: props.remediatorEntry ?? REMEDIATOR_ENTRY,
      description: `Vigil ${project}: starts the remediation an alarm names, within its guardrails, and pages what it did`,
      roleDescription: `Vigil ${project} remediator: start the remediation documents, read their history, alarms and mute rules, page`,
      logRetentionDays: props.logRetentionDays,
      memorySize: 256,
      // Reads the alarm, mute rules, run history and deploy times, then starts a run and pages.
      timeout: Duration.seconds(60),
      environment: {
        VIGIL_PROJECT: project,
        ...Object.fromEntries(SEVERITIES.map((s) => [`NOTIFY_TOPIC_${s}`, props.notifyTopics[s].topicArn])),
        DASHBOARD_URL_TEMPLATE: props.dashboardUrlTemplate,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
      bundledFiles: { [REMEDIATION_CATALOG_FILE]: catalogFile },
      // A duplicate delivery starts nothing (the execution's ClientToken comes from the alarm event);
      // a restart 15 minutes late would act on an incident a person may already be handling.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(15),
      deadLetterQueue: props.deadLetterQueue,
    });
    this.remediator = remediator;
    this.grantRemediator(project, props, [...documents.keys()], [...roles.values()]);

    // One permission for every alarm of the project (ArnLike on the source ARN), rather than the
    // stock LambdaAction's one AWS::Lambda::Permission per alarm: 1,000 alarms would be 1,000
    // resources, across stacks.
    remediator.lambda.addPermission('InvokedByAlarms', {
      principal: new iam.ServicePrincipal('lambda.alarms.cloudwatch.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: vigilAlarmsArn(stack, project),
    });
    const invokeRemediator: cloudwatch.IAlarmAction = {
      bind: () => ({ alarmActionArn: remediator.lambda.functionArn }),
    };
    this.alarmActions = new RemediationActionStrategy(
      invokeRemediator,
      new Set(props.remediations.map((r) => r.alarmName)),
    );

    this.statusRule = new events.Rule(this, 'RunFinished', {
      description: `Vigil ${project}: a remediation run ended; the remediator pages and records the outcome`,
      eventPattern: {
        source: ['aws.ssm'],
        detailType: [AUTOMATION_STATUS_DETAIL_TYPE],
        detail: {
          Definition: events.Match.prefix(remediationDocumentName(project, '')),
          Status: [...TERMINAL_AUTOMATION_STATUSES],
        },
      },
      targets: [
        new targets.LambdaFunction(remediator.lambda, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });
  }

  /** What the remediator's role may do (see the class comment), statement by statement. */
  private grantRemediator(
    project: string,
    props: RemediationProps,
    kinds: readonly RemediationActionKind[],
    documentRoles: readonly iam.Role[],
  ): void {
    const { stack } = this;
    const role = this.remediator.role;
    const add = (statement: iam.PolicyStatementProps) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    const definitions = kinds.map((kind) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'automation-definition',
        // Any version of the document: Automation authorizes `name:version`.
        resourceName: `${remediationDocumentName(project, kind)}:*`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    add({ sid: 'StartRemediations', actions: ['ssm:StartAutomationExecution'], resources: definitions });
    const executions = stack.formatArn({
      service: 'ssm',
      resource: 'automation-execution',
      resourceName: '*',
    });
    add({
      sid: 'ReadAndTagRuns',
      // A run's outcome names its alarm and rung by its tags (ListTagsForResource: GetAutomationExecution
      // returns none), set on StartAutomationExecution (tag on create, AddTagsToResource).
      actions: ['ssm:GetAutomationExecution', 'ssm:ListTagsForResource', 'ssm:AddTagsToResource'],
      resources: [executions],
    });
    add({
      sid: 'PassDocumentRoles',
      actions: ['iam:PassRole'],
      resources: documentRoles.map((r) => r.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    });
    add({
      sid: 'ReadRunHistoryAlarmsAndMuteRules',
      actions: [
        'ssm:DescribeAutomationExecutions',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:ListAlarmMuteRules',
      ],
      resources: ['*'],
    });
    const vigilMuteRules = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm-mute-rule',
      resourceName: muteRuleName(project, '*'),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    add({ sid: 'ReadVigilMuteRules', actions: ['cloudwatch:GetAlarmMuteRule'], resources: [vigilMuteRules] });
    add({
      sid: 'PageDecisions',
      actions: ['sns:Publish'],
      resources: SEVERITIES.map((s) => props.notifyTopics[s].topicArn),
    });
    add({
      sid: 'EncryptPages',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: [props.topicKey.keyArn],
    });

    const steps = this.remediations.flatMap((r) => r.steps);
    // Deploy-aware ladders: when an ECS service or a Lambda alias was last deployed, and what it
    // rolls back to.
    const ecs = unique(
      steps.flatMap((s) =>
        s.action === 'ecs-restart' || s.action === 'ecs-rollback'
          ? [
              stack.formatArn({
                service: 'ecs',
                resource: 'service',
                resourceName: `${s.cluster}/${s.service}`,
                arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
              }),
            ]
          : [],
      ),
    );
    if (ecs.length > 0) {
      add({ sid: 'ReadEcsDeployments', actions: ['ecs:DescribeServices'], resources: ecs });
    }
    if (steps.some((s) => s.action === 'ecs-rollback')) {
      add({
        sid: 'FindPreviousTaskDefinitions',
        actions: ['ecs:ListTaskDefinitions', 'ecs:DescribeTaskDefinition'],
        resources: ['*'],
      });
    }
    const functions = unique(steps.flatMap((s) => (s.action === 'lambda-rollback' ? [s.functionName] : [])));
    if (functions.length > 0) {
      add({
        sid: 'ReadLambdaVersions',
        actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionConfiguration'],
        resources: functions.flatMap((name) => {
          const fn = stack.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: name,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          });
          // A version or alias is `function:<name>:<qualifier>`.
          return [fn, `${fn}:*`];
        }),
      });
    }

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ssm:DescribeAutomationExecutions, cloudwatch:ListAlarmMuteRules, ecs:ListTaskDefinitions and ecs:DescribeTaskDefinition have no resource type in IAM, and cloudwatch:DescribeAlarms must be allowed on * to return composite alarms; all of them only read.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to an SNS topic encrypted with a customer-managed key needs kms:GenerateDataKey* (SNS developer guide, key management), on the one paging key only.',
    });
    const wildcards = [
      executions,
      vigilMuteRules,
      ...definitions,
      ...functions.map((name) =>
        stack.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: `${name}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    ];
    for (const id of new Set(wildcards.map((r) => wildcardFinding(stack, r)))) {
      Validations.of(role).acknowledge({
        id,
        reason:
          "Names not known at synth, under the project's own prefixes: the remediation documents' versions (automation-definition/<document>:<version>), Automation execution ids (read and tagged when started), the project's mute rules, and a named function's versions and aliases (function:<name>:<qualifier>).",
      });
    }
  }

  /** `RemediationStarted` (or Succeeded, Failed) of a service: runs per period, summed. */
  metricRuns(
    service: string,
    outcome: 'started' | 'succeeded' | 'failed',
    period: Duration = Duration.hours(1),
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: RemediationMetricNames[outcome],
      dimensionsMap: { [SERVICE_DIMENSION]: service },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  /** `RemediationSecondsToHealthy` of a service: alarm to healthy, per successful run, maximum per period. */
  metricSecondsToHealthy(service: string, period: Duration = Duration.hours(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: RemediationMetricNames.secondsToHealthy,
      dimensionsMap: { [SERVICE_DIMENSION]: service },
      statistic: cloudwatch.Stats.MAXIMUM,
      period,
    });
  }

  /**
   * A service's row on its dashboard: its ladders in words and its runs graphed, or undefined when
   * nothing of the service remediates.
   */
  dashboardRow(service: string): RemediationDashboardRow | undefined {
    const own = this.remediations.filter((r) => r.service === service);
    if (own.length === 0) return undefined;
    return {
      ladders: own.map(
        (r) => `- **${r.alarmName}** (${r.monitor}${r.aspect ? `, ${r.aspect}` : ''}): ${ladderSummary(r)}`,
      ),
      runs: (['started', 'succeeded', 'failed'] as const).map((o) =>
        this.metricRuns(service, o).with({ label: RemediationMetricNames[o] }),
      ),
      secondsToHealthy: this.metricSecondsToHealthy(service).with({ label: 'alarm to healthy (s, max)' }),
    };
  }
}

/** What a service dashboard shows of its remediations (see `ServiceDashboard`). */
export interface RemediationDashboardRow {
  /** One markdown line per remediated alarm: its ladder and guardrails. */
  readonly ladders: readonly string[];
  /** RemediationStarted, RemediationSucceeded, RemediationFailed of the service. */
  readonly runs: readonly cloudwatch.IMetric[];
  /** RemediationSecondsToHealthy of the service. */
  readonly secondsToHealthy: cloudwatch.IMetric;
}

/** `arn:…:cloudwatch:<region>:<account>:alarm:vigil-<project>-*`: every alarm the project makes. */
function vigilAlarmsArn(stack: Stack, project: string): string {
  return stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${projectPrefix(project)}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Acknowledges the wildcard findings of a document role's statements, each by its exact resource
 * and with the statement's own reason (lib/remediation/permissions.ts says why each API needs it).
 */
function acknowledgeWildcards(role: iam.Role, statements: readonly PolicyStatementSpec[]): void {
  const stack = Stack.of(role);
  const reasons = new Map<string, string[]>();
  for (const statement of statements) {
    for (const resource of statement.resources) {
      if (!resource.includes('*')) continue;
      const id = wildcardFinding(stack, resource);
      reasons.set(id, [...(reasons.get(id) ?? []), ...statement.actions]);
    }
  }
  for (const [id, actions] of reasons) {
    Validations.of(role).acknowledge({
      id,
      reason: id.endsWith('automation-execution/*]')
        ? `${actions.join(', ')}: the verify steps read their own execution, whose id is not known at synth; the role is trusted only for this account's executions (aws:SourceArn).`
        : `${actions.join(', ')} support no resource-level permissions in IAM (the service authorization reference lists no resource type for them); they only read command or instance status.`,
    });
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
