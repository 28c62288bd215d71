/**
 * `vigil`: validate the config and run its checks from this machine, with the same check code the
 * canary Lambda runs (DESIGN.md decision 1), and mute a service's pages on demand (`mute.ts`).
 * Everything here takes argv, streams and env as parameters, so the CLI is tested in-process as
 * well as as a process (`bin/vigil.mjs`).
 */
import { parseArgs } from 'node:util';
import type { CheckDeps } from '../../lambdas/canary/checks/index.ts';
import type { CheckResult, ComponentStatus } from '../../lambdas/canary/checks/result.ts';
import { type AwsClients, aws } from '../../lambdas/shared/aws.ts';
import {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  loadConfig as defaultLoadConfig,
  type Monitor,
  type SecretRef,
  type VigilConfig,
} from '../config/index.ts';
import { awsClientsOf, checkDeadlineMs } from '../monitors/monitor-traits.ts';
import type { MuteOptions, MuteTarget, UnmuteOptions } from './mute.ts';

/** Exit codes of `vigil`. Stable: scripts and CI branch on them. */
export const ExitCode = {
  /** Config valid; every check passed. */
  ok: 0,
  /** At least one check failed. */
  checkFailed: 1,
  /** `mute` / `unmute`: CloudWatch refused or could not be reached (access denied, no credentials). */
  muteFailed: 1,
  /** Bad config, unknown monitor or service, bad usage. */
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
  /** The CloudWatch client `mute` and `unmute` use. @default aws.cloudwatch */
  readonly cloudwatch?: AwsClients['cloudwatch'];
  /** The clock of `mute`, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** The time zone `mute` shows local times in. @default this machine's */
  readonly timeZone?: string;
}

/** `vigil --help`. */
export const USAGE = `Usage: vigil <command> [options]

Commands:
  validate            Load and validate the config; print every problem with its path and fix
  check               Run every enabled monitor's check once, concurrently, from this machine
  mute SERVICE        Hold a service's pages from now on, for --for (a deploy, a restore, a backup)
  unmute SERVICE      End a service's mute now
  cost                Estimate the monthly AWS bill of the config, per service, and per endpoint
                      beside CloudWatch Synthetics and Route 53 health checks

Options:
  -c, --config FILE   Config file (default: ${DEFAULT_CONFIG_FILE}; .ts, .mts, .mjs, .js or .json)
      --only NAME     check: run only this monitor (repeat, or separate names with commas)
      --json          check: print one JSON result per monitor per line instead of a table;
                      cost: print the estimate as one JSON document
      --for DURATION  mute: how long, in whole minutes, at most 24h: 30m, 2h, 1h30m (required)
      --reason TEXT   mute: why; kept on the mute rule with who muted, e.g. "deploy 1.4.2"
      --all           mute, unmute: every service instead of one SERVICE
  -h, --help          Show this help

Muting:
  mute puts a one-time CloudWatch alarm mute rule on every alarm of the service, from now for
  --for. Pages and remediation are held meanwhile; checks and metrics keep running, and whatever
  still breaches when the mute ends pages then (the pager's sweep). Muting a muted service again
  replaces its mute. unmute deletes the rule: an alarm still in ALARM pages at once. The config's
  maintenance windows are rules of their own and are not touched.

Exit codes:
  0  config valid / every check passed / muted / unmuted, or nothing to unmute / cost printed
  1  at least one check failed / CloudWatch refused a mute or unmute (access denied, no credentials)
  2  bad config, unknown monitor or service, or bad usage
  3  internal error (please report it)

Environment:
  NO_COLOR            Disable colour (colour is only used on a terminal; FORCE_COLOR=1 forces it)
  AWS_REGION, AWS_PROFILE
                      Where header secrets (ssmParameter / secretsManager) are read from, and the
                      account and Region of the stack whose alarms mute and unmute act on
`;

