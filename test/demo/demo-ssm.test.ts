/**
 * The demo's fake host (scripts/demo-ssm.ts): the real command and host backup checks, through the
 * AWS SDK's SSMClient over HTTP, against the stand-in on 127.0.0.1, which runs their scripts for
 * real with sh in its sandbox.
 */
import * as ssmSdk from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/canary/checks/index.ts';
import { runCommand } from '../../lambdas/canary/checks/run-command.ts';
import type { AwsClients } from '../../lambdas/shared/aws.ts';
import { type Monitor, resolveMonitor } from '../../lib/config/resolve.ts';
import type { MonitorInput } from '../../lib/config/schema.ts';
import { DEMO_INSTANCES, type DemoSsm, startDemoSsm } from '../../scripts/demo-ssm.ts';

let host: DemoSsm;
let client: ssmSdk.SSMClient;
let aws: AwsClients;

beforeAll(async () => {
  host = await startDemoSsm({ now: Date.now(), newestDumpAgeHours: 3 });
  client = new ssmSdk.SSMClient({
    endpoint: host.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    maxAttempts: 1,
  });
  const unexpected = async (): Promise<never> => {
    throw new Error('these checks must not use any AWS service but SSM');
  };
  aws = {
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
});

afterAll(async () => {
  client?.destroy();
  await host?.close();
});

function check(input: Record<string, unknown>) {
  const monitor = resolveMonitor(input as unknown as MonitorInput) as Monitor;
  return runCheck(monitor, {
    aws,
    resolveSecret: () => Promise.reject(new Error('no secrets in this test')),
    now: () => Date.now(),
  });
}

describe('the demo SSM stand-in', () => {
  it('passes a host backup check on its sandbox dumps, gzip-tested on the "host"', async () => {
    const result = await check({
      kind: 'backup',
      name: 'madef-host-backups',
      host: {
        instance: DEMO_INSTANCES.madef,
        directory: host.contents.backups,
        pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
        minCount: 7,
        verifyGzip: true,
      },
      maxAgeHours: 26,
    });
    expect(result.ok).toBe(true);
    expect(result.measurements?.BackupCount).toBe(7);
    // Named 3 h ago on the hour: between 3 and 4 h old.
    expect(result.measurements?.BackupAgeSeconds).toBeGreaterThanOrEqual(3 * 3600);
    expect(result.measurements?.BackupAgeSeconds).toBeLessThan(4 * 3600);
    expect(host.contents.dumps).toHaveLength(7);
  });

  it('runs a command monitor for real: the worker health script exits 1, so command_failed with its output', async () => {
    const result = await check({
      kind: 'command',
      name: 'muhasebi-worker-health',
      instances: [DEMO_INSTANCES.worker],
      command: 'sh ./health-check.sh',
      workingDirectory: host.contents.worker,
      timeoutSeconds: 10,
    });
    expect(result).toMatchObject({ ok: false, reason: 'command_failed' });
    expect(result.ok || result.detail).toContain('redis: connect ECONNREFUSED 127.0.0.1:6379');
  });

  it('measures the sandbox disk with the real df: passes at 100 %, fails as disk_full at 1 %', async () => {
    const ok = await check({
      kind: 'command',
      name: 'madef-backups-disk',
      instances: [DEMO_INSTANCES.madef],
      disk: { path: host.contents.backups, maxUsedPercent: 100 },
    });
    expect(ok.ok).toBe(true);
    expect(ok.measurements?.DiskFreeBytes).toBeGreaterThan(0);
    const full = await check({
      kind: 'command',
      name: 'madef-disk-strict',
      instances: [DEMO_INSTANCES.madef],
      disk: { path: host.contents.backups, maxUsedPercent: 1 },
    });
    expect(full).toMatchObject({ ok: false, reason: 'disk_full' });
    expect(full.ok || full.detail).toContain('over the 1% limit');
  });

  it('refuses an instance it does not manage with InvalidInstanceId, as SSM does', async () => {
    await expect(
      client.send(
        new ssmSdk.SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-00000000000000000'],
          Parameters: { commands: ['echo hi'] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInstanceId' });
    const result = await check({
      kind: 'command',
      name: 'elsewhere',
      instances: ['i-00000000000000000'],
      command: 'true',
    });
    expect(result).toMatchObject({ ok: false, reason: 'instance_not_connected' });
  });

  it('joins the commands with newlines and reports stdout, stderr and the exit code as SSM does', async () => {
    const sent = await client.send(
      new ssmSdk.SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [DEMO_INSTANCES.madef],
        Parameters: { commands: ['echo one', 'echo two >&2', 'exit 3'] },
      }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    let r: ssmSdk.GetCommandInvocationCommandOutput;
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      r = await client.send(
        new ssmSdk.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: DEMO_INSTANCES.madef }),
      );
    } while (r.Status === 'InProgress');
    expect(r).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 3,
      StandardOutputContent: 'one\n',
      StandardErrorContent: 'two\n',
    });
  });

  it('works with a clock in fractions of a ms, as `vigil check` runs it on performance.now()', async () => {
    // AbortSignal.timeout throws a RangeError on a fractional delay: every call's timeout must be whole ms.
    const result = await runCommand(
      { sdk: ssmSdk, client },
      {
        targets: { instances: [DEMO_INSTANCES.madef] },
        script: 'echo ok',
        executionTimeoutSeconds: 10,
        comment: 'fractional clock',
        deadlineMs: 10_000,
      },
      { now: () => performance.now() + 0.5 },
    );
    expect(result).toMatchObject({ sent: true, invocations: [{ outcome: 'success', stdout: 'ok\n' }] });
  });
});
