/**
 * What every `vigil` command shares: the process view it writes to, exit codes, colour, padding, and
 * loading the config with its problems reported. Commands live one per module (./check.ts,
 * ./validate.ts, ./mute.ts, ./remediate.ts, ./drill.ts, ../cost/report.ts) and import this module;
 * ./main.ts parses the command line and dispatches to them, so nothing imports main.ts back.
 */

import type { CheckDeps } from '../../lambdas/canary/checks/index.ts';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import type { AwsClients } from '../../lambdas/shared/aws.ts';
import type { Monitor } from '../config/index.ts';
import { ConfigError, type SecretRef, type VigilConfig } from '../config/index.ts';

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

/** Text width as a terminal shows it: ANSI escapes take no room. */
export function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)));
  return align === 'left' ? s + fill : fill + s;
}

/** Collapses whitespace, for one-line cells. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
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

/** Writes an internal error (a bug in Vigil) with its stack. */
export function writeInternalError(io: CliIo, error: unknown, what = 'internal error'): void {
  io.stderr.write(
    `vigil: ${what}; please report it\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
}
