/**
 * `vigil check`: run every enabled monitor's check once, concurrently, from this machine, with the same
 * check code the canary Lambda runs (DESIGN.md decision 1), and print a table or JSON lines.
 */

import type { CheckResult, ComponentStatus } from '../../lambdas/canary/checks/result.ts';
import { aws } from '../../lambdas/shared/aws.ts';
import { loadConfig as defaultLoadConfig, type Monitor, type SecretRef } from '../config/index.ts';
import { awsClientsOf, checkDeadlineMs } from '../monitors/monitor-traits.ts';
import {
  type CliCheckDeps,
  type CliDeps,
  type CliIo,
  createStyle,
  ExitCode,
  loadOrReport,
  oneLine,
  pad,
  type RunCheck,
  type Style,
  shouldColor,
  visibleLength,
} from './terminal.ts';

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

/** `5 passed, 2 failed`, plus the disabled monitors that were not run. Pure. */
export function formatSummary(results: readonly CheckResult[], skipped = 0): string {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} disabled (not run)` : ''}`;
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
