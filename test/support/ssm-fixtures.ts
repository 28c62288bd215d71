/**
 * Shared pieces for tests of checks that go through SSM Run Command: a fake clock whose `sleep`
 * advances it (so minutes of polling take no real time), and `AwsClients` whose `ssm()` hands out a
 * real SSMClient (mocked by aws-sdk-client-mock in the test) while every other service fails loudly.
 */
import * as ssmSdk from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../lambdas/shared/aws.ts';

/** A clock in epoch ms that only moves when `sleep` (or `advance`) is called. */
export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
  /** Every `sleep` asked for, in order. */
  readonly sleeps: number[];
}

export function fakeClock(start: number): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
    sleeps,
  };
}

/** Clients for a check under test: SSM is real (and mocked by the test), anything else throws. */
export function ssmOnlyClients(): AwsClients {
  const client = new ssmSdk.SSMClient({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const unexpected = async (): Promise<never> => {
    throw new Error('this check must not use any AWS service but SSM');
  };
  return {
    ssm: async () => ({ sdk: ssmSdk, client }),
    sqs: unexpected,
    s3: unexpected,
    rds: unexpected,
    backup: unexpected,
    secretsManager: unexpected,
    cloudwatch: unexpected,
    logs: unexpected,
    sns: unexpected,
  };
}

/** An SDK-shaped service error (name, message, $metadata) for `.rejects(...)`. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}
