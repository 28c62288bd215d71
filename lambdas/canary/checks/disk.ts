/**
 * Disk space on a host: what runbooks madef-home-care §3 and §"PostgreSQL" and nutri's health steps
 * do by hand with `df -h`, as an aspect of a monitor that already reaches the host over Run Command.
 * The probe (a few lines of POSIX sh) runs before the monitor's own script in the same command; its
 * lines are tagged, so they are taken out of stdout before the monitor's own output is judged.
 *
 * `df -P` (POSIX output: one line per filesystem, whatever the device name's length) is given by GNU
 * coreutils and busybox alike; `-k` makes both count 1024-byte blocks. `df -Pi` gives inodes. The
 * parser reads the block size from the header rather than trusting `-k`, and reads each data line
 * from the right, since a mount point may hold spaces and a device name may too.
 *
 * A path that does not exist is its own verdict (`disk_path_missing`), never "0 % used": `df` on a
 * missing path fails, and a probe that quietly fell back to `/` would watch the wrong disk.
 */
import type { DiskRules } from '../../../lib/config/resolve-monitor.ts';
import type { MeasurementName, ReasonCode } from './result.ts';

/** Every probe line starts with this tag and a tab. */
export const DISK_TAG = 'vigil-disk';

/** `'` → `'\''`: the path is single-quoted in the probe (the schema already refuses quotes). */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The probe for one path: a subshell (an `exit` in it ends only the probe), printing
 * `vigil-disk<TAB>missing<TAB>PATH`, or `df -Pk` (and with `inodes`, `df -Pi`) line by line as
 * `vigil-disk<TAB>blocks|inodes<TAB>LINE`, then `vigil-disk<TAB>end`. It never fails the command:
 * its verdict is read from its output. `printf` and `read`, not `sed`, because busybox's and
 * POSIX sed do not promise `\t` in a replacement.
 */
export function buildDiskProbe(path: string, inodes: boolean): string {
  const lines = [
    '(',
    '  LC_ALL=C; export LC_ALL',
    `  p=${shellQuote(path)}`,
    `  if [ ! -e "$p" ]; then printf '${DISK_TAG}\\tmissing\\t%s\\n' "$p"; exit 0; fi`,
    `  df -Pk "$p" 2>&1 | while IFS= read -r l; do printf '${DISK_TAG}\\tblocks\\t%s\\n' "$l"; done`,
    ...(inodes
      ? [`  df -Pi "$p" 2>&1 | while IFS= read -r l; do printf '${DISK_TAG}\\tinodes\\t%s\\n' "$l"; done`]
      : []),
    `  printf '${DISK_TAG}\\tend\\n'`,
    ')',
  ];
  return lines.join('\n');
}

/** The probe, then the monitor's own script (if any), as one `AWS-RunShellScript` command. */
export function withDiskProbe(script: string | undefined, disk: DiskRules): string {
  const probe = buildDiskProbe(disk.path, disk.maxInodesUsedPercent !== undefined);
  return script === undefined ? probe : `${probe}\n${script}`;
}

/** Stdout split into the probe's lines (tag removed) and everything else, in order. */
export function splitDiskProbe(stdout: string): { probe: string[]; rest: string } {
  const probe: string[] = [];
  const rest: string[] = [];
  const prefix = `${DISK_TAG}\t`;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(prefix)) probe.push(line.slice(prefix.length));
    else rest.push(line);
  }
  return { probe, rest: rest.join('\n') };
}

