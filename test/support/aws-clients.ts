/**
 * `AwsClients` for check tests: the services a test names come from the given SDK module and client
 * (a client aimed at fauxqs, or one wrapped by aws-sdk-client-mock); any other service rejects, so a
 * check that reaches for a client it should not use fails its test.
 */
import type { AwsClients } from '../../lambdas/shared/aws.ts';

type Loader<K extends keyof AwsClients> = Awaited<ReturnType<AwsClients[K]>>;

/** Fake credentials and Region: the SDK needs them, mocks and fauxqs ignore them. */
export const TEST_CLIENT_CONFIG = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
} as const;

/** Clients for the services given; every other service rejects with "not used by this test". */
export function testAwsClients(given: { [K in keyof AwsClients]?: Loader<K> }): AwsClients {
  const unused = (service: string) => () =>
    Promise.reject(new Error(`the ${service} client is not used by this test`));
  const pick = <K extends keyof AwsClients>(service: K): AwsClients[K] => {
    const loaded = given[service];
    return (loaded ? () => Promise.resolve(loaded) : unused(service)) as AwsClients[K];
  };
  return {
    sqs: pick('sqs'),
    s3: pick('s3'),
    rds: pick('rds'),
    backup: pick('backup'),
    ssm: pick('ssm'),
    secretsManager: pick('secretsManager'),
    cloudwatch: pick('cloudwatch'),
    logs: pick('logs'),
    sns: pick('sns'),
  };
}
