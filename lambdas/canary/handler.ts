/**
 * The canary: EventBridge Scheduler invokes it with `{ monitors }` (monitors sharing an invocation,
 * docs/adr/0008-shared-invocations.md) or `{ monitor }` (one with `invocation: 'own'`, or a
 * remediation runbook verifying health). It runs every check at once, each with its own deadline,
 * so a slow endpoint delays no other; as each one ends, its result is flushed as its own EMF line
 * and logged as one line. It returns the result (`{ monitor }`) or the results (`{ monitors }`).
 *
 * Fast mode (./fast-probe.ts, docs/adr/0006-fast-mode.md): a scheduled invocation probes its fast
 * monitors once at once (slot 0, stamped with the invocation's start) and sends one message per
 * later slot of the minute to the fast-probe queue (`VIGIL_FAST_PROBE_QUEUE_URL`), delayed to the
 * slot's planned start. The queue's event source mapping invokes the canary with those messages (an
 * SQS event, `Records[].eventSource === 'aws:sqs'`): each record is probed at its slot's start and
 * stamped with it, or dropped with a warning when its 10 s period is over.
 *
 * Verify mode: a remediation document's verify step invokes it with `{ verify: "<monitor>" }`
 * (lib/ssm/verify-steps.ts). It looks the monitor up in the file shipped beside the bundle (read on
 * the first such invocation only, ./verify.ts), runs its check once (a fast monitor: one probe),
 * records it as a scheduled check would, and answers `{ monitor, ok, reason?, detail? }`.
 *
 * Middy wiring only: the check is lambdas/canary/checks, the confirmation probe of a failing
 * standard HTTP check is ./confirm.ts, the recording is ./record.ts, fast mode's slots and messages
 * are ./fast-probe.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseCanaryRequest, parseVerifyEvent, toMonitorInput } from '../../lib/config/events.ts';
import { parseFastProbeMessage } from '../../lib/config/fast-probe-message.ts';
import type { Monitor } from '../../lib/config/resolve.ts';
import { type AwsClients, aws } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { metrics } from '../shared/metrics.ts';
import { resolveSecret } from '../shared/secrets.ts';
import { runCheck } from './checks/index.ts';
import type { CheckResult } from './checks/result.ts';
import { type ConfirmedCheck, runConfirmed } from './confirm.ts';
import {
  fastProbeQueueUrl,
  type ProbeClock,
  type ProbeSlot,
  parseSqsEvent,
  plannedSlots,
  planRecord,
  type SqsBatchResponse,
  type SqsEvent,
  sendFastProbes,
} from './fast-probe.ts';
import { logResult, recordResult } from './record.ts';
import { bundledVerifyMonitors, UnknownMonitorError, type VerifyResponse, verifyResponse } from './verify.ts';

/** What the handler takes from outside; tests pass a fake clock. */
export interface CanaryDeps {
  /** Fast mode's clock and sleep. */
  readonly clock: ProbeClock;
  /**
   * The SQS client fast mode sends its later slots with.
   * @default the process's lazy client (lambdas/shared/aws.ts), loaded on the first send
   */
  readonly sqs?: AwsClients['sqs'];
  /**
   * The fast-probe queue's URL.
   * @default `VIGIL_FAST_PROBE_QUEUE_URL`, read when a fast monitor first needs it
   */
  readonly fastProbeQueueUrl?: () => string;
  /**
   * The monitors verify mode may run, by name.
   * @default the vigil-monitors.json shipped beside the bundle, read on first use
   */
  readonly verifyMonitors?: () => ReadonlyMap<string, Monitor>;
}

const realClock: ProbeClock = { now: Date.now, sleep: (ms) => sleep(ms) };

/**
 * The fast-probe queue refused, or never got, some of the minute's later slots: thrown after every
 * check of the invocation is recorded, so the canary's `Errors` watcher pages Vigil's owner while
 * the monitors' alarms see those slots' periods empty.
 */
export class FastProbeSendError extends Error {
  constructor(
    readonly failed: readonly { readonly slot: number; readonly error: string }[],
    options?: ErrorOptions,
  ) {
    super(
      `fast mode could not queue slot(s) ${failed.map((f) => f.slot).join(', ')} of this minute: ${failed[0]?.error ?? ''}`,
      options,
    );
    this.name = 'FastProbeSendError';
  }
}

