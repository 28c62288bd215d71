import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CommandCheckDeps,
  outputTail,
  parseJsonOutput,
  runCommandCheck,
} from '../../lambdas/canary/checks/command-check.ts';
import type { CheckFailure } from '../../lambdas/canary/checks/result.ts';
import { type CommandMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import type { CommandMonitorInput } from '../../lib/config/schema.ts';
import { checkDeadlineMs } from '../../lib/monitors/monitor-traits.ts';
import { awsError, type FakeClock, fakeClock, ssmOnlyClients } from '../support/ssm-fixtures.ts';

const ssm = mockClient(SSMClient);
const T0 = Date.UTC(2026, 1, 24, 9, 0, 0);
const WORKER = 'i-0a1b2c3d4e5f60718';
const WORKER_2 = 'i-0f1e2d3c4b5a60718';
const WORKER_3 = 'mi-0123456789abcdef0';

/** Runbook ai-muhasebi, "Worker Health Check": `pnpm -C apps/worker-jobs health-check`. */
function workerMonitor(overrides: Partial<CommandMonitorInput> = {}): CommandMonitor {
  return resolveMonitor({
    kind: 'command',
    name: 'ai-muhasebi-worker',
    instances: [WORKER],
    command: 'pnpm -C apps/worker-jobs health-check',
    workingDirectory: '/opt/ai-muhasebi',
    ...overrides,
  } as CommandMonitorInput) as CommandMonitor;
}

let clock: FakeClock;
let deps: CommandCheckDeps;
beforeEach(() => {
  ssm.reset();
  clock = fakeClock(T0);
  deps = {
    resolveSecret: async () => {
      throw new Error('a command check reads no secret');
    },
    aws: ssmOnlyClients(),
    now: clock.now,
    sleep: clock.sleep,
  };
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-7' } });
});

function invocation(status: string, details: string, rest: Record<string, unknown> = {}) {
  return { CommandId: 'cmd-7', Status: status, StatusDetails: details, ...rest } as never;
}

function failure(result: unknown): CheckFailure {
  expect(result).toMatchObject({ ok: false });
  return result as CheckFailure;
}

describe('runCommandCheck', () => {
  it('is healthy when the worker health check exits 0, after polling InProgress → InProgress → Success', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce(invocation('InProgress', 'InProgress'))
      .resolvesOnce(invocation('InProgress', 'InProgress'))
      .resolves(
        invocation('Success', 'Success', { ResponseCode: 0, StandardOutputContent: 'All checks passed\n' }),
      );

    const result = await runCommandCheck(workerMonitor(), deps);

    expect(result).toEqual({
      monitor: 'ai-muhasebi-worker',
      kind: 'command',
      checkedAt: new Date(T0).toISOString(),
      durationMs: 750,
      attempts: 1,
      ok: true,
      detail: `${WORKER}: exit 0`,
    });
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input).toEqual({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [WORKER],
      Parameters: {
        commands: ['pnpm -C apps/worker-jobs health-check'],
        executionTimeout: ['60'],
        workingDirectory: ['/opt/ai-muhasebi'],
      },
      TimeoutSeconds: 30,
      Comment: 'Vigil check ai-muhasebi-worker',
      MaxConcurrency: '100%',
      MaxErrors: '100%',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-7', InstanceId: WORKER },
      { CommandId: 'cmd-7', InstanceId: WORKER },
      { CommandId: 'cmd-7', InstanceId: WORKER },
    ]);
  });

  it('fails as command_failed with the exit code and the last lines of the output', async () => {
    const log = Array.from({ length: 60 }, (_, i) => `[worker] step ${i} ok`).join('\n');
    ssm.on(GetCommandInvocationCommand).resolves(
      invocation('Failed', 'Failed', {
        ResponseCode: 1,
        StandardOutputContent: `${log}\nChecking database connectivity...\n`,
        StandardErrorContent:
          "Error: P1001: Can't reach database server at `postgres:5432`\n ELIFECYCLE  Command failed with exit code 1.\n",
      }),
    );
    const result = failure(await runCommandCheck(workerMonitor(), deps));
    expect(result.reason).toBe('command_failed');
    expect(result.detail.startsWith(`${WORKER}: exit 1: …`)).toBe(true);
    expect(
      result.detail.endsWith(
        "Checking database connectivity... ⏎ [stderr] Error: P1001: Can't reach database server at `postgres:5432` ⏎  ELIFECYCLE  Command failed with exit code 1.",
      ),
    ).toBe(true);
    // The detail stays short enough for a page: the instance, the exit code and ~500 characters.
    expect(result.detail.length).toBeLessThanOrEqual(`${WORKER}: exit 1: `.length + 500);
    expect(result.detail).not.toContain('step 0 ok');
  });

  it('fails as command_timeout when SSM kills the script at its timeout (TimedOut)', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce(invocation('InProgress', 'InProgress'))
      .resolves(
        invocation('TimedOut', 'ExecutionTimedOut', {
          ResponseCode: -1,
          StandardOutputContent: 'waiting for db\n',
        }),
      );
    const result = failure(await runCommandCheck(workerMonitor({ timeoutSeconds: 30 }), deps));
    expect(result).toMatchObject({
      reason: 'command_timeout',
      detail: `${WORKER}: did not finish within its 30 s timeout (killed by SSM): waiting for db`,
    });
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.Parameters?.executionTimeout).toEqual([
      '30',
    ]);
  });

  it('fails as command_timeout when its own deadline passes while the script is still InProgress', async () => {
    const monitor = workerMonitor();
    ssm.on(GetCommandInvocationCommand).resolves(invocation('InProgress', 'InProgress'));
    const result = failure(await runCommandCheck(monitor, deps));
    expect(result).toMatchObject({
      reason: 'command_timeout',
      detail: `${WORKER}: still running when the check's 73 s budget ran out (timeout 60 s plus delivery)`,
    });
    // It returns within the monitor's deadline (timeout + 15 s), having waited on the fake clock only.
    expect(result.durationMs).toBe(73_000);
    expect(result.durationMs).toBeLessThan(checkDeadlineMs(monitor));
    expect(clock.sleeps.slice(0, 3)).toEqual([250, 500, 1000]);
  });

  it('fails as instance_not_connected when SSM rejects the instance (InvalidInstanceId)', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(
        new InvalidInstanceId({ message: 'Instances not in a valid state for account', $metadata: {} }),
      );
    const result = failure(await runCommandCheck(workerMonitor(), deps));
    expect(result.reason).toBe('instance_not_connected');
    expect(result.detail).toMatch(
      new RegExp(`^SSM would not send the command to ${WORKER} \\(InvalidInstanceId`),
    );
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
  });

  it('fails as instance_not_connected when the command is Undeliverable', async () => {
    ssm.on(GetCommandInvocationCommand).resolves(invocation('Failed', 'Undeliverable', { ResponseCode: -1 }));
    const result = failure(await runCommandCheck(workerMonitor(), deps));
    expect(result.reason).toBe('instance_not_connected');
    expect(result.detail).toContain('(Undeliverable)');
  });

  it('fails when any instance fails, and names which', async () => {
    ssm
      .on(GetCommandInvocationCommand, { InstanceId: WORKER })
      .resolves(invocation('Success', 'Success', { ResponseCode: 0 }))
      .on(GetCommandInvocationCommand, { InstanceId: WORKER_2 })
      .resolves(
        invocation('Failed', 'Failed', { ResponseCode: 2, StandardErrorContent: 'job table missing' }),
      );
    const result = failure(await runCommandCheck(workerMonitor({ instances: [WORKER, WORKER_2] }), deps));
    expect(result).toMatchObject({
      reason: 'command_failed',
      detail: `1 of 2 instances failed (${WORKER}, ${WORKER_2}): ${WORKER_2}: exit 2: [stderr] job table missing`,
    });
  });

  it('reports the most systemic reason first when instances fail differently', async () => {
    ssm
      .on(GetCommandInvocationCommand, { InstanceId: WORKER })
      .resolves(invocation('Failed', 'Failed', { ResponseCode: 1 }))
      .on(GetCommandInvocationCommand, { InstanceId: WORKER_2 })
      .resolves(invocation('TimedOut', 'DeliveryTimedOut'))
      .on(GetCommandInvocationCommand, { InstanceId: WORKER_3 })
      .resolves(invocation('TimedOut', 'ExecutionTimedOut'));
    const instances = [WORKER, WORKER_2, WORKER_3];
    const result = failure(await runCommandCheck(workerMonitor({ instances }), deps));
    expect(result.reason).toBe('instance_not_connected');
    expect(result.detail).toMatch(
      new RegExp(
        `^3 of 3 instances failed .*: ${WORKER_2}: the command was not delivered .*; ${WORKER_3}: command_timeout; ${WORKER}: command_failed$`,
      ),
    );
  });

  it('runs on instances by tag', async () => {
    ssm
      .on(ListCommandInvocationsCommand)
      .resolves({ CommandInvocations: [{ InstanceId: WORKER }, { InstanceId: WORKER_2 }] });
    ssm.on(GetCommandInvocationCommand).resolves(invocation('Success', 'Success', { ResponseCode: 0 }));
    const result = await runCommandCheck(
      workerMonitor({ instances: undefined, tags: { App: 'ai-muhasebi', Role: 'worker' } }),
      deps,
    );
    expect(result).toMatchObject({ ok: true, detail: `exit 0 on all 2 instances (${WORKER}, ${WORKER_2})` });
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.Targets).toEqual([
      { Key: 'tag:App', Values: ['ai-muhasebi'] },
      { Key: 'tag:Role', Values: ['worker'] },
    ]);
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input.InstanceId)).toEqual([
      WORKER,
      WORKER_2,
    ]);
  });

  describe('with assertions on JSON stdout (the worker health check printing its checks)', () => {
    const assertions = [
      { path: 'status', equals: 'ok' },
      { path: 'checks.database.status', equals: 'ok' },
      { path: 'checks.jobs.pending', lt: 100 },
    ];
    const healthy = {
      status: 'ok',
      checks: {
        env: { status: 'ok' },
        database: { status: 'ok', latencyMs: 4 },
        jobs: { status: 'ok', pending: 3 },
      },
    };

    it('is healthy when stdout is JSON that passes every assertion', async () => {
      ssm.on(GetCommandInvocationCommand).resolves(
        invocation('Success', 'Success', {
          ResponseCode: 0,
          StandardOutputContent: JSON.stringify(healthy),
        }),
      );
      expect(await runCommandCheck(workerMonitor({ assertions }), deps)).toMatchObject({
        ok: true,
        detail: `${WORKER}: exit 0, assertions hold`,
      });
    });

    it('reads the JSON after pnpm’s "> pkg health-check" banner', async () => {
      const banner =
        '\n> @ai-muhasebi/worker-jobs@1.0.0 health-check /opt/ai-muhasebi/apps/worker-jobs\n> tsx src/health-check.ts\n\n';
      ssm.on(GetCommandInvocationCommand).resolves(
        invocation('Success', 'Success', {
          ResponseCode: 0,
          StandardOutputContent: `${banner}${JSON.stringify(healthy, null, 2)}\n`,
        }),
      );
      expect((await runCommandCheck(workerMonitor({ assertions }), deps)).ok).toBe(true);
    });

    it('fails as assertion_failed, listing every failed assertion', async () => {
      const sick = { status: 'error', checks: { ...healthy.checks, jobs: { status: 'ok', pending: 250 } } };
      ssm
        .on(GetCommandInvocationCommand)
        .resolves(
          invocation('Success', 'Success', { ResponseCode: 0, StandardOutputContent: JSON.stringify(sick) }),
        );
      const result = failure(await runCommandCheck(workerMonitor({ assertions }), deps));
      expect(result).toMatchObject({
        reason: 'assertion_failed',
        detail: `${WORKER}: status: expected "ok", got "error"; checks.jobs.pending: expected < 100, got 250`,
        assertions: [
          { path: 'status', operator: 'equals', expected: 'ok', actual: 'error' },
          { path: 'checks.jobs.pending', operator: 'lt', expected: 100, actual: 250 },
        ],
      });
    });

    it('fails as bad_json when stdout is not JSON', async () => {
      ssm
        .on(GetCommandInvocationCommand)
        .resolves(
          invocation('Success', 'Success', { ResponseCode: 0, StandardOutputContent: 'Worker OK\n' }),
        );
      const result = failure(await runCommandCheck(workerMonitor({ assertions }), deps));
      expect(result.reason).toBe('bad_json');
      expect(result.detail).toMatch(
        new RegExp(`^${WORKER}: exit 0 but stdout is not a JSON document \\(.+\\); it starts "Worker OK"$`),
      );
    });

    it('says when SSM cut the JSON off at 24,000 characters', async () => {
      const big = JSON.stringify({ status: 'ok', rows: 'x'.repeat(30_000) }).slice(0, 24_000);
      ssm.on(GetCommandInvocationCommand).resolves(
        invocation('Success', 'Success', {
          ResponseCode: 0,
          StandardOutputContent: `${big}\n---Output truncated---`,
        }),
      );
      const result = failure(await runCommandCheck(workerMonitor({ assertions }), deps));
      expect(result.reason).toBe('bad_json');
      expect(result.detail).toContain('SSM returns only its first 24,000 characters');
    });
  });

  it('fails as access_denied when the canary may not send the command', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:SendCommand'));
    expect(failure(await runCommandCheck(workerMonitor(), deps)).reason).toBe('access_denied');
  });

  it('never throws, even when the SSM client cannot be loaded', async () => {
    deps = {
      ...deps,
      aws: {
        ...deps.aws,
        ssm: async () => {
          throw new Error('Cannot find module @aws-sdk/client-ssm');
        },
      },
    };
    expect(failure(await runCommandCheck(workerMonitor(), deps))).toMatchObject({
      reason: 'aws_error',
      detail: 'could not load the SSM client: Cannot find module @aws-sdk/client-ssm',
    });
  });
});

describe('outputTail', () => {
  it('keeps the last lines within the budget, on one line, marking the cut', () => {
    expect(outputTail('a\nb\nc\n', '')).toBe('a ⏎ b ⏎ c');
    expect(outputTail('one\ntwo\nthree', 'boom', 21)).toBe('… ⏎ three ⏎ [stderr] boom');
    expect(outputTail('one\ntwo\nthree', 'boom', 20)).toBe('… ⏎ [stderr] boom');
    expect(outputTail('', 'x'.repeat(50), 10)).toBe(`…${'x'.repeat(9)}`);
    expect(outputTail('', '')).toBe('');
  });
});

describe('parseJsonOutput', () => {
  it('parses all of stdout, or from the first line starting a JSON document', () => {
    expect(parseJsonOutput('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonOutput('> banner\n[1, 2]\n')).toEqual([1, 2]);
    expect(() => parseJsonOutput('> banner\n{ not json')).toThrow(SyntaxError);
  });
});
