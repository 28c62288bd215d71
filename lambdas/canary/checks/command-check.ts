/**
 * The command check: a script on managed instances over SSM Run Command, healthy when it exits 0 on
 * every targeted instance within its timeout, and, when the monitor has assertions, when its stdout
 * is a JSON document that passes them. This is runbook ai-muhasebi's "Worker Health Check"
 * (`pnpm -C apps/worker-jobs health-check`) run by a canary instead of a person.
 *
 * Reasons, most systemic first when instances disagree: `access_denied` (a deployment problem),
 * `aws_error`, `not_found` (tags matching no instance), `instance_not_connected` (the agent never
 * got it), `command_timeout`, `command_failed` (ran, exit ≠ 0), `bad_json`, `assertion_failed`.
 */

import type { CommandMonitor } from '../../../lib/config/resolve.ts';
import { checkDeadlineMs } from '../../../lib/monitors/monitor-traits.ts';
import { describeAssertionFailure, evaluateAssertions } from './assertions.ts';
import { evaluateDisk, splitDiskProbe, withDiskProbe } from './disk.ts';
import type { CheckDeps } from './index.ts';
import type { AssertionFailure, CheckResult, MeasurementName, ReasonCode } from './result.ts';
import {
  describeTargets,
  type InvocationOutcome,
  type RunCommandFailureReason,
  runCommand,
  type Sleep,
  SSM_STDOUT_LIMIT,
  stripTruncationMarkers,
} from './run-command.ts';

/** {@link CheckDeps} plus the waiting between polls, so tests can run minutes of polling instantly. */
export interface CommandCheckDeps extends CheckDeps {
  /** Waits between `GetCommandInvocation` rounds; a fake advances the fake `now`. @default setTimeout */
  readonly sleep?: Sleep;
}

/**
 * Kept back from the monitor's deadline ({@link checkDeadlineMs}) for the last API call in flight and
 * for building the result: the check must return within its deadline, not at it.
 */
export const DEADLINE_RESERVE_MS = 2_000;
/** At most this much of a failed command's output goes into the detail (its last lines). */
export const OUTPUT_TAIL_CHARS = 500;

const monotonic = (): number => performance.now();

/** Precedence of the reasons when instances fail differently (see the module comment). */
const PRECEDENCE: readonly ReasonCode[] = [
  'access_denied',
  'aws_error',
  'not_found',
  'instance_not_connected',
  'command_timeout',
  'command_failed',
  'bad_json',
  'assertion_failed',
  'disk_path_missing',
  'disk_full',
  'inodes_full',
];

/**
 * The last lines of what a command printed, at most `maxChars`, on one line (` ⏎ ` between lines):
 * stdout, then stderr after `[stderr]`, as a person scrolling to the end of a terminal would see
 * them. Marks where text was dropped with `…`.
 */
export function outputTail(stdout: string, stderr: string, maxChars = OUTPUT_TAIL_CHARS): string {
  const parts: string[] = [];
  const out = stripTruncationMarkers(stdout).trim();
  const err = stripTruncationMarkers(stderr).trim();
  if (out) parts.push(out);
  if (err) parts.push(`[stderr] ${err}`);
  const lines = parts
    .join('\n')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const kept: string[] = [];
  let length = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const cost = line.length + (kept.length > 0 ? 3 : 0);
    if (length + cost > maxChars) {
      // A single line longer than the budget: keep its end.
      if (kept.length === 0) kept.unshift(`…${line.slice(line.length - (maxChars - 1))}`);
      else kept.unshift('…');
      break;
    }
    kept.unshift(line);
    length += cost;
  }
  return kept.join(' ⏎ ');
}

/**
 * The JSON document a command printed: all of stdout, or, when something was printed before it
 * (`pnpm run`'s `> pkg@1.0.0 health-check` banner, a log line), stdout from its first line that
 * starts with `{` or `[`. Throws the parser's error when neither is JSON.
 */
