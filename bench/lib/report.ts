/**
 * What every benchmark shares: the command line (`--quick`), statistics, plain-text tables, the
 * machine description, and running a benchmark module on its own. Benchmarks print figures; they
 * never pass or fail on them (a missed target is reported, and the exit code stays 0).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Options every benchmark takes. */
export interface BenchOptions {
  /** Smaller counts and shorter bounds: a smoke run that proves the benchmark works. */
  readonly quick: boolean;
}

/** A printed table: a title, a header row, rows of cells, and notes printed under it. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Per column: right-align numbers by default, left-align the rest. */
  readonly align?: readonly ('left' | 'right')[];
  readonly notes?: readonly string[];
}

/** One figure against its DESIGN.md target. `met` is undefined when the figure was not measured. */
export interface TargetCheck {
  readonly figure: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean | undefined;
  /** A figure other load on the machine cannot move (a byte count, a seeded simulation). */
  readonly deterministic?: boolean;
}

/** What a benchmark returns: its tables, its targets, and its raw data for the JSON file. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly tables: readonly Table[];
  readonly targets: readonly TargetCheck[];
  readonly data: unknown;
  /** Figures other load cannot move (a seeded simulation): no busy-machine warning. */
  readonly deterministic?: boolean;
  /** How much CPU other processes used while it ran (see {@link Contention}). */
  readonly contention?: Contention;
  readonly durationMs?: number;
}

/** A benchmark module's entry point. */
export type Benchmark = (options: BenchOptions) => Promise<SectionResult>;

/** Parses the benchmark flags; unknown flags are an error (a typo must not silently run the full suite). */
export function parseBenchArgs(argv: readonly string[]): BenchOptions & { readonly only: readonly string[] } {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true } },
    strict: true,
    allowPositionals: false,
  });
  const only = (values.only ?? []).flatMap((v) => v.split(',')).filter((v) => v.length > 0);
  return { quick: values.quick ?? false, only };
}

/** Summary statistics; percentiles by nearest rank. */
export interface Stats {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0)
    return { n, min: Number.NaN, median: Number.NaN, p95: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? Number.NaN;
  return {
    n,
    min: sorted[0] ?? Number.NaN,
    median: n % 2 === 1 ? (sorted[(n - 1) / 2] ?? 0) : ((sorted[n / 2 - 1] ?? 0) + (sorted[n / 2] ?? 0)) / 2,
    p95: rank(0.95),
    max: sorted[n - 1] ?? Number.NaN,
    mean: sorted.reduce((s, v) => s + v, 0) / n,
  };
}

/** `1,234` */
export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** Fixed decimals, `—` for NaN. */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

/** `97.3 KB` (1 KB = 1,000 bytes, as the DESIGN.md target is read) with the exact bytes alongside. */
export function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

/** `42 MB` from bytes (MiB-based, as RSS is usually read). */
export function mb(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return `${mib.toFixed(Math.abs(mib) < 10 ? 1 : 0)} MB`;
}

/** `✓ met` / `✗ MISSED` / `– n/a`. */
export function verdict(met: boolean | undefined): string {
  return met === undefined ? '– n/a' : met ? '✓ met' : '✗ MISSED';
}