/** Builds the middy handler around `deps`. */
export function createCanaryHandler(deps: CanaryDeps) {
  /** One fast-mode probe of `monitor` in `slot`, recorded as a high-resolution datapoint stamped with the slot's start. */
  async function probe(monitor: Monitor, slot: ProbeSlot): Promise<CheckResult> {
    const result = await runCheck(monitor, { resolveSecret, aws });
    // Flushed at once: a line held back would reach the 10 s alarm late.
    report(monitor, result, slot);
    return result;
  }

  /**
   * Queues slots 1..5 of the minute that started at `t0` for the fast monitors among `monitors`;
   * resolves to the slots that could not be queued (none when there is no fast monitor). Never
   * rejects: it runs beside the checks, and a rejection nobody awaits yet would crash the runtime.
   */
  async function queueLaterSlots(
    monitors: readonly Monitor[],
    t0: number,
  ): Promise<FastProbeSendError['failed']> {
    const fast = monitors.filter(isFastMonitor);
    if (fast.length === 0) return [];
    try {
      const { failed } = await sendFastProbes(
        deps.sqs ?? aws.sqs,
        (deps.fastProbeQueueUrl ?? fastProbeQueueUrl)(),
        t0,
        fast.map(toMonitorInput),
        deps.clock,
      );
      return failed;
    } catch (error) {
      return plannedSlots(t0).map(({ slot }) => ({ slot, error: String(error) }));
    }
  }

  /** An SQS event: each record is one slot of one group, probed at its planned start, all at once. */
  async function probeRecords(records: SqsEvent['Records']): Promise<SqsBatchResponse> {
    const outcomes = await Promise.all(records.map(probeRecord));
    return {
      batchItemFailures: outcomes.flatMap((failed, i) =>
        failed ? [{ itemIdentifier: records[i]?.messageId ?? '' }] : [],
      ),
    };
  }

  /** Probes one record's monitors; true when the record is malformed (received again, then dead-lettered). */
  async function probeRecord(record: SqsEvent['Records'][number]): Promise<boolean> {
    let order: ReturnType<typeof parseFastProbeMessage>;
    try {
      order = parseFastProbeMessage(record.body);
    } catch (error) {
      // A deployment bug, not an endpoint failure: the queue's redrive policy dead-letters it.
      logger.error('fast probe message is malformed', { messageId: record.messageId, error: error as Error });
      return true;
    }
    const plan = planRecord(order.at, deps.clock.now());
    if (plan.action === 'drop') {
      // No datapoint: the slot's 10 s period is over, and a late one would land in the next slot's.
      logger.warn(`fast probe slot ${order.slot} dropped: ${plan.lateMs} ms late, its 10 s period is over`, {
        slot: order.slot,
        at: new Date(order.at).toISOString(),
        lateMs: plan.lateMs,
        monitors: order.monitors.map((m) => m.name),
      });
      return false;
    }
    if (plan.waitMs > 0) await deps.clock.sleep(plan.waitMs);
    const slot: ProbeSlot = { index: order.slot, startsAt: order.at };
    const settled = await Promise.allSettled(order.monitors.map((m) => probe(m, slot)));
    settled.forEach((outcome, i) => {
      if (outcome.status === 'rejected') crashed(order.monitors[i]?.name, outcome.reason);
    });
    return false;
  }

  async function checkOne(monitor: Monitor, t0: number): Promise<CheckResult> {
    if (isFastMonitor(monitor)) return probe(monitor, { index: 0, startsAt: t0 });
    // A failing standard HTTP check is probed again before it counts (./confirm.ts).
    const checked = await runConfirmed(monitor, () => runCheck(monitor, { resolveSecret, aws }), deps.clock);
    report(monitor, checked.result, undefined, checked);
    return checked.result;
  }

  /** One check of a monitor named by a verify step; a fast monitor makes one probe, recorded as a probe. */
  async function verify(name: string): Promise<VerifyResponse> {
    const monitor = (deps.verifyMonitors ?? bundledVerifyMonitors)().get(name);
    if (!monitor) throw new UnknownMonitorError(name);
    const result = await runCheck(monitor, { resolveSecret, aws });
    const fastProbe = monitor.kind === 'http' && monitor.fast;
    report(monitor, result, fastProbe ? { index: 0, startsAt: deps.clock.now() } : undefined);
    return verifyResponse(result);
  }

  async function canary(event: unknown): Promise<CanaryResponse> {
    // A malformed event is a deployment bug, not an endpoint failure: throw. Scheduler invokes us
    // asynchronously, so the failure lands in the canary's on-failure destination (the shared
    // dead-letter queue), and the monitors' alarms see missing data, which pages. A verify step
    // invokes synchronously and sees the error as a FunctionError.
    const verifying = parseVerifyEvent(event);
    if (verifying !== undefined) return verify(verifying);
    const records = parseSqsEvent(event);
    if (records !== undefined) return probeRecords(records);
    const t0 = deps.clock.now();
    const request = parseCanaryRequest(event);
    const members = request.shape === 'monitor' ? [request.monitor] : request.monitors;
    // Sent while slot 0 is probed: each message's delay is counted from the moment it is sent.
    const queued = queueLaterSlots(members, t0);
    let response: CanaryResponse;
    if (request.shape === 'monitor') response = await checkOne(request.monitor, t0);
    else {
      const settled = await Promise.allSettled(request.monitors.map((m) => checkOne(m, t0)));
      const results = settled.map((outcome, i) => {
        if (outcome.status === 'fulfilled') return outcome.value;
        const monitor = request.monitors[i]?.name;
        crashed(monitor, outcome.reason);
        return { monitor: String(monitor), ok: false as const, crashed: String(outcome.reason) };
      });
      response = { results };
    }
    const failed = await queued;
    if (failed.length > 0) throw new FastProbeSendError(failed);
    return response;
  }

  return middy(canary).use(requestIdKey());
}

