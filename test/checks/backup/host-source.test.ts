import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  SendCommandCommand,
  type SendCommandCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatBytes } from '../../../lambdas/canary/checks/backup/gzip.ts';
import { buildHostListingCommand } from '../../../lambdas/canary/checks/backup/host-listing.ts';
import {
  checkHostBackup,
  HOST_LISTING_EXECUTION_TIMEOUT_SECONDS,
  type HostBackupSource,
  hostListingGlob,
} from '../../../lambdas/canary/checks/backup/host-source.ts';
import type { CommandCheckDeps } from '../../../lambdas/canary/checks/command-check.ts';
import type { CheckFailure, CheckResult } from '../../../lambdas/canary/checks/result.ts';
import { type BackupMonitor, resolveMonitor } from '../../../lib/config/resolve.ts';
import type { BackupMonitorInput } from '../../../lib/config/schema.ts';
import { HOST_LISTING_DEADLINE_MS } from '../../../lib/monitors/monitor-traits.ts';
import { type FakeClock, fakeClock, ssmOnlyClients } from '../../support/ssm-fixtures.ts';

const SCRIPT_PATH = fileURLToPath(
  new URL('../../../lambdas/canary/checks/backup/host-listing.sh', import.meta.url),
);
const ssm = mockClient(SSMClient);
const HOST = 'i-0a1b2c3d4e5f60718';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The newest of seven daily dumps: 2026-11-24 02:00 UTC, as the madef backup container names them. */
const NEWEST = Date.UTC(2026, 10, 24, 2, 0, 0);
const PATTERN = 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz';