export function parseJsonOutput(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    const start = stdout.search(/^[ \t]*[{[]/m);
    if (start <= 0) throw error;
    try {
      return JSON.parse(stdout.slice(start));
    } catch {
      throw error;
    }
  }
}

/** One instance's verdict in check terms. */
interface InstanceVerdict {
  readonly instanceId: string;
  readonly reason?: ReasonCode;
  readonly detail: string;
  readonly assertions?: readonly AssertionFailure[];
  /** The disk aspect's measurements on this instance. */
  readonly measurements?: Partial<Record<MeasurementName, number>>;
}

/**
 * One instance's verdict: the command's own first (it ran after the disk probe, on stdout with the
 * probe's lines taken out), then the disk aspect's. A failed command keeps its reason, and the
 * detail adds what df said, since a full disk is a common cause.
 */
function judge(monitor: CommandMonitor, inv: InvocationOutcome): InstanceVerdict {
  if (!monitor.disk || (inv.outcome !== 'success' && inv.outcome !== 'failed')) {
    return judgeCommand(monitor, inv);
  }
  const { probe, rest } = splitDiskProbe(inv.stdout);
  const own = judgeCommand(monitor, { ...inv, stdout: rest });
  const disk = evaluateDisk(probe, monitor.disk);
  const { measurements } = disk;
  if (own.reason !== undefined)
    return { ...own, detail: `${own.detail}; disk: ${disk.detail}`, measurements };
  if (disk.reason !== undefined) {
    return { instanceId: inv.instanceId, reason: disk.reason, detail: disk.detail, measurements };
  }
  const seen = disk.warning ?? disk.detail;
  return {
    instanceId: inv.instanceId,
    detail: monitor.command === undefined ? seen : `${own.detail}; ${seen}`,
    measurements,
  };
}

/** The worst disk measurements across instances: most used, least free. */
function worstDisk(
  verdicts: readonly InstanceVerdict[],
): Partial<Record<MeasurementName, number>> | undefined {
  const out: Partial<Record<MeasurementName, number>> = {};
  for (const v of verdicts) {
    for (const [name, value] of Object.entries(v.measurements ?? {}) as [MeasurementName, number][]) {
      const prev = out[name];
      const worse = name === 'DiskFreeBytes' ? Math.min : Math.max;
      out[name] = prev === undefined ? value : worse(prev, value);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function judgeCommand(monitor: CommandMonitor, inv: InvocationOutcome): InstanceVerdict {
  const id = inv.instanceId;
  switch (inv.outcome) {
    case 'success': {
      if (monitor.assertions.length === 0) return { instanceId: id, detail: 'exit 0' };
      let body: unknown;
      try {
        body = parseJsonOutput(inv.stdout);
      } catch (error) {
        const why = inv.stdoutTruncated
          ? `SSM returns only its first ${SSM_STDOUT_LIMIT.toLocaleString('en-US')} characters`
          : // V8 quotes the input in its message: keep the detail on one short line.
            String((error as Error).message)
              .replace(/\s+/g, ' ')
              .slice(0, 120);
        const start = inv.stdout.trim().slice(0, 80);
        return {
          instanceId: id,
          reason: 'bad_json',
          detail: `exit 0 but stdout is not a JSON document (${why}); it starts ${JSON.stringify(start)}`,
        };
      }
      const failures = evaluateAssertions(body, monitor.assertions);
      if (failures.length === 0) return { instanceId: id, detail: 'exit 0, assertions hold' };
      return {
        instanceId: id,
        reason: 'assertion_failed',
        detail: failures.map(describeAssertionFailure).join('; '),
        assertions: failures,
      };
    }
    case 'failed': {
      const how = inv.exitCode !== undefined ? `exit ${inv.exitCode}` : `${inv.status} before it exited`;
      const tail = outputTail(inv.stdout, inv.stderr);
      return {
        instanceId: id,
        reason: 'command_failed',
        detail: `${how}${tail ? `: ${tail}` : ' with no output'}`,
      };
    }
    case 'timed_out': {
      const tail = outputTail(inv.stdout, inv.stderr);
      const detail =
        inv.by === 'ssm'
          ? `did not finish within its ${monitor.timeoutSeconds} s timeout (killed by SSM)`
          : `still running when the check's ${Math.round((checkDeadlineMs(monitor) - DEADLINE_RESERVE_MS) / 1000)} s budget ran out (timeout ${monitor.timeoutSeconds} s plus delivery)`;
      return { instanceId: id, reason: 'command_timeout', detail: tail ? `${detail}: ${tail}` : detail };
    }
    case 'not_connected':
      return { instanceId: id, reason: 'instance_not_connected', detail: inv.detail };
    case 'access_denied':
      return { instanceId: id, reason: 'access_denied', detail: inv.detail };
    case 'aws_error':
      return { instanceId: id, reason: 'aws_error', detail: inv.detail };
  }
}

const REASON_OF_FAILURE: Record<RunCommandFailureReason, ReasonCode> = {
  instance_not_connected: 'instance_not_connected',
  access_denied: 'access_denied',
  aws_error: 'aws_error',
  not_found: 'not_found',
};

/**
 * Runs `monitor.command` on its targets and judges every instance. Never throws: an SDK that will
 * not load, a refused SendCommand and a stuck invocation all become a failed result with a reason.
 */
export async function runCommandCheck(monitor: CommandMonitor, deps: CommandCheckDeps): Promise<CheckResult> {
  const clock = deps.now ?? monotonic;
  const start = clock();
  const checkedAt = new Date(deps.now ? start : Date.now()).toISOString();
  const base = { monitor: monitor.name, kind: 'command' as const, checkedAt, attempts: 1 };
  const fail = (
    reason: ReasonCode,
    detail: string,
    assertions?: readonly AssertionFailure[],
  ): CheckResult => ({
    ...base,
    durationMs: Math.max(0, Math.round(clock() - start)),
    ok: false,
    reason,
    detail,
    ...(assertions && { assertions }),
  });

  try {
    let ssm: Awaited<ReturnType<CheckDeps['aws']['ssm']>>;
    try {
      ssm = await deps.aws.ssm();
    } catch (error) {
      return fail(
        'aws_error',
        `could not load the SSM client: ${(error as Error)?.message ?? String(error)}`,
      );
    }
    const run = await runCommand(
      ssm,
      {
        targets: monitor.targets,
        script: monitor.disk ? withDiskProbe(monitor.command, monitor.disk) : (monitor.command ?? ''),
        ...(monitor.workingDirectory !== undefined && { workingDirectory: monitor.workingDirectory }),
        executionTimeoutSeconds: monitor.timeoutSeconds,
        comment: `Vigil check ${monitor.name}`,
        deadlineMs: checkDeadlineMs(monitor) - DEADLINE_RESERVE_MS,
      },
      { now: clock, ...(deps.sleep && { sleep: deps.sleep }) },
    );
    if (!run.sent) return fail(REASON_OF_FAILURE[run.reason], run.detail);

    const verdicts = run.invocations.map((inv) => judge(monitor, inv));
    const measurements = worstDisk(verdicts);
    const failed = verdicts.filter((v) => v.reason !== undefined);
    if (failed.length === 0) {
      const what = monitor.assertions.length > 0 ? 'exit 0, assertions hold' : 'exit 0';
      const detail = monitor.disk
        ? // Each instance's disk, warnings included: what `df -h` would have shown a person.
          verdicts.map((v) => `${v.instanceId}: ${v.detail}`).join('; ')
        : verdicts.length === 1
          ? `${verdicts[0]?.instanceId}: ${what}`
          : `${what} on all ${verdicts.length} instances (${run.invocations.map((i) => i.instanceId).join(', ')})`;
      return {
        ...base,
        durationMs: Math.max(0, Math.round(clock() - start)),
        ok: true,
        detail,
        ...(measurements && { measurements }),
      };
    }

    failed.sort(
      (a, b) => PRECEDENCE.indexOf(a.reason as ReasonCode) - PRECEDENCE.indexOf(b.reason as ReasonCode),
    );
    const first = failed[0] as InstanceVerdict;
    const reason = first.reason as ReasonCode;
    const firstLine = `${first.instanceId}: ${first.detail}`;
    // Several instances: the worst in full, the others by name and reason, so the detail stays short.
    const detail =
      verdicts.length === 1
        ? firstLine
        : `${failed.length} of ${verdicts.length} instances failed (${describeTargets(monitor.targets)}): ${firstLine}` +
          failed
            .slice(1)
            .map((v) => `; ${v.instanceId}: ${v.reason}`)
            .join('');
    const result = fail(reason, detail, first.assertions);
    return measurements ? { ...result, measurements } : result;
  } catch (error) {
    // runCommand never throws; this guards the glue, because a canary must never crash on a result.
    return fail(
      'aws_error',
      `command check failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}
