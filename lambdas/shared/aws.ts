/**
 * The AWS SDK clients of a process: one per service, created on first use. Most checks need no AWS
 * client at all, and loading an SDK package only when a check needs it keeps the canary's cold
 * start short. Endpoints come from the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
 * variables (how tests and `vigil check` reach a local emulator), never from code here.
 */
import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';

/** An SDK module and the one client made from it. */
export interface Loaded<Sdk, Client> {
  readonly sdk: Sdk;
  readonly client: Client;
}

/** Lazily loads an SDK module and makes its client once; a failed load is retried next time. */
export function lazyClient<Sdk, Client>(
  load: () => Promise<Sdk>,
  make: (sdk: Sdk) => Client,
): () => Promise<Loaded<Sdk, Client>> {
  let loaded: Promise<Loaded<Sdk, Client>> | undefined;
  return () => {
    if (!loaded) {
      const attempt = load().then((sdk) => ({ sdk, client: make(sdk) }));
      loaded = attempt;
      attempt.catch(() => {
        if (loaded === attempt) loaded = undefined;
      });
    }
    return loaded;
  };
}

/** Every AWS client a check may use. Tests pass their own (clients aimed at fauxqs, or mocked). */
export interface AwsClients {
  sqs(): Promise<Loaded<typeof import('@aws-sdk/client-sqs'), SQSClient>>;
  s3(): Promise<Loaded<typeof import('@aws-sdk/client-s3'), S3Client>>;
  rds(): Promise<Loaded<typeof import('@aws-sdk/client-rds'), RDSClient>>;
  backup(): Promise<Loaded<typeof import('@aws-sdk/client-backup'), BackupClient>>;
  ssm(): Promise<Loaded<typeof import('@aws-sdk/client-ssm'), SSMClient>>;
  secretsManager(): Promise<Loaded<typeof import('@aws-sdk/client-secrets-manager'), SecretsManagerClient>>;
  cloudwatch(): Promise<Loaded<typeof import('@aws-sdk/client-cloudwatch'), CloudWatchClient>>;
  logs(): Promise<Loaded<typeof import('@aws-sdk/client-cloudwatch-logs'), CloudWatchLogsClient>>;
  sns(): Promise<Loaded<typeof import('@aws-sdk/client-sns'), SNSClient>>;
}

/**
 * The clients the remediator reads deploy times and previous versions with (ECS task definitions,
 * Lambda versions). Apart from {@link AwsClients} so that a check's clients need not list them.
 */
export interface DeployClients {
  ecs(): Promise<Loaded<typeof import('@aws-sdk/client-ecs'), ECSClient>>;
  lambda(): Promise<Loaded<typeof import('@aws-sdk/client-lambda'), LambdaClient>>;
}

/** The process's clients. */
export const aws: AwsClients & DeployClients = {
  sqs: lazyClient(
    () => import('@aws-sdk/client-sqs'),
    (sdk) => new sdk.SQSClient({}),
  ),
  s3: lazyClient(
    () => import('@aws-sdk/client-s3'),
    (sdk) => new sdk.S3Client({}),
  ),
  rds: lazyClient(
    () => import('@aws-sdk/client-rds'),
    (sdk) => new sdk.RDSClient({}),
  ),
  backup: lazyClient(
    () => import('@aws-sdk/client-backup'),
    (sdk) => new sdk.BackupClient({}),
  ),
  ssm: lazyClient(
    () => import('@aws-sdk/client-ssm'),
    (sdk) => new sdk.SSMClient({}),
  ),
  secretsManager: lazyClient(
    () => import('@aws-sdk/client-secrets-manager'),
    (sdk) => new sdk.SecretsManagerClient({}),
  ),
  cloudwatch: lazyClient(
    () => import('@aws-sdk/client-cloudwatch'),
    (sdk) => new sdk.CloudWatchClient({}),
  ),
  logs: lazyClient(
    () => import('@aws-sdk/client-cloudwatch-logs'),
    (sdk) => new sdk.CloudWatchLogsClient({}),
  ),
  sns: lazyClient(
    () => import('@aws-sdk/client-sns'),
    (sdk) => new sdk.SNSClient({}),
  ),
  ecs: lazyClient(
    () => import('@aws-sdk/client-ecs'),
    (sdk) => new sdk.ECSClient({}),
  ),
  lambda: lazyClient(
    () => import('@aws-sdk/client-lambda'),
    (sdk) => new sdk.LambdaClient({}),
  ),
};