function nameAt(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

/** A pg_dump-shaped SQL text, different each day. */
function sql(day: number): string {
  const rows = Array.from({ length: 3000 }, (_, i) => `${i}\tpaciente ${(i * 7919 + day) % 100_003}\n`).join(
    '',
  );
  return `--\n-- PostgreSQL database dump\n--\nCOPY public."Paciente" (id, nome) FROM stdin;\n${rows}\\.\n`;
}

let dir: string;
const sizes = new Map<string, number>();

beforeAll(() => {
  // Runbook madef-home-care §3: /opt/madef/backups holds madef_YYYYMMDD_HHMMSS.sql.gz, 7 days kept.
  dir = mkdtempSync(join(tmpdir(), 'vigil-madef-backups-'));
  for (let i = 0; i < 7; i++) {
    const at = NEWEST - i * DAY;
    const body = execFileSync('gzip', ['-c'], { input: sql(i) });
    writeFileSync(join(dir, nameAt(at)), body);
    utimesSync(join(dir, nameAt(at)), (at + 90_000) / 1000, (at + 90_000) / 1000);
    sizes.set(nameAt(at), body.length);
  }
  // Not a backup: the pattern's glob leaves it out, and without a pattern it is too small to count.
  writeFileSync(join(dir, 'README.txt'), 'restore with gunzip -c');
  utimesSync(join(dir, 'README.txt'), (NEWEST - 3 * DAY) / 1000, (NEWEST - 3 * DAY) / 1000);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function backupMonitor(host: Partial<NonNullable<BackupMonitorInput['host']>> = {}): BackupMonitor {
  return resolveMonitor({
    kind: 'backup',
    name: 'madef-backups',
    host: { instance: HOST, directory: dir, pattern: PATTERN, minSizeBytes: 1024, minCount: 7, ...host },
    maxAgeHours: 24,
  } as BackupMonitorInput) as BackupMonitor;
}

function hostSource(monitor: BackupMonitor): HostBackupSource {
  if (monitor.source.kind !== 'host') throw new Error('not a host source');
  return monitor.source;
}

/**
 * The managed instance, simulated: SendCommand really runs the command text it was given with `sh`,
 * and GetCommandInvocation answers InProgress once, then what the script printed and its exit status,
 * as AWS-RunShellScript reports them.
 */
function simulateHost(): void {
  let run: ReturnType<typeof spawnSync> | undefined;
  ssm.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
    run = spawnSync('sh', ['-c', input.Parameters?.commands?.[0] ?? 'exit 99'], { encoding: 'utf8' });
    return { Command: { CommandId: 'cmd-backup' } };
  });
  ssm
    .on(GetCommandInvocationCommand)
    .resolvesOnce({ Status: 'InProgress', StatusDetails: 'InProgress' })
    .callsFake(() => {
      const ok = run?.status === 0;
      return {
        Status: ok ? 'Success' : 'Failed',
        StatusDetails: ok ? 'Success' : 'Failed',
        ResponseCode: run?.status ?? -1,
        StandardOutputContent: String(run?.stdout ?? ''),
        StandardErrorContent: String(run?.stderr ?? ''),
      };
    });
}

let clock: FakeClock;
function depsAt(now: number): CommandCheckDeps {
  clock = fakeClock(now);
  return {
    resolveSecret: async () => {
      throw new Error('a host backup check reads no secret');
    },
    aws: ssmOnlyClients(),
    now: clock.now,
    sleep: clock.sleep,
  };
}

function failure(result: CheckResult): CheckFailure {
  expect(result.ok).toBe(false);
  return result as CheckFailure;
}

beforeEach(() => {
  ssm.reset();
});

describe('checkHostBackup', () => {
  it('passes with seven daily dumps, sending the listing script over Run Command', async () => {
    simulateHost();
    const monitor = backupMonitor();
    const result = await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + HOUR));

    expect(result).toEqual({
      monitor: 'madef-backups',
      kind: 'backup',
      checkedAt: new Date(NEWEST + HOUR).toISOString(),
      durationMs: 250,
      attempts: 1,
      ok: true,
      detail: `${HOST}:${dir}: newest backup ${nameAt(NEWEST)} is 1.0 h old (max 24.0 h), ${formatBytes(sizes.get(nameAt(NEWEST)) ?? 0)}; 7 valid backups`,
      measurements: { BackupCount: 7, BackupAgeSeconds: 3600, BackupSizeBytes: sizes.get(nameAt(NEWEST)) },
    });
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input).toEqual({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [HOST],
      Parameters: {
        commands: [buildHostListingCommand(dir, 'madef_*_*.sql.gz', { gzipTest: 'all' })],
        executionTimeout: [String(HOST_LISTING_EXECUTION_TIMEOUT_SECONDS)],
      },
      TimeoutSeconds: 30,
      Comment: 'Vigil backup listing madef-backups',
      MaxConcurrency: '100%',
      MaxErrors: '100%',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-backup', InstanceId: HOST },
      { CommandId: 'cmd-backup', InstanceId: HOST },
    ]);
  });

  it('sends a command whose output is exactly what host-listing.sh prints for the same directory', () => {
    const sent = spawnSync('sh', ['-c', buildHostListingCommand(dir, 'madef_*_*.sql.gz')], {
      encoding: 'utf8',
    });
    const script = spawnSync('sh', [SCRIPT_PATH, dir, 'madef_*_*.sql.gz', 'all'], { encoding: 'utf8' });
    expect(script.status).toBe(0);
    expect(sent.stdout).toBe(script.stdout);
    expect(script.stdout.split('\n').filter((l) => l.startsWith('file\t'))).toHaveLength(7);
  });

  it('fails as backup_too_old when the newest dump is 25 h old', async () => {
    simulateHost();
    const monitor = backupMonitor();
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + 25 * HOUR)));
    expect(result).toMatchObject({
      reason: 'backup_too_old',
      detail: `${HOST}:${dir}: newest backup ${nameAt(NEWEST)} is 25.0 h old (max 24.0 h)`,
      measurements: {
        BackupCount: 7,
        BackupAgeSeconds: 25 * 3600,
        BackupSizeBytes: sizes.get(nameAt(NEWEST)),
      },
    });
  });

  it('fails as not_found when the backup directory does not exist', async () => {
    simulateHost();
    const monitor = backupMonitor({ directory: join(dir, 'missing') });
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + HOUR)));
    expect(result).toEqual({
      monitor: 'madef-backups',
      kind: 'backup',
      checkedAt: new Date(NEWEST + HOUR).toISOString(),
      durationMs: 250,
      attempts: 1,
      ok: false,
      reason: 'not_found',
      detail: `${HOST}: backup directory ${join(dir, 'missing')} does not exist on the host`,
    });
  });

  it('fails as backup_too_few when fewer dumps are kept than minCount', async () => {
    simulateHost();
    const monitor = backupMonitor({ minCount: 8 });
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + HOUR)));
    expect(result).toMatchObject({ reason: 'backup_too_few', measurements: { BackupCount: 7 } });
  });

  it('lists every file when no pattern is given, and skips gzip -t when verifyGzip is off', async () => {
    simulateHost();
    const monitor = backupMonitor({ pattern: undefined, minCount: undefined, verifyGzip: false });
    const source = hostSource(monitor);
    expect(hostListingGlob(source)).toBe('*');
    // Without a pattern every file counts and ages come from mtimes (the dumps' are 02:01:30).
    const result = await checkHostBackup(monitor, source, depsAt(NEWEST + HOUR));
    expect(result.ok).toBe(true);
    expect(result.measurements).toEqual({
      BackupCount: 7,
      BackupAgeSeconds: HOUR / 1000 - 90,
      BackupSizeBytes: sizes.get(nameAt(NEWEST)),
    });
    const command = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.Parameters?.commands?.[0];
    expect(command?.startsWith(`set -- '${dir}' '*' 'none'\n`)).toBe(true);
  });

  it('fails as instance_not_connected when the backup host is not reachable through SSM', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} }));
    const monitor = backupMonitor();
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + HOUR)));
    expect(result.reason).toBe('instance_not_connected');
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);

    ssm.reset();
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-backup' } });
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StatusDetails: 'Undeliverable' });
    expect(failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST))).reason).toBe(
      'instance_not_connected',
    );
  });

  it('fails as command_timeout when the listing outlives its execution timeout, within the 60 s deadline', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-backup' } });
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StatusDetails: 'InProgress' });
    const monitor = backupMonitor();
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST)));
    expect(result.reason).toBe('command_timeout');
    expect(result.detail).toMatch(/set verifyGzip: false$/);
    expect(result.durationMs).toBeLessThan(HOST_LISTING_DEADLINE_MS);
  });

  it('fails as command_failed when SSM cut the listing off (more than 24,000 characters)', async () => {
    const full = spawnSync('sh', ['-c', buildHostListingCommand(dir, 'madef_*_*.sql.gz')], {
      encoding: 'utf8',
    });
    const cut = `${full.stdout.split('\nend\t')[0]}\n---Output truncated---`;
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-backup' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: cut });
    const monitor = backupMonitor();
    const result = failure(await checkHostBackup(monitor, hostSource(monitor), depsAt(NEWEST + HOUR)));
    expect(result.reason).toBe('command_failed');
    expect(result.detail).toBe(
      `listing ${HOST}:${dir}: host listing: the output stops after 7 files without its end line ` +
        '(SSM returns at most 24,000 characters: narrow the glob, or send output to S3)',
    );
  });
});
