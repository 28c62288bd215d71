/**
 * `vigil`: parses the command line and dispatches to one module per command (./validate.ts,
 * ./check.ts, ./mute.ts, ./remediate.ts, ./drill.ts, ../cost/report.ts). What they share (the process
 * view, exit codes, colour, config loading) is ./terminal.ts, which imports none of them. Everything
 * takes argv, streams and env as parameters, so the CLI is tested in-process as well as as a process
 * (`bin/vigil.mjs`).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SWEEP_MINUTES } from '../../lambdas/pager/env.ts';
import { DEFAULT_CONFIG_FILE } from '../config/index.ts';
import { checkCommand } from './check.ts';
import type { MuteOptions, MuteTarget, UnmuteOptions } from './mute.ts';
import { type CliDeps, type CliIo, ExitCode, writeInternalError } from './terminal.ts';
import { validateCommand } from './validate.ts';

/** `vigil --help`. */
export const USAGE = `Usage: vigil <command> [options]

Commands:
  validate            Load and validate the config; print every problem with its path and fix
  check               Run every enabled monitor's check once, concurrently, from this machine
  mute SERVICE        Hold a service's pages from now on, for --for (a deploy, a restore, a backup)
  unmute SERVICE      End a service's mute now
  cost                Estimate the monthly AWS bill of the config, per service, and per endpoint
                      beside CloudWatch Synthetics and Route 53 health checks
  remediate MONITOR   What the remediator would do now for the monitor's alarm, and why (each
                      guardrail's verdict); starts it unless --dry-run
  drill run NAME      Start a DR drill now in AWS; with --local DATABASE_URL, restore its newest dump
                      into that PostgreSQL from this machine instead
  drill history NAME  The last 12 runs of a drill: result, RTO and RPO against targets, dump used

Options:
  -c, --config FILE   Config file (default: ${DEFAULT_CONFIG_FILE}; .ts, .mts, .mjs, .js or .json)
      --only NAME     check: run only this monitor (repeat, or separate names with commas)
      --json          check: print one JSON result per monitor per line instead of a table;
                      cost: print the estimate as one JSON document
      --for DURATION  mute: how long, in whole minutes, at most 24h: 30m, 2h, 1h30m (required)
      --reason TEXT   mute: why; kept on the mute rule with who muted, e.g. "deploy 1.4.2"
      --all           mute, unmute: every service instead of one SERVICE
      --dry-run       remediate: print the decision, start nothing
      --aspect NAME   remediate: the queue aspect alarm (e.g. stalled) rather than the monitor's own
      --local URL     drill run: restore into this PostgreSQL (postgres://...) from this machine
      --dump FILE     drill run --local: restore this dump instead of finding the newest one
  -h, --help          Show this help

Muting:
  mute puts a one-time CloudWatch alarm mute rule on every alarm of the service, from now for
  --for. Pages and remediation are held meanwhile; checks and metrics keep running, and whatever
  still breaches when the mute ends pages then (the pager's sweep). Muting a muted service again
  replaces its mute. unmute ends the mute window now (the rule is shortened, not deleted), so an
  alarm still in ALARM pages at the pager's next sweep, within ${DEFAULT_SWEEP_MINUTES} minutes. The config's maintenance
  windows are rules of their own and are not touched.

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

const COMMANDS = ['validate', 'check', 'cost', 'mute', 'unmute', 'remediate', 'drill'] as const;

/**
 * Commands that parse their own arguments (their options mean nothing to the others): `main` hands
 * them everything but the command word.
 */
const SELF_PARSING: Readonly<Record<string, () => Promise<SelfParsingCommand>>> = {
  // Imported on first use, like the check code: no other command loads the SSM or CloudWatch SDKs.
  remediate: async () => (await import('./remediate.ts')).runRemediate,
  drill: async () => (await import('./drill.ts')).runDrill,
};

/** A command that parses its own arguments. */
type SelfParsingCommand = (argv: readonly string[], io: CliIo, deps: CliDeps) => Promise<number>;

/** The command word of `argv` and its index, skipping global options (`-c FILE`, `--config=FILE`, `-h`). */
export function commandWord(
  argv: readonly string[],
): { readonly word: string; readonly index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-c' || arg === '--config') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { word: arg, index: i };
  }
  return undefined;
}

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
    return {
      kind: 'error',
      message: `missing command; use one of ${COMMANDS.map((c) => `"${c}"`).join(', ')}`,
    };
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return {
      kind: 'error',
      message: `unknown command "${command}"; use one of ${COMMANDS.map((c) => `"${c}"`).join(', ')}`,
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

/** Runs `vigil` with the given arguments and returns its exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const command = commandWord(argv);
  if (command && command.word in SELF_PARSING) {
    const rest = [...argv.slice(0, command.index), ...argv.slice(command.index + 1)];
    try {
      const load = SELF_PARSING[command.word];
      if (!load) throw new Error(`no module for ${command.word}`);
      const run = await load();
      return await run(rest, io, deps);
    } catch (error) {
      writeInternalError(io, error);
      return ExitCode.internal;
    }
  }
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
    writeInternalError(io, error);
    return ExitCode.internal;
  }
}