/** Renders a table as aligned plain text. */
export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) =>
    table.rows.every(
      (r) => typeof r[i] === 'number' || /^(—|[-+~≈<>]?[\d,.]+(\/[\d,.]+)?( ?\S+)?)$/.test(String(r[i])),
    ),
  );
  const line = (row: readonly (string | number)[]) =>
    row
      .map((cell, i) => {
        const text = String(cell ?? '');
        const right = (table.align?.[i] ?? (numeric[i] && i > 0 ? 'right' : 'left')) === 'right';
        return right ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(
    Math.max(
      table.title.length,
      widths.reduce((s, w) => s + w + 2, -2),
    ),
  );
  const out = [table.title, rule, line(table.columns), ...table.rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  · ${note}`);
  return `${out.join('\n')}\n`;
}

/**
 * Other work on the machine while a benchmark ran: the CPU time of every process that is not this
 * one or a child it waited for (/proc/stat busy time minus our own and our reaped children's), as
 * an average number of cores. Linux only; elsewhere only the load average is known.
 */
export interface Contention {
  /** Average cores used by other processes, or undefined where /proc is not readable. */
  readonly otherCores: number | undefined;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** True when other processes used more than {@link BUSY_CORES} on average: the figures are suspect. */
  readonly busy: boolean;
}

/** Average cores of other work above which a measurement is marked as taken on a busy machine. */
export const BUSY_CORES = 0.25;

interface CpuTicks {
  readonly machineBusy: number;
  readonly ours: number;
}

function readTicks(): CpuTicks | undefined {
  try {
    const cpu =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    const self = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = self.slice(self.lastIndexOf(')') + 2).split(' ');
    const ours = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i] ?? 0), 0);
    return { machineBusy: user + nice + system + irq + softirq + steal, ours };
  } catch {
    return undefined;
  }
}

function contentionSince(start: CpuTicks | undefined, loadBefore: number, wallMs: number): Contention {
  const end = readTicks();
  const loadAfter = loadavg()[0] ?? 0;
  if (!start || !end || wallMs <= 0) {
    return { otherCores: undefined, loadBefore, loadAfter, busy: loadBefore > cpus().length / 2 };
  }
  // USER_HZ is 100 on every Linux this runs on.
  const otherSeconds = Math.max(0, end.machineBusy - start.machineBusy - (end.ours - start.ours)) / 100;
  const otherCores = otherSeconds / (wallMs / 1000);
  return { otherCores, loadBefore, loadAfter, busy: otherCores > BUSY_CORES };
}

/** ` (other processes used 0.8 cores on average: figures measured on a busy machine)` */
export function describeContention(c: Contention | undefined): string {
  if (!c) return '';
  const other =
    c.otherCores === undefined
      ? `load average ${c.loadBefore.toFixed(2)}`
      : `other processes used ${c.otherCores.toFixed(2)} of ${cpus().length} cores`;
  return ` (${other}${c.busy ? ': MEASURED ON A BUSY MACHINE' : ''})`;
}

/** Prints a section's tables. */
export function printSection(result: SectionResult): void {
  const contention = result.deterministic ? '' : describeContention(result.contention);
  process.stdout.write(`\n=== ${result.title}${contention}\n\n`);
  for (const table of result.tables) process.stdout.write(`${formatTable(table)}\n`);
}

/** The machine, for the JSON file and docs/performance.md. */
export function machineInfo() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

/** Runs a benchmark with its duration and the competing load recorded. */
export async function measureSection(benchmark: Benchmark, options: BenchOptions): Promise<SectionResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const ticks = readTicks();
  const started = performance.now();
  const result = await benchmark(options);
  const durationMs = performance.now() - started;
  return { ...result, contention: contentionSince(ticks, loadBefore, durationMs), durationMs };
}

/** bench/results/, where the JSON goes (git-ignored apart from .gitkeep). */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `value` as pretty JSON to bench/results/<name>. Returns the path. */
export function writeResults(name: string, value: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = resolve(RESULTS_DIR, name);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** True when the module at `moduleUrl` is the script node (or tsx) was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && resolve(script) === fileURLToPath(moduleUrl);
}

/** `npx tsx bench/<name>.ts [--quick]`: runs one benchmark, prints it, writes bench/results/<id>.json. */
export async function runStandalone(benchmark: Benchmark): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const result = await measureSection(benchmark, args);
  printSection(result);
  const file = writeResults(`${result.id}.json`, {
    generatedAt: new Date().toISOString(),
    quick: args.quick,
    machine: machineInfo(),
    section: result,
  });
  process.stdout.write(`wrote ${file}\n`);
}
