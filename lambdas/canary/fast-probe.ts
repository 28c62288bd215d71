/**
 * Fast mode without waiting (docs/adr/0006-fast-mode.md). EventBridge Scheduler invokes the canary
 * once a minute; that invocation probes slot 0 of its fast monitors at once and sends one SQS
 * message per later slot k = 1..5, delayed to the slot's planned start `t0 + 10 s x k`. The queue's
 * event source mapping hands each message back to the canary, which probes every monitor in it and
 * stamps each datapoint with the slot's planned start, so each slot owns one 10 s alarm period.
 * Lambda time per probe is the probe itself, not the wait for the next slot.
 *
 * Pure apart from the SQS client and clock it is given: slot planning, message building, batching
 * and the per-record plan are plain functions, so tests run them on a fake clock.
 */
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { SQS_MAX_MESSAGE_BYTES, toFastProbeMessage } from '../../lib/config/fast-probe-message.ts';
import {
  FAST_PROBE_INTERVAL_MS,
  FAST_PROBE_SEND_DEADLINE_MS,
  FAST_PROBES,
  type MonitorInput,
} from '../../lib/config/monitor-schema.ts';
import type { Loaded } from '../shared/aws.ts';

/** Time as fast mode sees it. */
export interface ProbeClock {
  /** Epoch ms. */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
}

/** One probe's place in the minute: the slot and its planned start. */
export interface ProbeSlot {
  /** 0 for the scheduled invocation's own probe, 1 to 5 for the queued ones. */
  readonly index: number;
  /** Epoch ms the slot is planned to start: the probe's EMF timestamp. */
  readonly startsAt: number;
}

/** A later slot of the minute, as a message will carry it. */
export interface PlannedSlot {
  /** 1 to {@link FAST_PROBES} - 1. */
  readonly slot: number;
  /** Planned start, epoch ms: `t0 + slot x 10 s`. */
  readonly at: number;
}

/** The slots 1..5 after an invocation that started at `t0` (slot 0 is probed by that invocation). */
export function plannedSlots(t0: number): PlannedSlot[] {
  return Array.from({ length: FAST_PROBES - 1 }, (_, i) => ({
    slot: i + 1,
    at: t0 + (i + 1) * FAST_PROBE_INTERVAL_MS,
  }));
}

/** SQS's longest message delay. */
const SQS_MAX_DELAY_SECONDS = 900;
/** SQS's most entries in one SendMessageBatch. */
export const SQS_MAX_BATCH_ENTRIES = 10;

/**
 * Whole seconds from `now` to `at`, rounded up: the message becomes visible at most a second after
 * its slot's planned start, whose period it still owns (its datapoint is stamped with `at`), so the
 * record handler rarely waits ({@link planRecord}) and no Lambda is billed for sleeping; 0 when `at`
 * has passed.
 */
export function delaySeconds(at: number, now: number): number {
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at - now) / 1000)));
}

/**
 * One SendMessageBatch entry per later slot of the minute that started at `t0`, each delayed from
 * `now` (the moment of sending) to its slot's planned start.
 */
export function slotEntries(
  t0: number,
  now: number,
  monitors: readonly MonitorInput[],
): SendMessageBatchRequestEntry[] {
  return plannedSlots(t0).map(({ slot, at }) => ({
    Id: `slot-${slot}`,
    MessageBody: toFastProbeMessage(slot, at, monitors),
    DelaySeconds: delaySeconds(at, now),
  }));
}

/**
 * `entries` in as few SendMessageBatch requests as SQS allows: at most 10 entries, and bodies adding
 * up to at most 256 KiB, each. Five slots of a group within the scheduler payload's size are one.
 */