/**
 * Adds the invocation's request id to every log line, and nothing else of the Lambda context:
 * Powertools' `injectLambdaContext` also adds the function's ARN, name, memory, cold start and
 * sampling rate to every line, about 270 of a passing check's 1,260 bytes, all of them the same for
 * every line of the function's own log group (and billed per byte, every check).
 */
function requestIdKey(): MiddlewareObj<unknown, unknown, Error, Context> {
  const clear = () => {
    logger.removeKeys([REQUEST_ID_KEY]);
  };
  return {
    before: (request) => {
      logger.appendKeys({ [REQUEST_ID_KEY]: request.context.awsRequestId });
    },
    after: clear,
    onError: clear,
  };
}

/** Powertools' own name for the request id, so log queries written for it keep working. */
const REQUEST_ID_KEY = 'function_request_id';

/** A fast-mode monitor: probed every 10 s, slot 0 by its schedule's invocation, the others from the queue. */
function isFastMonitor(monitor: Monitor): boolean {
  return monitor.kind === 'http' && monitor.fast;
}

/**
 * Checks never throw; a bug that does must not cost the group's other results. This monitor
 * reports nothing, and its alarm counts the missing datapoint as a failure.
 */
function crashed(monitor: string | undefined, reason: unknown): void {
  logger.error('check crashed', { monitor, error: reason as Error });
}

/** A check's metrics, flushed as their own EMF line at once (each monitor has its own dimensions), and its log line. */
function report(monitor: Monitor, result: CheckResult, slot?: ProbeSlot, checked?: ConfirmedCheck): void {
  recordResult(metrics, monitor, result, slot && { timestamp: slot.startsAt }, checked);
  metrics.publishStoredMetrics();
  logResult(logger, monitor, result, slot, checked);
}

/**
 * What an invocation returns: the check's result for `{ monitor }` (a fast monitor's: slot 0's),
 * every result for `{ monitors }`, the compact verdict for `{ verify }`, and for an SQS event the
 * records to receive again (malformed ones).
 */
export type CanaryResponse =
  | CheckResult
  | VerifyResponse
  | SqsBatchResponse
  | {
      readonly results: readonly (
        | CheckResult
        | { readonly monitor: string; readonly ok: false; readonly crashed: string }
      )[];
    };

export const handler = createCanaryHandler({ clock: realClock });
