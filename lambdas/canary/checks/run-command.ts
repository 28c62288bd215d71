/**
 * Runs a shell script on managed instances over SSM Run Command (`AWS-RunShellScript`) and waits for
 * every instance's verdict: the one place Vigil reaches a host (DESIGN decision 0: Systems Manager,
 * never an agent of ours). A worker's health script (runbook ai-muhasebi, `pnpm -C apps/worker-jobs
 * health-check`) and the backup-directory listing (runbook madef-home-care §3) both go through here.
 *
 * `SendCommand`, then `GetCommandInvocation` per instance until each reaches a final state, polling
 * every 250 ms, 500 ms, then each second, never past the caller's deadline. Tag targets are resolved
 * by SSM after the send, so their instances are learned from `ListCommandInvocations` first.
 *
 * Every outcome is typed, per instance; nothing here throws. The clock and `sleep` are injected so
 * tests walk through minutes of polling in no time.
 *
 * Output limits: `GetCommandInvocation` returns at most the first 24,000 characters of stdout and
 * 8,000 of stderr (the agent appends `---Output truncated---` / `---Error truncated----`). Anything
 * that must be read whole (a JSON document, a file listing) has to fit, or the caller must say so.
 */
import type { GetCommandInvocationResult, SSMClient } from '@aws-sdk/client-ssm';
import type { Loaded } from '../../shared/aws.ts';

/** The SDK module and client `deps.aws.ssm()` returns. */
export type SsmClients = Loaded<typeof import('@aws-sdk/client-ssm'), SSMClient>;

/** The AWS-owned document every Vigil command runs. */
export const RUN_SHELL_SCRIPT_DOCUMENT = 'AWS-RunShellScript';
/** Characters of stdout `GetCommandInvocation` returns; the rest is cut off by SSM. */
export const SSM_STDOUT_LIMIT = 24_000;
/** Characters of stderr `GetCommandInvocation` returns. */
export const SSM_STDERR_LIMIT = 8_000;
/**
 * `SendCommand`'s TimeoutSeconds: how long SSM keeps trying to deliver before `DeliveryTimedOut`.
 * 30 s is the API's minimum, and the right one: a command delivered after the canary stopped
 * watching would run unobserved (a restart, a full `gzip -t` of every dump) for nothing.
 */
export const DELIVERY_TIMEOUT_SECONDS = 30;
/** Waits between polling rounds; the last repeats. Short first: most scripts end within a second. */
export const DEFAULT_POLL_INTERVALS_MS: readonly number[] = [250, 500, 1000];
/**
 * Tag targets: how long to wait for SSM to resolve the tags into invocations before saying that no
 * managed instance carries them. SSM usually lists the invocations within a second or two.
 */
export const TARGET_DISCOVERY_MS = 15_000;
/** An API call made at (or just past) the deadline still gets this long before it is aborted. */
const MIN_CALL_MS = 1_000;
/** SSM rejects a longer Comment. */
const COMMENT_LIMIT = 100;

/** The agent's markers for output SSM cut off. */
const STDOUT_TRUNCATED = '---Output truncated---';
const STDERR_TRUNCATED = '---Error truncated----';

/** Where to run: instance ids (`i-…` EC2, `mi-…` hybrid-activated servers) or tags, all of which must match. */
export type RunCommandTargets =
  | { readonly instances: readonly string[] }
  | { readonly tags: Readonly<Record<string, string>> };

/** One Run Command. */
export interface RunCommandRequest {
  readonly targets: RunCommandTargets;
  /** Shell text for `AWS-RunShellScript`'s `commands` (may span lines). */
  readonly script: string;
  /** The directory the script starts in on the host. @default the agent's own working directory */
  readonly workingDirectory?: string;
  /** The host kills the script after this many seconds (`executionTimeout`); SSM reports `TimedOut`. */
  readonly executionTimeoutSeconds: number;
  /** Names who sent it (the monitor), for whoever reads the Run Command history; cut to 100 characters. */
  readonly comment: string;
  /**
   * The whole budget, ms from the call: sending, delivery, the run and every poll. Past it no new
   * round starts, and instances still running are reported as timed out (or not connected when the
   * command never reached them).
   */
  readonly deadlineMs: number;
}

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** The clock and the waiting, injected so tests need no real time. */
export interface RunCommandTiming {
  /** Monotonic clock, ms. @default `performance.now()` */
  readonly now?: () => number;
  /** @default a `setTimeout` promise */
  readonly sleep?: Sleep;
  /** @default {@link DEFAULT_POLL_INTERVALS_MS} */
  readonly pollIntervalsMs?: readonly number[];
}

