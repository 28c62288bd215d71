/**
 * `vigil`: validate the config and run its checks from this machine, with the same check code the
 * canary Lambda runs (DESIGN.md decision 1). Everything here takes argv, streams and env as
 * parameters, so the CLI is tested in-process as well as as a process (`bin/vigil.mjs`).
 */
import { parseArgs } from 'node:util';
import type { CheckDeps } from '../../lambdas/canary/checks/index.ts';
import type { CheckResult, ComponentStatus } from '../../lambdas/canary/checks/result.ts';
import { aws } from '../../lambdas/shared/aws.ts';
import {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  loadConfig as defaultLoadConfig,
  type Monitor,
  type SecretRef,
  type VigilConfig,
} from '../config/index.ts';
import { checkDeadlineMs } from '../monitors/monitor-traits.ts';

/** Exit codes of `vigil`. Stable: scripts and CI branch on them. */
export const ExitCode = {
  /** Config valid; every check passed. */
  ok: 0,
  /** At least one check failed. */
  checkFailed: 1,
  /** Bad config, unknown monitor, bad usage. */
  usage: 2,
  /** A bug in Vigil (a check threw instead of returning a result). */
  internal: 3,
} as const;

/** What the CLI writes to: `process.stdout` / `process.stderr`, or a buffer in tests. */
export interface CliOutput {
  write(chunk: string): unknown;
  /** True when the stream is a terminal; colour is used only then. */
  readonly isTTY?: boolean;
}

/** The CLI's view of its process. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The dependencies a check needs; the same the canary Lambda passes to `runCheck`. */
export type CliCheckDeps = CheckDeps;

/** Runs one monitor's check once. Never throws by contract; a throw is reported as an internal error. */
export type RunCheck = (monitor: Monitor, deps: CliCheckDeps) => Promise<CheckResult>;

/** Replaceable collaborators, for in-process tests. Each defaults to the real implementation. */
export interface CliDeps {
  readonly loadConfig?: (file: string) => Promise<VigilConfig>;
  readonly runCheck?: RunCheck;
  readonly resolveSecret?: (ref: SecretRef) => Promise<string>;
}

/** `vigil --help`. */
export const USAGE = `Usage: vigil <command> [options]

Commands:
  validate            Load and validate the config; print every problem with its path and fix
  check               Run every enabled monitor's check once, concurrently, from this machine

Options:
  -c, --config FILE   Config file (default: ${DEFAULT_CONFIG_FILE}; .ts, .mts, .mjs, .js or .json)
      --only NAME     check: run only this monitor (repeat, or separate names with commas)
      --json          check: print one JSON result per monitor per line instead of a table
  -h, --help          Show this help

Exit codes:
  0  config valid / every check passed
  1  at least one check failed
  2  bad config, unknown monitor or bad usage
  3  internal error (please report it)

Environment:
  NO_COLOR            Disable colour (colour is only used on a terminal; FORCE_COLOR=1 forces it)
  AWS_REGION, AWS_PROFILE
                      Where header secrets (ssmParameter / secretsManager) are read from
`;

