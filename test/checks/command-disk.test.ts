import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type CommandCheckDeps, runCommandCheck } from '../../lambdas/canary/checks/command-check.ts';
import { type CommandMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type CommandMonitorInput, commandMonitorSchema } from '../../lib/config/schema.ts';
import { targetSummary } from '../../lib/monitors/monitor-traits.ts';
import { fakeClock, ssmOnlyClients } from '../support/ssm-fixtures.ts';

const ssm = mockClient(SSMClient);
const HOST = 'i-0a1b2c3d4e5f60718';
const dir = mkdtempSync(join(tmpdir(), 'vigil-disk-'));
const fakeBin = join(dir, 'bin');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A `df` that answers like GNU df on a 100 % full disk (recorded output, see disk.test.ts). */
execFileSync('mkdir', ['-p', fakeBin]);
writeFileSync(
  join(fakeBin, 'df'),
  `#!/bin/sh
printf '%s\\n' 'Filesystem     1024-blocks     Used Available Capacity Mounted on' \\
  '/dev/nvme1n1       20511312 20511312         0     100% /opt/madef/backups'
`,
);
chmodSync(join(fakeBin, 'df'), 0o755);

function monitor(overrides: Partial<CommandMonitorInput>): CommandMonitor {
  return resolveMonitor(
    commandMonitorSchema.parse({ kind: 'command', name: 'madef-disk', instances: [HOST], ...overrides }),
  ) as CommandMonitor;
}

/**
 * Runs what SendCommand carried for real with sh (optionally with the fake df first on PATH), and
 * answers GetCommandInvocation with its stdout and exit status, as the agent would.
 */
function hostRunsForReal(pathPrepend?: string): void {
  ssm.on(SendCommandCommand).callsFake((input: { Parameters: { commands: string[] } }) => {
    const script = input.Parameters.commands[0] ?? '';
    let stdout = '';
    let code = 0;
    try {
      stdout = execFileSync('sh', ['-c', script], {
        encoding: 'utf8',
        env: { ...process.env, PATH: pathPrepend ? `${pathPrepend}:${process.env.PATH}` : process.env.PATH },
      });
    } catch (error) {
      const e = error as { status: number; stdout: string };
      code = e.status;
      stdout = e.stdout;
    }
    ssm.on(GetCommandInvocationCommand).resolves({
      CommandId: 'cmd-1',
      Status: code === 0 ? 'Success' : 'Failed',
      StatusDetails: code === 0 ? 'Success' : 'Failed',
      ResponseCode: code,
      StandardOutputContent: stdout,
    } as never);
    return { Command: { CommandId: 'cmd-1' } };
  });
}

let deps: CommandCheckDeps;
beforeEach(() => {
  ssm.reset();
  const clock = fakeClock(Date.UTC(2026, 11, 4, 9));
  deps = {
    resolveSecret: () => Promise.reject(new Error('none')),
    aws: ssmOnlyClients(),
    now: clock.now,
    sleep: clock.sleep,
  };
});

describe('a command monitor with a disk aspect, its shell run for real', () => {
  it('measures a real directory with df and passes under the limit', async () => {
    hostRunsForReal();
    const result = await runCommandCheck(monitor({ disk: { path: dir, maxUsedPercent: 100 } }), deps);
    expect(result.ok).toBe(true);
    expect(result.measurements?.DiskUsedPercent).toBeGreaterThanOrEqual(0);
    expect(result.measurements?.DiskFreeBytes).toBeGreaterThan(0);
    expect(result.ok && result.detail).toMatch(
      new RegExp(`^${HOST}: ${dir} \\(/\\S* on .+\\): \\d+% used, .+ free$`),
    );
    // The probe alone was sent: no command of the user's, no assertions.
    const sent = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.Parameters?.commands?.[0] ?? '';
    expect(sent.startsWith('(\n  LC_ALL=C; export LC_ALL\n')).toBe(true);
    expect(sent).toContain(`df -Pk "$p"`);
    expect(sent).not.toContain('df -Pi');
  });

  it('fails a full disk as disk_full, and the command still runs and is judged first', async () => {
    hostRunsForReal(fakeBin);
    const m = monitor({
      command: 'echo \'{"status":"ok"}\'',
      assertions: [{ path: 'status', equals: 'ok' }],
      disk: { path: dir, maxUsedPercent: 90, warnUsedPercent: 80 },
    });
    const result = await runCommandCheck(m, deps);
    expect(result).toMatchObject({
      ok: false,
      reason: 'disk_full',
      detail: `${HOST}: ${dir} (/opt/madef/backups on /dev/nvme1n1): 100% used, 0 B free, over the 90% limit: free space (old backups, logs, docker images) or grow the volume`,
      measurements: { DiskUsedPercent: 100, DiskFreeBytes: 0 },
    });
  });

  it('reports a missing path as disk_path_missing', async () => {
    hostRunsForReal();
    const result = await runCommandCheck(monitor({ disk: { path: join(dir, 'gone') } }), deps);
    expect(result).toMatchObject({ ok: false, reason: 'disk_path_missing' });
  });

  it('keeps a failing command its own reason and adds what df said', async () => {
    hostRunsForReal(fakeBin);
    const result = await runCommandCheck(
      monitor({ command: 'echo broken; exit 2', disk: { path: dir } }),
      deps,
    );
    expect(result).toMatchObject({ ok: false, reason: 'command_failed' });
    expect(result.ok ? '' : result.detail).toBe(
      `${HOST}: exit 2: broken; disk: ${dir} (/opt/madef/backups on /dev/nvme1n1): 100% used, 0 B free, over the 90% limit: free space (old backups, logs, docker images) or grow the volume`,
    );
  });
});

describe('disk in config', () => {
  it('needs a command or a disk, naming the path and the fix', () => {
    const r = commandMonitorSchema.safeParse({ kind: 'command', name: 'x', instances: [HOST] });
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [
        ['command'],
        'give a command to run, a disk to watch, or both, e.g. disk: { path: "/", maxUsedPercent: 90 }',
      ],
    ]);
  });

  it('rejects a warning level that is not below the limit, and a relative path', () => {
    const r = commandMonitorSchema.safeParse({
      kind: 'command',
      name: 'x',
      instances: [HOST],
      disk: { path: 'opt/x', warnUsedPercent: 95 },
    });
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [
        ['disk', 'path'],
        'must be an absolute path without quotes, $, backslashes or newlines, e.g. "/opt/madef/backups"',
      ],
      [['disk', 'warnUsedPercent'], '95 is not below maxUsedPercent (90); the warning level must come first'],
    ]);
  });

  it('resolves the defaults and says what it checks', () => {
    const m = monitor({ disk: { path: '/var/lib/docker' } });
    expect(m.disk).toEqual({ path: '/var/lib/docker', maxUsedPercent: 90, warningSeverity: 'P3' });
    expect(m.command).toBeUndefined();
    expect(targetSummary(m)).toBe(`disk /var/lib/docker under 90% on ${HOST}`);
  });
});