/** What one instance printed. */
export interface CommandOutput {
  /** First 24,000 characters of stdout (SSM's limit), marker included when cut. */
  readonly stdout: string;
  /** First 8,000 characters of stderr. */
  readonly stderr: string;
  /** SSM cut stdout off: a JSON document or listing in it is incomplete. */
  readonly stdoutTruncated: boolean;
}

/** The verdict for one instance. */
export type InvocationOutcome =
  | (CommandOutput & { readonly outcome: 'success'; readonly instanceId: string; readonly exitCode: 0 })
  | (CommandOutput & {
      readonly outcome: 'failed';
      readonly instanceId: string;
      /** The script's exit status; absent when it never ran to an exit (cancelled, terminated). */
      readonly exitCode?: number;
      /** SSM's StatusDetails: `Failed`, `Cancelled`, `Terminated`. */
      readonly status: string;
    })
  | (CommandOutput & {
      readonly outcome: 'timed_out';
      readonly instanceId: string;
      /** `ssm`: the host killed it at executionTimeout; `deadline`: still running when the budget ran out. */
      readonly by: 'ssm' | 'deadline';
    })
  | {
      /** The command never ran there: not delivered, undeliverable, or still queued at the deadline. */
      readonly outcome: 'not_connected' | 'access_denied' | 'aws_error';
      readonly instanceId: string;
      readonly detail: string;
    };

/** Why a command was not run at all. */
export type RunCommandFailureReason = 'instance_not_connected' | 'access_denied' | 'aws_error' | 'not_found';

/** The result of {@link runCommand}. */
export type RunCommandResult =
  | {
      readonly sent: true;
      readonly commandId: string;
      /** One per instance, in target order (tag targets: in the order SSM listed them). */
      readonly invocations: readonly InvocationOutcome[];
    }
  | {
      readonly sent: false;
      readonly reason: RunCommandFailureReason;
      readonly detail: string;
      /** Set when the command was sent but no instance took it (tags matching nothing). */
      readonly commandId?: string;
    };

/** An SDK or network error's name and message, whatever was thrown. */
function describeError(error: unknown): { name: string; message: string } {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  return { name, message };
}

function isAccessDenied(error: unknown): boolean {
  const { name } = describeError(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) || status === 403;
}

function isAbort(error: unknown): boolean {
  const { name } = describeError(error);
  return name === 'AbortError' || name === 'TimeoutError';
}

function describeTags(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' and ');
}

/** "i-0abc, i-0def" or "instances tagged App=ai-muhasebi". */
export function describeTargets(targets: RunCommandTargets): string {
  if ('instances' in targets) return targets.instances.join(', ');
  return `instances tagged ${describeTags(targets.tags)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function outputOf(r: GetCommandInvocationResult): CommandOutput {
  const stdout = r.StandardOutputContent ?? '';
  return {
    stdout,
    stderr: r.StandardErrorContent ?? '',
    stdoutTruncated: stdout.includes(STDOUT_TRUNCATED) || stdout.length >= SSM_STDOUT_LIMIT,
  };
}

/** Removes the agent's truncation markers, so the text is only what the script printed. */
export function stripTruncationMarkers(text: string): string {
  return text.replace(`\n${STDOUT_TRUNCATED}`, '').replace(`\n${STDERR_TRUNCATED}`, '');
}

/** Statuses after which the invocation may still change. */
const NOT_FINAL = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);

/** A poll's answer: a final outcome, or the status it is still in. */
type Poll = { readonly final: InvocationOutcome } | { readonly status: string };

/**
 * Reads one `GetCommandInvocation` answer. StatusDetails is finer than Status (a delivery timeout
 * and an execution timeout are both Status `TimedOut`), so it decides; Status is the fallback.
 */
export function classifyInvocation(instanceId: string, r: GetCommandInvocationResult): Poll {
  const status = r.Status ?? 'Pending';
  // The API reference spells some with spaces ("Delivery Timed Out"); the API itself does not.
  const details = (r.StatusDetails || status).replace(/\s+/g, '');
  const code = r.ResponseCode;
  if (NOT_FINAL.has(status) || NOT_FINAL.has(details)) {
    return { status: NOT_FINAL.has(details) ? details : status };
  }
  if (/access\s*denied/i.test(details)) {
    return {
      final: {
        outcome: 'access_denied',
        instanceId,
        detail: `SSM refused to run the command on ${instanceId} (${details}): the canary's role may not send commands to it`,
      },
    };
  }
  switch (details) {
    case 'Success':
      return { final: { outcome: 'success', instanceId, exitCode: 0, ...outputOf(r) } };
    case 'Undeliverable':
      return {
        final: {
          outcome: 'not_connected',
          instanceId,
          detail:
            `SSM could not deliver the command to ${instanceId} (Undeliverable): the instance is gone, ` +
            'or its SSM agent is not running or not registered',
        },
      };
    case 'DeliveryTimedOut':
      return {
        final: {
          outcome: 'not_connected',
          instanceId,
          detail:
            `the command was not delivered to ${instanceId} within ${DELIVERY_TIMEOUT_SECONDS} s (DeliveryTimedOut): ` +
            'the instance is stopped, or its SSM agent is offline or cannot reach Systems Manager',
        },
      };
    case 'ExecutionTimedOut':
      return { final: { outcome: 'timed_out', instanceId, by: 'ssm', ...outputOf(r) } };
  }
  if (status === 'Success') return { final: { outcome: 'success', instanceId, exitCode: 0, ...outputOf(r) } };
  if (status === 'TimedOut')
    return { final: { outcome: 'timed_out', instanceId, by: 'ssm', ...outputOf(r) } };
  // Failed, Cancelled, Terminated (MaxErrors reached), or a status newer than this code.
  return {
    final: {
      outcome: 'failed',
      instanceId,
      ...(code !== undefined && code >= 0 && { exitCode: code }),
      status: details,
      ...outputOf(r),
    },
  };
}