const COMMANDS = ['validate', 'check'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  only: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options only `check` understands. */
const CHECK_ONLY_OPTIONS = ['only', 'json'] as const;

/** A parsed command line, or the reason it could not be parsed. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly command: Command;
      readonly config: string;
      readonly only: readonly string[];
      readonly json: boolean;
    };

/** Parses `vigil` arguments (without `node` and the script). Pure. */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let values: { config?: string; only?: string[]; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const [command, ...extra] = positionals;
  if (command === undefined) return { kind: 'error', message: 'missing command; use "validate" or "check"' };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return { kind: 'error', message: `unknown command "${command}"; use "validate" or "check"` };
  }
  if (extra.length > 0) {
    return {
      kind: 'error',
      message: `unexpected argument "${extra[0]}"; pass the config with --config FILE`,
    };
  }
  if (command !== 'check') {
    const misplaced = CHECK_ONLY_OPTIONS.find((o) => values[o] !== undefined);
    if (misplaced) return { kind: 'error', message: `--${misplaced} only applies to "vigil check"` };
  }
  const only = (values.only ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (values.only !== undefined && only.length === 0) {
    return { kind: 'error', message: '--only needs a monitor name, e.g. --only madef-api-health' };
  }
  return {
    kind: 'run',
    command: command as Command,
    config: values.config ?? DEFAULT_CONFIG_FILE,
    only,
    json: values.json ?? false,
  };
}

/**
 * Whether to colour output: never when NO_COLOR is set (https://no-color.org), always when
 * FORCE_COLOR is set to something other than "0", otherwise only on a terminal.
 */
export function shouldColor(stream: CliOutput, env: CliIo['env']): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** ANSI styling that disappears when colour is off. */
export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** Builds a {@link Style}; every function is the identity when `color` is false. */
export function createStyle(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) =>
    color && s ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/**
 * Picks the monitors to run: every enabled one, or exactly those named by `--only` (a disabled
 * monitor named explicitly is run: that is how one tries it before enabling it).
 */
export function selectMonitors(
  monitors: readonly Monitor[],
  only: readonly string[],
): { readonly monitors: readonly Monitor[]; readonly skipped: number } | { readonly error: string } {
  if (only.length === 0) {
    const enabled = monitors.filter((m) => m.enabled);
    return { monitors: enabled, skipped: monitors.length - enabled.length };
  }
  const known = new Set(monitors.map((m) => m.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    return {
      error: `unknown monitor${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')} in --only; known monitors: ${[...known].join(', ')}`,
    };
  }
  const wanted = new Set(only);
  return { monitors: monitors.filter((m) => wanted.has(m.name)), skipped: 0 };
}

/** `database error (Connection refused) · redis ok 3ms · memory ok`: detail only when unhealthy. Pure. */
export function formatComponents(components: readonly ComponentStatus[], style: Style = createStyle(false)) {
  return components
    .map((c) => {
      const latency = c.latencyMs !== undefined ? ` ${Math.round(c.latencyMs)}ms` : '';
      const detail = c.state !== 'healthy' && c.detail ? ` (${oneLine(c.detail)})` : '';
      const text = `${c.name} ${c.status}${latency}${detail}`;
      if (c.state === 'unhealthy') return style.red(text);
      if (c.state === 'degraded' || c.state === 'unknown') return style.yellow(text);
      return text;
    })
    .join(style.dim(' · '));
}

/** `QueueDepth 12 · DeadLetterDepth 0`: what a queue or backup check measured. Pure. */
export function formatMeasurements(measurements: NonNullable<CheckResult['measurements']>): string {
  return Object.entries(measurements)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(1)}`)
    .join(' · ');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** `5 passed, 2 failed`, plus the disabled monitors that were not run. Pure. */
export function formatSummary(results: readonly CheckResult[], skipped = 0): string {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} disabled (not run)` : ''}`;
}

/** Text width as a terminal shows it: ANSI escapes take no room. */
function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)));
  return align === 'left' ? s + fill : fill + s;
}

/**
 * The `vigil check` table: monitor, PASS/FAIL, latency, reason and detail, and a second line with
 * the health document's components when it had any. Rows in the given order. Pure.
 */
export function formatTable(results: readonly CheckResult[], style: Style = createStyle(false)): string {
  const header = ['MONITOR', 'RESULT', 'LATENCY', 'REASON / DETAIL'];
  const rows = results.map((r) => {
    const latency = r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : '—';
    // A pass can carry a note worth reading (dead letters waiting, over the warning level).
    const outcome = r.ok
      ? [
          r.statusCode !== undefined ? style.dim(`HTTP ${r.statusCode}`) : '',
          r.detail ? oneLine(r.detail) : '',
        ]
          .filter((s) => s.length > 0)
          .join('  ')
      : `${style.bold(r.reason)}  ${oneLine(r.detail)}`;
    const extra = [
      r.components && r.components.length > 0 ? formatComponents(r.components, style) : '',
      r.measurements ? formatMeasurements(r.measurements) : '',
    ].filter((s) => s.length > 0);
    return {
      cells: [r.monitor, r.ok ? style.green('PASS') : style.red('FAIL'), latency, outcome],
      components: extra.length > 0 ? extra.join(style.dim(' · ')) : undefined,
    };
  });
  const widths = [0, 1, 2].map((i) =>
    Math.max(visibleLength(header[i] ?? ''), ...rows.map((row) => visibleLength(row.cells[i] ?? ''))),
  );
  const gap = '  ';
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 3 ? cell : pad(cell, widths[i] ?? 0, i === 2 ? 'right' : 'left')))
      .join(gap)
      .trimEnd();
  const indent = ' '.repeat(widths.reduce((sum, w) => sum + w + gap.length, 0));
  const out = [style.dim(line(header))];
  for (const row of rows) {
    out.push(line(row.cells));
    if (row.components) out.push(`${indent}${row.components}`);
  }
  return `${out.join('\n')}\n`;
}

async function loadOrReport(
  file: string,
  io: CliIo,
  load: (file: string) => Promise<VigilConfig>,
): Promise<VigilConfig | undefined> {
  try {
    return await load(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

/** `vigil validate`: 0 when the config is valid, 2 with every problem listed otherwise. */
export async function validateCommand(file: string, io: CliIo, deps: CliDeps = {}): Promise<number> {
  const config = await loadOrReport(file, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const style = createStyle(shouldColor(io.stdout, io.env));
  const n = config.monitors.length;
  const disabled = config.monitors.filter((m) => !m.enabled).length;
  io.stdout.write(
    `${style.green('✓')} ${file}: ${n} monitor${n === 1 ? '' : 's'} valid (project "${config.project}"${disabled > 0 ? `, ${disabled} disabled` : ''})\n`,
  );
  return ExitCode.ok;
}

/** Reads header secrets through `lambdas/shared/secrets.ts`, loading the AWS SDK only when needed. */
function lazyResolveSecret(): (ref: SecretRef) => Promise<string> {
  let secrets: Promise<typeof import('../../lambdas/shared/secrets.ts')> | undefined;
  return async (ref) => {
    secrets ??= import('../../lambdas/shared/secrets.ts');
    return (await secrets).resolveSecret(ref);
  };
}

async function defaultRunCheck(): Promise<RunCheck> {
  // Imported on first use so `vigil validate` and `--help` do not load the check code.
  const { runCheck } = await import('../../lambdas/canary/checks/index.ts');
  return runCheck;
}

/**
 * How long past its own `timeoutMs` a check may run before the CLI gives up on it. `runCheck` enforces
 * the timeout itself; this only keeps a bug there from hanging `vigil check` (and `npm run demo`).
 */
export const CHECK_GRACE_MS = 5000;

/** A check that outlived its timeout plus {@link CHECK_GRACE_MS}: a bug in the check, not a failure. */
export class CheckOverdueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckOverdueError';
  }
}

function withinDeadline(monitor: Monitor, check: Promise<CheckResult>): Promise<CheckResult> {
  const timeoutMs = checkDeadlineMs(monitor);
  const limit = timeoutMs + CHECK_GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CheckOverdueError(
            `it returned no result within ${limit} ms, though its deadline is ${timeoutMs} ms`,
          ),
        ),
      limit,
    );
  });
  return Promise.race([check, overdue]).finally(() => clearTimeout(timer));
}

/** `vigil check`: 0 when every selected check passed, 1 when any failed, 2 on bad config or usage. */
export async function checkCommand(
  options: { readonly config: string; readonly only: readonly string[]; readonly json: boolean },
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  const config = await loadOrReport(options.config, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const selection = selectMonitors(config.monitors, options.only);
  if ('error' in selection) {
    io.stderr.write(`vigil: ${selection.error}\n`);
    return ExitCode.usage;
  }
  if (selection.monitors.length === 0) {
    io.stderr.write(`vigil: ${options.config} has no enabled monitors; nothing to check\n`);
    return ExitCode.ok;
  }
  const runCheck = deps.runCheck ?? (await defaultRunCheck());
  const checkDeps: CliCheckDeps = { resolveSecret: deps.resolveSecret ?? lazyResolveSecret(), aws };
  const started = performance.now();
  // Concurrently: each check carries its own timeout, so one slow endpoint never delays the others.
  const outcomes = await Promise.all(
    selection.monitors.map(async (monitor) => {
      try {
        return { monitor, result: await withinDeadline(monitor, runCheck(monitor, checkDeps)) };
      } catch (error) {
        return { monitor, error };
      }
    }),
  );
  const crashed = outcomes.filter((o) => 'error' in o);
  if (crashed.length > 0) {
    for (const o of crashed) {
      const error = (o as { error: unknown }).error;
      const why =
        error instanceof CheckOverdueError
          ? error.message
          : `it threw instead of returning a result:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      io.stderr.write(
        `vigil: internal error in the check of "${o.monitor.name}"; please report it: ${why}\n`,
      );
    }
    return ExitCode.internal;
  }
  const results = outcomes.map((o) => (o as { result: CheckResult }).result);
  if (options.json) {
    for (const result of results) io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const style = createStyle(shouldColor(io.stdout, io.env));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const failed = results.some((r) => !r.ok);
    io.stdout.write(formatTable(results, style));
    io.stdout.write(
      `\n${(failed ? style.red : style.green)(formatSummary(results, selection.skipped))} ${style.dim(`(${seconds} s)`)}\n`,
    );
  }
  const env = io.env;
  if (
    results.some((r) => !r.ok && r.reason === 'secret_unavailable') &&
    !env.AWS_REGION &&
    !env.AWS_DEFAULT_REGION &&
    !env.AWS_PROFILE
  ) {
    io.stderr.write(
      'hint: header secrets are read from SSM / Secrets Manager; set AWS_REGION (or AWS_PROFILE) and credentials for the account that holds them\n',
    );
  }
  return results.every((r) => r.ok) ? ExitCode.ok : ExitCode.checkFailed;
}

/** Runs `vigil` with the given arguments and returns its exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.kind === 'help') {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (args.kind === 'error') {
    io.stderr.write(`vigil: ${args.message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  try {
    return args.command === 'validate'
      ? await validateCommand(args.config, io, deps)
      : await checkCommand(args, io, deps);
  } catch (error) {
    io.stderr.write(
      `vigil: internal error; please report it\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.internal;
  }
}
