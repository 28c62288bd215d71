import { type Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link HouseFunction}. */
export interface HouseFunctionProps {
  /** The project, as in the config: names the log group `/vigil/<project>/<name>`. */
  readonly project: string;
  /** The function's short name (`canary`, `pager`): log group, Powertools service `vigil-<name>`. */
  readonly name: string;
  /** The handler file (middy wiring; exports `handler`). */
  readonly entry: string;
  /** Shown in the console: what one invocation does. */
  readonly description: string;
  /** The execution role's description: what it may do. */
  readonly roleDescription: string;
  /** Days the logs are kept; one of CloudWatch's retention values. */
  readonly logRetentionDays: number;
  /** Memory in MB: explicit, never the 128 MB default by accident. */
  readonly memorySize: number;
  /** Explicit timeout. */
  readonly timeout: Duration;
  /** Asynchronous invocation retries (0 to 2). */
  readonly retryAttempts: number;
  /** Drop an asynchronous invocation older than this. */
  readonly maxEventAge: Duration;
  /**
   * Environment beside `POWERTOOLS_SERVICE_NAME`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * esbuild `define`: identifiers replaced at build time, values as JavaScript source (a JSON
   * string literal for a string).
   * @default - none
   */
  readonly define?: Readonly<Record<string, string>>;
  /**
   * Files copied into the bundle beside the handler after esbuild runs, by their name there: data
   * too large for `define` (one process argument, capped at 128 KiB by Linux) that the handler reads
   * at cold start. The asset hash covers them.
   * @default - none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
  /**
   * Receives asynchronous invocations that failed after their retries, so they are visible rather
   * than silently dropped.
   * @default - failed invocations are only logged
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A Vigil Lambda with the house defaults: Node.js 22 on arm64, one minified ESM bundle built by the
 * local esbuild with the AWS SDK left to the runtime, JSON logs in its own log group with a
 * retention, and its own role (no managed policies) that can write to that log group and, when
 * given one, send failed invocations to the dead-letter queue. Anything else is granted by the
 * subclass, statement by statement.
 *
 * The children's ids (`Logs`, `Role`, `Function`) are the ones `CanaryFunction` always had, so
 * moving the defaults here changed no logical id.
 */
export class HouseFunction extends Construct {
  /** The Lambda function. */
  readonly lambda: NodejsFunction;
  /** Its execution role (no managed policies). */
  readonly role: iam.Role;
  /** Its log group: application logs (and, for the canary, EMF metrics). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/vigil/${props.project}/${props.name}`,
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.lambda = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { POWERTOOLS_SERVICE_NAME: `vigil-${props.name}`, ...props.environment },
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      ...(props.deadLetterQueue && { onFailure: this.deadLetterTo(props.deadLetterQueue) }),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: false,
        mainFields: ['module', 'main'],
        // The Node.js 22 runtime ships AWS SDK v3: leave it out of the bundle (DESIGN.md: <= 100 KB).
        externalModules: ['@aws-sdk/*'],
        // Some dependencies are CommonJS and call require(); give the ESM bundle one.
        banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
        ...(props.define && { define: { ...props.define } }),
        ...(props.bundledFiles && { commandHooks: copyInto(props.bundledFiles) }),
      },
    });

    Validations.of(this.lambda).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime Vigil targets and measures (bundle size and cold start, DESIGN.md); it is a supported Lambda runtime. Moving to a newer one is a deliberate, benchmarked change.',
    });
  }

  /**
   * A failure destination allowed exactly `sqs:SendMessage` (the stock `SqsDestination` also grants
   * `sqs:GetQueueAttributes` and `sqs:GetQueueUrl`, which Lambda does not need to deliver).
   */
  private deadLetterTo(queue: sqs.IQueue): lambda.IDestination {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetterFailedInvocations',
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    return { bind: () => ({ destination: queue.queueArn }) };
  }
}

/** Bundling hooks that copy `files` (name in the bundle → path at synth) into the output directory. */
function copyInto(files: Readonly<Record<string, string>>): ICommandHooks {
  const quote = (path: string) => `"${path.replace(/(["\\$`])/g, '\\$1')}"`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) =>
      Object.entries(files).map(([name, from]) => `cp ${quote(from)} ${quote(`${outputDir}/${name}`)}`),
  };
}

const RETENTION_VALUES = new Set<number>(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

function retentionDays(days: number): logs.RetentionDays {
  if (!RETENTION_VALUES.has(days)) {
    throw new Error(`logRetentionDays: ${days} is not a CloudWatch Logs retention; use e.g. 7, 14, 30 or 90`);
  }
  return days as logs.RetentionDays;
}

/**
 * The id cdk-nag gives an IAM5 finding for a wildcard `resource` (pseudo parameters rendered as
 * `<AWS::Region>`), so an acknowledgement names exactly that finding and no other.
 */
export function wildcardFinding(stack: Stack, resource: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && 'Ref' in v) return `<${(v as { Ref: string }).Ref}>`;
    if (v && typeof v === 'object' && 'Fn::Join' in v) {
      const [sep, parts] = (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      return parts.map(render).join(sep);
    }
    return JSON.stringify(v);
  };
  return `AwsSolutions-IAM5[Resource::${render(stack.resolve(resource))}]`;
}