export function batches<E extends { readonly MessageBody?: string | undefined }>(
  entries: readonly E[],
  maxBytes: number = SQS_MAX_MESSAGE_BYTES,
): E[][] {
  const out: E[][] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
    if (current.length > 0 && (current.length >= SQS_MAX_BATCH_ENTRIES || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** What sending the minute's messages did. */
export interface FastProbeSend {
  /** Slots whose message SQS accepted, with the delay asked for. */
  readonly sent: readonly { readonly slot: number; readonly delaySeconds: number }[];
  /** Slots SQS refused or that a failed request carried, with why. */
  readonly failed: readonly { readonly slot: number; readonly error: string }[];
}

/**
 * Sends the messages of slots 1..5 for `monitors` (the minute started at `t0`) to `queueUrl`. The
 * delays are computed after the client is loaded, just before each request, so a cold start's SDK
 * load does not make a slot late. Never throws: every refused or unsent slot is in `failed`.
 */
export async function sendFastProbes(
  sqs: () => Promise<Loaded<typeof import('@aws-sdk/client-sqs'), import('@aws-sdk/client-sqs').SQSClient>>,
  queueUrl: string,
  t0: number,
  monitors: readonly MonitorInput[],
  clock: Pick<ProbeClock, 'now'>,
): Promise<FastProbeSend> {
  const sent: { slot: number; delaySeconds: number }[] = [];
  const failed: { slot: number; error: string }[] = [];
  const slotOf = (id: string | undefined) => Number(String(id).replace('slot-', ''));
  let loaded: Awaited<ReturnType<typeof sqs>>;
  try {
    loaded = await sqs();
  } catch (error) {
    return { sent, failed: plannedSlots(t0).map(({ slot }) => ({ slot, error: String(error) })) };
  }
  const signal = AbortSignal.timeout(FAST_PROBE_SEND_DEADLINE_MS);
  for (const batch of batches(slotEntries(t0, clock.now(), monitors))) {
    try {
      const answer = await loaded.client.send(
        new loaded.sdk.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch }),
        { abortSignal: signal },
      );
      const refused = new Map((answer.Failed ?? []).map((f) => [f.Id, `${f.Code}: ${f.Message ?? ''}`]));
      for (const entry of batch) {
        const error = refused.get(entry.Id);
        if (error !== undefined) failed.push({ slot: slotOf(entry.Id), error });
        else sent.push({ slot: slotOf(entry.Id), delaySeconds: entry.DelaySeconds ?? 0 });
      }
    } catch (error) {
      for (const entry of batch) failed.push({ slot: slotOf(entry.Id), error: String(error) });
    }
  }
  return { sent, failed };
}

/** A queued slot more than this late is dropped: its 10 s period is over. */
export const FAST_STALE_AFTER_MS = FAST_PROBE_INTERVAL_MS;
/**
 * The longest an early record waits for its slot. A message is never early by its delay (rounded
 * up), only if the sender's and the receiver's clocks disagree; past this, the probe runs at once,
 * still stamped with `at`.
 */
export const FAST_MAX_EARLY_WAIT_MS = 2_000;

/** What to do with a queued slot at `now`: drop it, or probe after `waitMs`. */
export type RecordPlan =
  | { readonly action: 'drop'; readonly lateMs: number }
  | { readonly action: 'probe'; readonly waitMs: number };

/** Drops a slot more than {@link FAST_STALE_AFTER_MS} late; otherwise waits until `at` (at most {@link FAST_MAX_EARLY_WAIT_MS}). */
export function planRecord(at: number, now: number): RecordPlan {
  if (now - at > FAST_STALE_AFTER_MS) return { action: 'drop', lateMs: now - at };
  return { action: 'probe', waitMs: Math.min(Math.max(at - now, 0), FAST_MAX_EARLY_WAIT_MS) };
}

/**
 * The SQS event Lambda's event source mapping builds (the fields the canary reads; Lambda sends
 * more). Told apart from a schedule's payload by `Records[].eventSource === 'aws:sqs'`.
 */
export const sqsEventSchema = z.object({
  Records: z
    .array(z.object({ messageId: z.string(), body: z.string(), eventSource: z.literal('aws:sqs') }))
    .check(z.minLength(1)),
});
export type SqsEvent = z.output<typeof sqsEventSchema>;

/** The records of an SQS event, or `undefined` for any other event; throws on a malformed SQS event. */
export function parseSqsEvent(event: unknown): SqsEvent['Records'] | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return undefined;
  if (!records.some((r) => (r as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs'))
    return undefined;
  return sqsEventSchema.parse(event).Records;
}

/** The answer to the event source mapping (`ReportBatchItemFailures`): the records to receive again. */
export interface SqsBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/** The fast-probe queue's URL from `VIGIL_FAST_PROBE_QUEUE_URL`; throws naming it when unset. */
export function fastProbeQueueUrl(): string {
  const url = process.env.VIGIL_FAST_PROBE_QUEUE_URL;
  if (!url) {
    throw new Error(
      'VIGIL_FAST_PROBE_QUEUE_URL is not set; the stack sets it on the canary when a monitor has fast: true (lib/constructs/fast-probe-queue.ts)',
    );
  }
  return url;
}
