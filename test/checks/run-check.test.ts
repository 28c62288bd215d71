/**
 * runCheck dispatches each monitor kind (and each backup source) to its own check: one small smoke
 * per kind, each asserting something only that kind's check produces. The checks themselves are
 * tested in their own files.
 */
import * as rdsSdk from '@aws-sdk/client-rds';
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import * as ssmSdk from '@aws-sdk/client-ssm';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CheckDeps, runCheck } from '../../lambdas/canary/checks/index.ts';
import type { AwsClients } from '../../lambdas/shared/aws.ts';
import { type Monitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type MonitorInput, monitorInputSchema } from '../../lib/config/schema.ts';
import { TEST_CLIENT_CONFIG, testAwsClients } from '../support/aws-clients.ts';
import { closedPort } from '../support/http-fixtures.ts';

const NOW = Date.UTC(2026, 10, 25, 1, 0, 0);
const rdsClient = new RDSClient(TEST_CLIENT_CONFIG);
const ssmClient = new SSMClient(TEST_CLIENT_CONFIG);
const rds = mockClient(rdsClient);
const ssm = mockClient(ssmClient);

let deadUrl: string;

function deps(aws: AwsClients = testAwsClients({})): CheckDeps {
  return { resolveSecret: () => Promise.reject(new Error('no secrets here')), now: () => NOW, aws };
}

/** A resolved monitor, validated by the real schema. */
function monitor(input: Record<string, unknown>): Monitor {
  return resolveMonitor(monitorInputSchema.parse({ name: 'smoke', ...input }) as MonitorInput);
}

beforeAll(async () => {
  deadUrl = `http://127.0.0.1:${await closedPort()}/health`;
});

beforeEach(() => {
  rds.reset();
  ssm.reset();
});

describe('runCheck dispatch', () => {
  it('http: runs the HTTP check', async () => {
    const result = await runCheck(monitor({ kind: 'http', url: deadUrl }), deps());
    expect(result).toMatchObject({ kind: 'http', monitor: 'smoke', ok: false, reason: 'connection_refused' });
  });

  it('queue: runs the queue check', async () => {
    const result = await runCheck(
      monitor({ kind: 'queue', endpoint: { url: deadUrl, depthPath: 'queue.depth' }, maxDepth: 10 }),
      deps(),
    );
    expect(result).toMatchObject({
      kind: 'queue',
      monitor: 'smoke',
      ok: false,
      reason: 'connection_refused',
    });
  });

  it('backup: runs the backup check of the source (rds here)', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: 'rds:madef-db-daily',
          Status: 'available',
          SnapshotCreateTime: new Date(NOW - 3_600_000),
        },
      ],
    });
    const result = await runCheck(
      monitor({ kind: 'backup', rds: { instance: 'madef-db' } }),
      deps(testAwsClients({ rds: { sdk: rdsSdk, client: rdsClient } })),
    );
    expect(result).toMatchObject({ kind: 'backup', ok: true, measurements: { BackupAgeSeconds: 3600 } });
  });

  it('command: runs the Run Command check', async () => {
    ssm.on(SendCommandCommand).rejects(
      Object.assign(new Error('not authorized to perform: ssm:SendCommand'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const result = await runCheck(
      monitor({ kind: 'command', instances: ['i-0123456789abcdef0'], command: 'docker compose ps' }),
      deps(testAwsClients({ ssm: { sdk: ssmSdk, client: ssmClient } })),
    );
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(result).toMatchObject({ kind: 'command', monitor: 'smoke', ok: false, reason: 'access_denied' });
  });

  it('a kind from a newer config is a failed result, not a throw', async () => {
    const result = await runCheck({ name: 'future', kind: 'dns' } as unknown as Monitor, deps());
    expect(result).toMatchObject({
      monitor: 'future',
      kind: 'dns',
      ok: false,
      detail: 'monitor kind "dns" is not supported by this canary version',
    });
  });
});

describe('runCheck dispatch of backup sources', () => {
  // Each source reaches for its own client (or the network): the result shows which one ran.
  it('s3: lists the bucket with the S3 client', async () => {
    const result = await runCheck(
      monitor({ kind: 'backup', s3: { bucket: 'madef-backups', prefix: 'db/' } }),
      deps(),
    );
    expect(result).toMatchObject({
      kind: 'backup',
      ok: false,
      reason: 'aws_error',
      detail: 'checking s3://madef-backups/db/ failed: the s3 client is not used by this test',
    });
  });

  it('awsBackup: lists the vault with the Backup client', async () => {
    const result = await runCheck(
      monitor({
        kind: 'backup',
        awsBackup: { vault: 'nutri-vault', resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:nutri-db' },
      }),
      deps(),
    );
    expect(result).toMatchObject({
      kind: 'backup',
      ok: false,
      detail: expect.stringContaining('the backup client is not used by this test'),
    });
  });

  it('host: lists the directory over Run Command', async () => {
    ssm.on(SendCommandCommand).rejects(
      Object.assign(new Error('Instances [i-0123456789abcdef0] not in a valid state'), {
        name: 'InvalidInstanceId',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const result = await runCheck(
      monitor({ kind: 'backup', host: { instance: 'i-0123456789abcdef0', directory: '/opt/madef/backups' } }),
      deps(testAwsClients({ ssm: { sdk: ssmSdk, client: ssmClient } })),
    );
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(result).toMatchObject({ kind: 'backup', ok: false });
  });

  it('endpoint: asks the JSON endpoint', async () => {
    const result = await runCheck(
      monitor({ kind: 'backup', endpoint: { url: deadUrl, timestampPath: 'backups[0].created_at' } }),
      deps(),
    );
    expect(result).toMatchObject({ kind: 'backup', ok: false, reason: 'connection_refused' });
  });
});