/** One data line of `df -P` or `df -Pi`. */
export interface DfRow {
  readonly filesystem: string;
  /** Bytes per unit of the numbers (1024 for `-k`); 1 for inodes. */
  readonly unitBytes: number;
  readonly total: number;
  readonly used: number;
  readonly available: number;
  /** `Capacity` / `IUse%` as df rounds it; undefined where df prints `-` (no inode count). */
  readonly usedPercent: number | undefined;
  readonly mountedOn: string;
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

// From the right: four counts, a percentage (or "-"), then the mount point, which starts with "/".
const DATA_LINE = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(\/.*)$/;

/**
 * Parses `df -P[k]` or `df -Pi` output (header and one data line, GNU or busybox). Returns the row,
 * or a one-line reason it is not df output (df's own error, e.g. "df: /x: Permission denied").
 */
export function parseDf(lines: readonly string[]): DfRow | { readonly error: string } {
  const header = lines.findIndex((l) => /^Filesystem\s/.test(l));
  if (header < 0) {
    const text = lines.join(' ').trim();
    return { error: text ? `df printed no table: ${text.slice(0, 200)}` : 'df printed nothing' };
  }
  const head = lines[header] ?? '';
  let unitBytes = 1;
  const blocks = /\s(\d+)([KMG]?)-blocks\s/.exec(head);
  if (blocks) unitBytes = Number(blocks[1]) * (UNITS[blocks[2] ?? ''] ?? 1);
  else if (!/\sInodes\s/.test(head)) return { error: `unexpected df header: ${head.trim()}` };
  const data = lines.slice(header + 1).find((l) => l.trim() !== '');
  const m = data === undefined ? null : DATA_LINE.exec(data.trimEnd());
  if (!m) return { error: `no df data line after the header${data ? `: ${data.trim()}` : ''}` };
  return {
    filesystem: (m[1] ?? '').trim(),
    unitBytes,
    total: Number(m[2]),
    used: Number(m[3]),
    available: Number(m[4]),
    usedPercent: m[5] === '-' ? undefined : Number((m[5] ?? '').slice(0, -1)),
    mountedOn: m[6] ?? '',
  };
}

/** What the disk aspect concluded on one host. */
export interface DiskVerdict {
  /** Set when the aspect fails the check. */
  readonly reason?: Extract<ReasonCode, 'disk_full' | 'inodes_full' | 'disk_path_missing' | 'command_failed'>;
  /** One line: what df said, against the limits. */
  readonly detail: string;
  /** Set when the disk is over its warning level but under the failing one. */
  readonly warning?: string;
  readonly measurements: Partial<Record<MeasurementName, number>>;
}

/** "1.5 GiB" for a person; df's -h rounding, in binary units. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Judges the probe's lines against the rules. Order: the path is missing, then the probe's output is
 * not df's (`command_failed`, with what it printed), then `disk_full`, then `inodes_full`.
 */
export function evaluateDisk(probe: readonly string[], rules: DiskRules): DiskVerdict {
  const path = rules.path;
  if (probe.some((l) => l.startsWith('missing\t'))) {
    return {
      reason: 'disk_path_missing',
      detail: `${path} does not exist on the host: create it, or point disk.path at the directory that fills up`,
      measurements: {},
    };
  }
  if (!probe.includes('end')) {
    return {
      reason: 'command_failed',
      detail: `the disk probe for ${path} did not finish (no end line): the host's shell or df failed`,
      measurements: {},
    };
  }
  const section = (kind: string) =>
    probe.filter((l) => l.startsWith(`${kind}\t`)).map((l) => l.slice(kind.length + 1));
  const blocks = parseDf(section('blocks'));
  if ('error' in blocks) {
    return { reason: 'command_failed', detail: `df -Pk ${path}: ${blocks.error}`, measurements: {} };
  }
  const free = blocks.available * blocks.unitBytes;
  const used = blocks.usedPercent ?? 0;
  const measurements: Partial<Record<MeasurementName, number>> = {
    DiskUsedPercent: used,
    DiskFreeBytes: free,
  };
  const where = `${path} (${blocks.mountedOn} on ${blocks.filesystem})`;
  let detail = `${where}: ${used}% used, ${formatBytes(free)} free`;

  let inodeUsed: number | undefined;
  if (rules.maxInodesUsedPercent !== undefined) {
    const inodes = parseDf(section('inodes'));
    if ('error' in inodes) {
      return { reason: 'command_failed', detail: `df -Pi ${path}: ${inodes.error}`, measurements };
    }
    // A filesystem without an inode table (btrfs, some network mounts) prints "-": nothing to judge.
    inodeUsed = inodes.usedPercent;
    if (inodeUsed !== undefined) {
      measurements.InodesUsedPercent = inodeUsed;
      detail += `, ${inodeUsed}% of inodes used`;
    } else detail += ', no inode count (the filesystem reports none)';
  }

  if (used > rules.maxUsedPercent) {
    return {
      reason: 'disk_full',
      detail: `${detail}, over the ${rules.maxUsedPercent}% limit: free space (old backups, logs, docker images) or grow the volume`,
      measurements,
    };
  }
  if (
    inodeUsed !== undefined &&
    rules.maxInodesUsedPercent !== undefined &&
    inodeUsed > rules.maxInodesUsedPercent
  ) {
    return {
      reason: 'inodes_full',
      detail: `${detail}, inodes over the ${rules.maxInodesUsedPercent}% limit: many small files (sessions, caches, mail) fill the inode table; remove them`,
      measurements,
    };
  }
  if (rules.warnUsedPercent !== undefined && used > rules.warnUsedPercent) {
    return {
      detail,
      warning: `warning: ${where} is ${used}% used, over the ${rules.warnUsedPercent}% warning level (fails at ${rules.maxUsedPercent}%)`,
      measurements,
    };
  }
  return { detail, measurements };
}
