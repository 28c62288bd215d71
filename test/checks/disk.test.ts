import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDiskProbe,
  evaluateDisk,
  parseDf,
  splitDiskProbe,
  withDiskProbe,
} from '../../lambdas/canary/checks/disk.ts';
import type { DiskRules } from '../../lib/config/resolve-monitor.ts';

// Recorded on this machine, GNU coreutils 9.1 (`df --version`), 2026-12-04: a 1 MiB tmpfs mounted at
// a path with spaces and filled by dd, an 8-inode tmpfs filled by touch, the root filesystem, and
// /proc (no counts at all).
const GNU_FULL_WITH_SPACES = [
  'Filesystem     1024-blocks  Used Available Capacity Mounted on',
  'tmpfs                 1024  1024         0     100% /tmp/h9/mnt with space',
];
const GNU_ROOT = [
  'Filesystem     1024-blocks     Used Available Capacity Mounted on',
  '/dev/vda         264212084 23726844  82664068      23% /',
];
const GNU_INODES_FULL = [
  'Filesystem     Inodes IUsed IFree IUse% Mounted on',
  'tmpfs               8     8     0  100% /tmp/h9/small',
];
const GNU_PROC = [
  'Filesystem     1024-blocks  Used Available Capacity Mounted on',
  'proc                     0     0         0        - /proc',
];
// busybox is not installed here: written by hand from busybox's coreutils/df.c, whose -P header is
// printf("Filesystem           %-15sUsed Available %s Mounted on\n", "1K-blocks", "Capacity") and
// whose rows are "%-20s %9lu %9lu %9lu %3u%% %s" (one line per row under -P).
const BUSYBOX_P = [
  'Filesystem           1K-blocks      Used Available Capacity Mounted on',
  '/dev/mmcblk0p2         7549272   3620884   3521352  51% /opt/madef/backups',
];
const BUSYBOX_PI = [
  'Filesystem              Inodes      Used Available Capacity Mounted on',
  '/dev/mmcblk0p2          483328    112233    371095  23% /opt/madef/backups',
];

const rules = (overrides: Partial<DiskRules> = {}): DiskRules => ({
  path: '/opt/madef/backups',
  maxUsedPercent: 90,
  warningSeverity: 'P3',
  ...overrides,
});

/** Probe lines as the shell prints them (tag removed by splitDiskProbe). */
const probeOf = (blocks: string[], inodes: string[] = []) => [
  ...blocks.map((l) => `blocks\t${l}`),
  ...inodes.map((l) => `inodes\t${l}`),
  'end',
];

describe('parseDf', () => {
  it('reads GNU df -P with a mount point holding spaces, 100 % full', () => {
    expect(parseDf(GNU_FULL_WITH_SPACES)).toEqual({
      filesystem: 'tmpfs',
      unitBytes: 1024,
      total: 1024,
      used: 1024,
      available: 0,
      usedPercent: 100,
      mountedOn: '/tmp/h9/mnt with space',
    });
  });

  it('reads busybox df -P (1K-blocks) and df -Pi', () => {
    expect(parseDf(BUSYBOX_P)).toMatchObject({
      filesystem: '/dev/mmcblk0p2',
      unitBytes: 1024,
      available: 3521352,
      usedPercent: 51,
      mountedOn: '/opt/madef/backups',
    });
    expect(parseDf(BUSYBOX_PI)).toMatchObject({ unitBytes: 1, total: 483328, usedPercent: 23 });
  });

  it('reads GNU df -Pi and a filesystem with no counts', () => {
    expect(parseDf(GNU_INODES_FULL)).toMatchObject({ total: 8, used: 8, usedPercent: 100 });
    expect(parseDf(GNU_PROC)).toMatchObject({ usedPercent: undefined, mountedOn: '/proc' });
  });

  it('says what df printed when it is not a table', () => {
    expect(parseDf(['df: /srv/x: Permission denied'])).toEqual({
      error: 'df printed no table: df: /srv/x: Permission denied',
    });
    expect(parseDf([GNU_ROOT[0] ?? ''])).toEqual({ error: 'no df data line after the header' });
  });
});