const COMMANDS = ['validate', 'check', 'mute', 'unmute', 'cost'] as const;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  only: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  for: { type: 'string' },
  reason: { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options only `check` understands. */
const CHECK_ONLY_OPTIONS = ['only', 'json'] as const;
/** Options only `mute` understands. */
const MUTE_ONLY_OPTIONS = ['for', 'reason'] as const;

interface ParsedValues {
  config?: string;
  only?: string[];
  json?: boolean;
  for?: string;
  reason?: string;
  all?: boolean;
  help?: boolean;
}

/** A parsed command line, or the reason it could not be parsed. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly command: 'validate' | 'check' | 'cost';
      readonly config: string;
      readonly only: readonly string[];
      readonly json: boolean;
    }
  | ({ readonly kind: 'run'; readonly command: 'mute' } & MuteOptions)
  | ({ readonly kind: 'run'; readonly command: 'unmute' } & UnmuteOptions);

/** Parses `vigil` arguments (without `node` and the script). Pure. */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let values: ParsedValues;
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
  if (command === undefined) {
    return { kind: 'error', message: 'missing command; use "validate", "check", "mute" or "unmute"' };
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return {
      kind: 'error',
      message: `unknown command "${command}"; use one of "validate", "check", "cost", "mute", "unmute"`,
    };
  }
  if (command === 'mute' || command === 'unmute') return parseMuteArgs(command, values, extra);
  const muteOnly = [...MUTE_ONLY_OPTIONS, 'all' as const].find((o) => values[o] !== undefined);
  if (muteOnly) {
    return {
      kind: 'error',
      message: `--${muteOnly} only applies to "vigil mute"${muteOnly === 'all' ? ' and "vigil unmute"' : ''}`,
    };
  }
  if (extra.length > 0) {
    return {
      kind: 'error',
      message: `unexpected argument "${extra[0]}"; pass the config with --config FILE`,
    };
  }
  if (command !== 'check') {
    // `cost` prints JSON too; `--only` is check's alone.
    const misplaced = CHECK_ONLY_OPTIONS.find(
      (o) => values[o] !== undefined && !(command === 'cost' && o === 'json'),
    );
    if (misplaced) {
      return {
        kind: 'error',
        message: `--${misplaced} only applies to "vigil check"${misplaced === 'json' ? ' and "vigil cost"' : ''}`,
      };
    }
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
    command: command as 'validate' | 'check' | 'cost',
    config: values.config ?? DEFAULT_CONFIG_FILE,
    only,
    json: values.json ?? false,
  };
}

/** `mute SERVICE --for D [--reason T]` / `unmute SERVICE`, or `--all` instead of SERVICE. `mute` checks `--for`. */
function parseMuteArgs(
  command: 'mute' | 'unmute',
  values: ParsedValues,
  services: readonly string[],
): ParsedArgs {
  const misplaced = CHECK_ONLY_OPTIONS.find((o) => values[o] !== undefined);
  if (misplaced) return { kind: 'error', message: `--${misplaced} only applies to "vigil check"` };
  if (command === 'unmute') {
    const muteOnly = MUTE_ONLY_OPTIONS.find((o) => values[o] !== undefined);
    if (muteOnly) return { kind: 'error', message: `--${muteOnly} only applies to "vigil mute"` };
  }
  const example = command === 'mute' ? 'vigil mute api --for 30m' : 'vigil unmute api';
  let target: MuteTarget;
  if (values.all) {
    if (services.length > 0) {
      return { kind: 'error', message: `give a SERVICE or --all, not both (got "${services[0]}" and --all)` };
    }
    target = { all: true };
  } else {
    const [service, ...more] = services;
    if (service === undefined) {
      return { kind: 'error', message: `${command} needs a SERVICE (or --all), e.g. ${example}` };
    }
    if (more.length > 0) {
      return {
        kind: 'error',
        message: `${command} takes one SERVICE, got ${services.map((s) => `"${s}"`).join(', ')}; use --all for every service`,
      };
    }
    target = { service };
  }
  const config = values.config ?? DEFAULT_CONFIG_FILE;
  if (command === 'unmute') return { kind: 'run', command, config, target };
  if (values.for === undefined) {
    return { kind: 'error', message: 'mute needs --for DURATION, e.g. --for 30m (at most 24h)' };
  }
  const reason = values.reason?.trim();
  if (values.reason !== undefined && !reason) {
    return { kind: 'error', message: '--reason needs text, e.g. --reason "deploy 1.4.2"' };
  }
  return { kind: 'run', command, config, target, duration: values.for, ...(reason && { reason }) };
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

/** Loads the config, or writes its problems to stderr and returns undefined (exit 2). */
export async function loadOrReport(
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
  // Load the AWS SDKs the checks use before any check starts: loading one blocks the event loop for
  // 100 ms or more (seconds on a busy machine), which would count in the latency of the HTTP checks
  // running beside it and fail them as `slow`. A load that fails here is retried, and reported, by
  // the check that needs it.
  const services = new Set(selection.monitors.flatMap(awsClientsOf));
  await Promise.allSettled([...services].map((service) => checkDeps.aws[service]()));
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
    switch (args.command) {
      case 'validate':
        return await validateCommand(args.config, io, deps);
      case 'check':
        return await checkCommand(args, io, deps);
      case 'mute':
        // Imported on first use, like the check code: `validate` and `check` need none of it.
        return await (await import('./mute.ts')).muteCommand(args, io, deps);
      case 'unmute':
        return await (await import('./mute.ts')).unmuteCommand(args, io, deps);
      case 'cost':
        return await (await import('../cost/report.ts')).costCommand(args, io, deps);
    }
  } catch (error) {
    io.stderr.write(
      `vigil: internal error; please report it\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.internal;
  }
}