/** What a still-pending invocation means when the budget runs out. */
function atDeadline(instanceId: string, status: string | undefined, waitedMs: number): InvocationOutcome {
  if (status === 'InProgress' || status === 'Cancelling') {
    return {
      outcome: 'timed_out',
      instanceId,
      by: 'deadline',
      stdout: '',
      stderr: '',
      stdoutTruncated: false,
    };
  }
  return {
    outcome: 'not_connected',
    instanceId,
    detail:
      `the command had not reached ${instanceId} after ${seconds(waitedMs)} (${status ?? 'no invocation yet'}): ` +
      'the instance is stopped, or its SSM agent is offline or cannot reach Systems Manager',
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends `request.script` to the targets and waits for every instance's outcome, within
 * `request.deadlineMs`. Never throws.
 */
export async function runCommand(
  ssm: SsmClients,
  request: RunCommandRequest,
  timing: RunCommandTiming = {},
): Promise<RunCommandResult> {
  const { sdk, client } = ssm;
  const now = timing.now ?? (() => performance.now());
  const sleep = timing.sleep ?? defaultSleep;
  const intervals = timing.pollIntervalsMs?.length ? timing.pollIntervalsMs : DEFAULT_POLL_INTERVALS_MS;
  const start = now();
  const deadline = start + request.deadlineMs;
  // A hung API call must not hold the check past its deadline: each gets what is left (real time).
  // Whole ms: AbortSignal.timeout throws a RangeError on a fraction, which performance.now() gives.
  const callOptions = () => ({
    abortSignal: AbortSignal.timeout(Math.ceil(Math.max(MIN_CALL_MS, deadline - now()))),
  });
  let round = 0;
  /** Waits the next interval, but never past `until`; false when `until` has already come. */
  const pause = async (until = deadline): Promise<boolean> => {
    const left = until - now();
    if (left <= 0) return false;
    const interval = intervals[Math.min(round, intervals.length - 1)] ?? 1000;
    round += 1;
    await sleep(Math.min(interval, left));
    return true;
  };
  const where = describeTargets(request.targets);

  const parameters: Record<string, string[]> = {
    commands: [request.script],
    executionTimeout: [String(request.executionTimeoutSeconds)],
  };
  if (request.workingDirectory !== undefined) parameters.workingDirectory = [request.workingDirectory];
  const targets = request.targets;
  if ('instances' in targets ? targets.instances.length === 0 : Object.keys(targets.tags).length === 0) {
    // SSM would reject it anyway; an empty target list must never read as "every instance passed".
    return { sent: false, reason: 'not_found', detail: 'the command names no instance and no tag to run on' };
  }
  let commandId: string;
  try {
    const sent = await client.send(
      new sdk.SendCommandCommand({
        DocumentName: RUN_SHELL_SCRIPT_DOCUMENT,
        ...('instances' in targets
          ? { InstanceIds: [...targets.instances] }
          : {
              Targets: Object.entries(targets.tags).map(([key, value]) => ({
                Key: `tag:${key}`,
                Values: [value],
              })),
            }),
        Parameters: parameters,
        TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
        Comment: request.comment.slice(0, COMMENT_LIMIT),
        // A check wants every instance's verdict: no instance is skipped because another failed
        // (MaxErrors defaults to 0) or queued behind the first 50 (MaxConcurrency defaults to 50).
        MaxConcurrency: '100%',
        MaxErrors: '100%',
        // The output comes back through GetCommandInvocation; log groups would only cost money.
        CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
      }),
      callOptions(),
    );
    const id = sent.Command?.CommandId;
    if (!id)
      return { sent: false, reason: 'aws_error', detail: `SendCommand to ${where} returned no CommandId` };
    commandId = id;
  } catch (error) {
    const { name, message } = describeError(error);
    if (name === 'InvalidInstanceId') {
      // SSM's word for an instance it cannot reach: stopped, agent down, or never registered.
      return {
        sent: false,
        reason: 'instance_not_connected',
        detail:
          `SSM would not send the command to ${where} (InvalidInstanceId: ${message}): the instance is ` +
          'stopped, its SSM agent is not running, or it is not a managed instance in this account and Region',
      };
    }
    if (isAccessDenied(error)) {
      return {
        sent: false,
        reason: 'access_denied',
        detail: `not allowed to run ${RUN_SHELL_SCRIPT_DOCUMENT} on ${where} (${name}: ${message})`,
      };
    }
    if (isAbort(error)) {
      return {
        sent: false,
        reason: 'aws_error',
        detail: `SendCommand to ${where} did not answer within ${seconds(request.deadlineMs)}`,
      };
    }
    return {
      sent: false,
      reason: 'aws_error',
      detail: `SendCommand to ${where} failed: ${name}: ${message}`,
    };
  }

  // Tag targets: SSM resolves the tags after accepting the command; the invocations name the instances.
  let instanceIds: string[];
  if ('instances' in targets) {
    instanceIds = [...targets.instances];
  } else {
    const discoveryEnd = Math.min(deadline, start + TARGET_DISCOVERY_MS);
    instanceIds = [];
    for (;;) {
      try {
        let token: string | undefined;
        const found: string[] = [];
        do {
          const page = await client.send(
            new sdk.ListCommandInvocationsCommand({ CommandId: commandId, NextToken: token }),
            callOptions(),
          );
          for (const inv of page.CommandInvocations ?? []) {
            if (inv.InstanceId && !found.includes(inv.InstanceId)) found.push(inv.InstanceId);
          }
          token = page.NextToken;
        } while (token);
        instanceIds = found;
      } catch (error) {
        const { name, message } = describeError(error);
        if (isAccessDenied(error)) {
          return {
            sent: false,
            reason: 'access_denied',
            commandId,
            detail: `not allowed to list the invocations of command ${commandId} (${name}: ${message})`,
          };
        }
        if (!isAbort(error)) {
          return {
            sent: false,
            reason: 'aws_error',
            commandId,
            detail: `ListCommandInvocations for command ${commandId} failed: ${name}: ${message}`,
          };
        }
      }
      if (instanceIds.length > 0) break;
      if (!(await pause(discoveryEnd))) {
        return {
          sent: false,
          reason: 'not_found',
          commandId,
          detail:
            `no managed instance tagged ${describeTags(targets.tags)} took command ${commandId} within ` +
            `${seconds(now() - start)}: check the tags, and that the instances run with their SSM agent online`,
        };
      }
    }
  }

  const outcomes = new Map<string, InvocationOutcome>();
  const lastStatus = new Map<string, string>();
  const poll = async (instanceId: string): Promise<void> => {
    try {
      const r = await client.send(
        new sdk.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
        callOptions(),
      );
      const seen = classifyInvocation(instanceId, r);
      if ('final' in seen) outcomes.set(instanceId, seen.final);
      else lastStatus.set(instanceId, seen.status);
    } catch (error) {
      const { name, message } = describeError(error);
      // Right after SendCommand the invocation may not exist yet: normal, poll again.
      if (name === 'InvocationDoesNotExist' || isAbort(error)) return;
      outcomes.set(
        instanceId,
        isAccessDenied(error)
          ? {
              outcome: 'access_denied',
              instanceId,
              detail: `not allowed to read the result on ${instanceId} (GetCommandInvocation: ${name}: ${message})`,
            }
          : {
              outcome: 'aws_error',
              instanceId,
              detail: `GetCommandInvocation for ${instanceId} failed: ${name}: ${message}`,
            },
      );
    }
  };

  for (;;) {
    const pending = instanceIds.filter((id) => !outcomes.has(id));
    if (pending.length === 0) break;
    await Promise.all(pending.map(poll));
    if (instanceIds.every((id) => outcomes.has(id))) break;
    if (!(await pause())) {
      for (const id of instanceIds) {
        if (!outcomes.has(id)) outcomes.set(id, atDeadline(id, lastStatus.get(id), now() - start));
      }
      break;
    }
  }
  return {
    sent: true,
    commandId,
    invocations: instanceIds.map((id) => outcomes.get(id) as InvocationOutcome),
  };
}
