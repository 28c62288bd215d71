import * as ssmSdk from '@aws-sdk/client-ssm';
import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  classifyInvocation,
  DELIVERY_TIMEOUT_SECONDS,
  type RunCommandRequest,
  runCommand,
  type SsmClients,
  TARGET_DISCOVERY_MS,
} from '../../lambdas/canary/checks/run-command.ts';
import { awsError, type FakeClock, fakeClock } from '../support/ssm-fixtures.ts';

const ssm = mockClient(SSMClient);
const T0 = Date.UTC(2026, 1, 24, 9, 0, 0);
const clients: SsmClients = {
  sdk: ssmSdk,
  client: new SSMClient({ region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
};

function request(overrides: Partial<RunCommandRequest> = {}): RunCommandRequest {
  return {
    targets: { instances: ['i-0worker'] },
    script: 'pnpm -C apps/worker-jobs health-check',
    workingDirectory: '/opt/ai-muhasebi',
    executionTimeoutSeconds: 60,
    comment: 'Vigil check ai-muhasebi-worker',
    deadlineMs: 73_000,
    ...overrides,
  };
}

let clock: FakeClock;
beforeEach(() => {
  ssm.reset();
  clock = fakeClock(T0);
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

describe('runCommand', () => {
  it('sends AWS-RunShellScript, then polls GetCommandInvocation InProgress → InProgress → Success', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce({ Status: 'InProgress', StatusDetails: 'InProgress' })
      .resolvesOnce({ Status: 'InProgress', StatusDetails: 'InProgress' })
      .resolves({
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        StandardOutputContent: 'worker healthy\n',
        StandardErrorContent: '',
      });

    const result = await runCommand(clients, request(), clock);

    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input).toEqual({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['i-0worker'],
      Parameters: {
        commands: ['pnpm -C apps/worker-jobs health-check'],
        executionTimeout: ['60'],
        workingDirectory: ['/opt/ai-muhasebi'],
      },
      TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
      Comment: 'Vigil check ai-muhasebi-worker',
      MaxConcurrency: '100%',
      MaxErrors: '100%',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
    });
    const polls = ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input);
    expect(polls).toEqual([
      { CommandId: 'cmd-1', InstanceId: 'i-0worker' },
      { CommandId: 'cmd-1', InstanceId: 'i-0worker' },
      { CommandId: 'cmd-1', InstanceId: 'i-0worker' },
    ]);
    // Short waits first: most scripts end within a second.
    expect(clock.sleeps).toEqual([250, 500]);
    expect(result).toEqual({
      sent: true,
      commandId: 'cmd-1',
      invocations: [
        {
          outcome: 'success',
          instanceId: 'i-0worker',
          exitCode: 0,
          stdout: 'worker healthy\n',
          stderr: '',
          stdoutTruncated: false,
        },
      ],
    });
  });

  it('leaves workingDirectory out when none is given, and cuts the comment to SSM’s 100 characters', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 });
    const { workingDirectory: _, ...noDir } = request();
    await runCommand(clients, { ...noDir, comment: `Vigil check ${'x'.repeat(200)}` }, clock);
    const input = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(input?.Parameters).toEqual({
      commands: ['pnpm -C apps/worker-jobs health-check'],
      executionTimeout: ['60'],
    });
    expect(input?.Comment).toHaveLength(100);
  });

  it('retries InvocationDoesNotExist, which SSM answers right after SendCommand', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .rejectsOnce(new InvocationDoesNotExist({ message: 'not yet', $metadata: {} }))
      .rejectsOnce(new InvocationDoesNotExist({ message: 'not yet', $metadata: {} }))
      .resolves({
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        StandardOutputContent: 'ok',
      });
    const result = await runCommand(clients, request(), clock);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(3);
    expect(result.sent && result.invocations[0]).toMatchObject({ outcome: 'success', stdout: 'ok' });
  });

  it('polls every second after the first two waits, and never sleeps past the deadline', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StatusDetails: 'InProgress' });
    const result = await runCommand(clients, request({ deadlineMs: 4_100 }), clock);
    expect(clock.sleeps).toEqual([250, 500, 1000, 1000, 1000, 350]);
    expect(clock.now() - T0).toBe(4_100);
    // One poll per round, the last one at the deadline itself.
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(7);
    expect(result.sent && result.invocations[0]).toEqual({
      outcome: 'timed_out',
      instanceId: 'i-0worker',
      by: 'deadline',
      stdout: '',
      stderr: '',
      stdoutTruncated: false,
    });
  });

  it('reports a failed script with its exit code and output', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 1,
      StandardOutputContent: 'Checking database...\n',
      StandardErrorContent: 'Error: P1001: Can’t reach database server at db:5432\n',
    });
    const result = await runCommand(clients, request(), clock);
    expect(result.sent && result.invocations[0]).toEqual({
      outcome: 'failed',
      instanceId: 'i-0worker',
      exitCode: 1,
      status: 'Failed',
      stdout: 'Checking database...\n',
      stderr: 'Error: P1001: Can’t reach database server at db:5432\n',
      stdoutTruncated: false,
    });
  });

  it('tells the host’s execution timeout (TimedOut) from a delivery timeout', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: -1,
      StandardOutputContent: 'step 1\n',
    });
    const timedOut = await runCommand(clients, request(), clock);
    expect(timedOut.sent && timedOut.invocations[0]).toMatchObject({
      outcome: 'timed_out',
      by: 'ssm',
      stdout: 'step 1\n',
    });

    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' });
    const undelivered = await runCommand(clients, request(), clock);
    expect(undelivered.sent && undelivered.invocations[0]).toMatchObject({
      outcome: 'not_connected',
      detail: expect.stringMatching(/not delivered to i-0worker within 30 s \(DeliveryTimedOut\)/),
    });
  });

  it('reports Undeliverable as not connected', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1 });
    const result = await runCommand(clients, request(), clock);
    expect(result.sent && result.invocations[0]).toEqual({
      outcome: 'not_connected',
      instanceId: 'i-0worker',
      detail: expect.stringMatching(/^SSM could not deliver the command to i-0worker \(Undeliverable\)/),
    });
  });

  it('reports an instance SSM rejects (InvalidInstanceId) as not connected, without polling', async () => {
    ssm.on(SendCommandCommand).rejects(
      new InvalidInstanceId({
        message: 'Instances [[i-0worker]] not in a valid state for account 111122223333',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const result = await runCommand(clients, request(), clock);
    expect(result).toEqual({
      sent: false,
      reason: 'instance_not_connected',
      detail: expect.stringContaining(
        'SSM would not send the command to i-0worker (InvalidInstanceId: Instances [[i-0worker]] not in a valid state',
      ),
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
  });

  it('reports a command still queued (Pending, Delayed) at the deadline as not connected, not as a timeout', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce({ Status: 'Pending', StatusDetails: 'Pending' })
      .resolves({ Status: 'Delayed', StatusDetails: 'Delayed' });
    const result = await runCommand(clients, request({ deadlineMs: 10_000 }), clock);
    expect(result.sent && result.invocations[0]).toEqual({
      outcome: 'not_connected',
      instanceId: 'i-0worker',
      detail: expect.stringMatching(/^the command had not reached i-0worker after 10\.0 s \(Delayed\)/),
    });
  });

  it('maps a refused SendCommand to access_denied and any other error to aws_error', async () => {
    ssm.on(SendCommandCommand).rejects(
      new ssmSdk.AccessDeniedException({
        Message: 'User: arn:aws:sts::1:assumed-role/canary is not authorized to perform: ssm:SendCommand',
        message: 'User: arn:aws:sts::1:assumed-role/canary is not authorized to perform: ssm:SendCommand',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await runCommand(clients, request(), clock)).toMatchObject({
      sent: false,
      reason: 'access_denied',
      detail: expect.stringMatching(
        /^not allowed to run AWS-RunShellScript on i-0worker \(AccessDeniedException/,
      ),
    });
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await runCommand(clients, request(), clock)).toEqual({
      sent: false,
      reason: 'aws_error',
      detail: 'SendCommand to i-0worker failed: ThrottlingException: Rate exceeded',
    });
  });

  it('gives each instance its own outcome, in target order', async () => {
    ssm
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: 'i-0a' })
      .resolves({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 })
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: 'mi-0b' })
      .resolvesOnce({ Status: 'InProgress', StatusDetails: 'InProgress' })
      .resolves({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 3 });
    const result = await runCommand(clients, request({ targets: { instances: ['i-0a', 'mi-0b'] } }), clock);
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.InstanceIds).toEqual(['i-0a', 'mi-0b']);
    expect(result.sent && result.invocations.map((i) => [i.instanceId, i.outcome])).toEqual([
      ['i-0a', 'success'],
      ['mi-0b', 'failed'],
    ]);
    // The finished instance is not polled again.
    const polled = ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input.InstanceId);
    expect(polled).toEqual(['i-0a', 'mi-0b', 'mi-0b']);
  });

  it('sends to tags as tag: targets and learns the instances from ListCommandInvocations', async () => {
    ssm
      .on(ListCommandInvocationsCommand, { CommandId: 'cmd-1', NextToken: undefined })
      .resolvesOnce({ CommandInvocations: [] })
      .resolves({ CommandInvocations: [{ InstanceId: 'i-0a', Status: 'Pending' }], NextToken: 'page-2' })
      .on(ListCommandInvocationsCommand, { CommandId: 'cmd-1', NextToken: 'page-2' })
      .resolves({ CommandInvocations: [{ InstanceId: 'i-0b', Status: 'Pending' }] });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 });

    const result = await runCommand(
      clients,
      request({ targets: { tags: { App: 'ai-muhasebi', Role: 'worker' } } }),
      clock,
    );
    const input = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(input?.InstanceIds).toBeUndefined();
    expect(input?.Targets).toEqual([
      { Key: 'tag:App', Values: ['ai-muhasebi'] },
      { Key: 'tag:Role', Values: ['worker'] },
    ]);
    expect(ssm.commandCalls(ListCommandInvocationsCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-1' },
      { CommandId: 'cmd-1' },
      { CommandId: 'cmd-1', NextToken: 'page-2' },
    ]);
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-1', InstanceId: 'i-0a' },
      { CommandId: 'cmd-1', InstanceId: 'i-0b' },
    ]);
    expect(result.sent && result.invocations.map((i) => i.outcome)).toEqual(['success', 'success']);
  });

  it('says not_found when no managed instance carries the tags', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    const result = await runCommand(clients, request({ targets: { tags: { App: 'nobody' } } }), clock);
    expect(result).toEqual({
      sent: false,
      reason: 'not_found',
      commandId: 'cmd-1',
      detail: expect.stringMatching(
        /^no managed instance tagged App=nobody took command cmd-1 within 15\.0 s/,
      ),
    });
    expect(clock.now() - T0).toBe(TARGET_DISCOVERY_MS);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
  });

  it('never runs on an empty target list (it must not read as "all instances passed")', async () => {
    expect(await runCommand(clients, request({ targets: { instances: [] } }), clock)).toMatchObject({
      sent: false,
      reason: 'not_found',
    });
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });

  it('marks stdout SSM cut off at 24,000 characters', () => {
    const cut = classifyInvocation('i-0a', {
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: `${'x'.repeat(23_977)}\n---Output truncated---`,
    });
    expect('final' in cut && cut.final).toMatchObject({ outcome: 'success', stdoutTruncated: true });
  });

  it('treats GetCommandInvocation access denied as a final per-instance outcome', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .rejects(awsError('AccessDeniedException', 'no ssm:GetCommandInvocation'));
    const result = await runCommand(clients, request(), clock);
    expect(result.sent && result.invocations[0]).toMatchObject({
      outcome: 'access_denied',
      detail: expect.stringContaining('GetCommandInvocation: AccessDeniedException'),
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(1);
  });
});