describe('evaluateDisk', () => {
  it('fails a 100 % full filesystem as disk_full, with free bytes and the mount point', () => {
    const v = evaluateDisk(probeOf(GNU_FULL_WITH_SPACES), rules({ path: '/tmp/h9/mnt with space' }));
    expect(v).toEqual({
      reason: 'disk_full',
      detail:
        '/tmp/h9/mnt with space (/tmp/h9/mnt with space on tmpfs): 100% used, 0 B free, over the 90% limit: free space (old backups, logs, docker images) or grow the volume',
      measurements: { DiskUsedPercent: 100, DiskFreeBytes: 0 },
    });
  });

  it('passes a path on another filesystem than / and measures it', () => {
    const v = evaluateDisk(probeOf(BUSYBOX_P), rules());
    expect(v).toEqual({
      detail: '/opt/madef/backups (/opt/madef/backups on /dev/mmcblk0p2): 51% used, 3.4 GiB free',
      measurements: { DiskUsedPercent: 51, DiskFreeBytes: 3521352 * 1024 },
    });
  });

  it('warns over warnUsedPercent without failing', () => {
    const v = evaluateDisk(probeOf(BUSYBOX_P), rules({ warnUsedPercent: 50 }));
    expect(v.reason).toBeUndefined();
    expect(v.warning).toBe(
      'warning: /opt/madef/backups (/opt/madef/backups on /dev/mmcblk0p2) is 51% used, over the 50% warning level (fails at 90%)',
    );
  });

  it('fails full inodes as inodes_full when asked', () => {
    const v = evaluateDisk(probeOf(GNU_ROOT, GNU_INODES_FULL), rules({ maxInodesUsedPercent: 90 }));
    expect(v.reason).toBe('inodes_full');
    expect(v.measurements).toEqual({
      DiskUsedPercent: 23,
      DiskFreeBytes: 82664068 * 1024,
      InodesUsedPercent: 100,
    });
  });

  it('makes a missing path its own reason, not 0 % used', () => {
    expect(evaluateDisk(['missing\t/opt/madef/backups'], rules())).toEqual({
      reason: 'disk_path_missing',
      detail:
        '/opt/madef/backups does not exist on the host: create it, or point disk.path at the directory that fills up',
      measurements: {},
    });
  });

  it('reports a probe cut short as command_failed', () => {
    expect(evaluateDisk(probeOf(GNU_ROOT).slice(0, -1), rules()).reason).toBe('command_failed');
  });
});

describe('the probe, run for real with sh and this machine df', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil disk '));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

  it('reads a directory whose name holds spaces', () => {
    const { probe, rest } = splitDiskProbe(run(buildDiskProbe(dir, true)));
    expect(rest).toBe('');
    const v = evaluateDisk(probe, rules({ path: dir, maxUsedPercent: 100, maxInodesUsedPercent: 100 }));
    expect(v.reason).toBeUndefined();
    expect(v.detail).toMatch(
      new RegExp(
        `^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(/\\S* on .+\\): \\d+% used, .+ free, \\d+% of inodes used$`,
      ),
    );
    expect(v.measurements.DiskFreeBytes).toBeGreaterThan(0);
  });

  it('reads a path on another filesystem than / (/dev/shm, a tmpfs)', () => {
    const { probe } = splitDiskProbe(run(buildDiskProbe('/dev/shm', false)));
    const row = parseDf(probe.filter((l) => l.startsWith('blocks\t')).map((l) => l.slice(7)));
    expect(row).toMatchObject({ mountedOn: '/dev/shm' });
  });

  it('says a missing path is missing, and keeps the command own output and exit status apart', () => {
    let out = '';
    let status = 0;
    try {
      run(withDiskProbe('echo \'{"ok":true}\'; exit 3', rules({ path: join(dir, 'nope') })));
    } catch (error) {
      const e = error as { status: number; stdout: string };
      status = e.status;
      out = e.stdout;
    }
    expect(status).toBe(3);
    const { probe, rest } = splitDiskProbe(out);
    expect(probe).toEqual([`missing\t${join(dir, 'nope')}`]);
    expect(rest).toBe('{"ok":true}\n');
    expect(evaluateDisk(probe, rules({ path: join(dir, 'nope') })).reason).toBe('disk_path_missing');
  });
});
