/**
 * Fast mode's SQS message (docs/adr/0006-fast-mode.md): the scheduled invocation sends one per
 * later slot of the minute to the app's fast-probe queue, delayed to the slot's planned start, and
 * the queue's event source mapping delivers it back to the canary. The body carries the monitors in
 * the scheduler payload's input form and is parsed with the same monitor schema that validated the
 * config, so the three ends (config, schedule, message) cannot drift apart.
 *
 * Body: `{ "fastProbe": { "slot": k, "at": <planned start, epoch ms>, "monitors": [<inputs>] } }`.
 */
import * as z from 'zod/mini';
import {
  FAST_PROBES,
  MAX_MONITORS_PER_INVOCATION,
  type MonitorInput,
  monitorInputSchema,
} from './monitor-schema.ts';
import { type Monitor, resolveMonitor } from './resolve-monitor.ts';

/** A message's slot: 1 to 5 (slot 0 is probed by the scheduled invocation itself). */
export const fastProbeMessageSchema = z.strictObject({
  fastProbe: z.strictObject({
    slot: z.int().check(z.gte(1), z.lte(FAST_PROBES - 1)),
    /** The slot's planned start, epoch ms: the probe's datapoint is stamped with it. */
    at: z.int().check(z.gte(0)),
    monitors: z.array(monitorInputSchema).check(z.minLength(1), z.maxLength(MAX_MONITORS_PER_INVOCATION)),
  }),
});
export type FastProbeMessage = z.input<typeof fastProbeMessageSchema>;

/** A parsed message: its slot, planned start and resolved monitors. */
export interface FastProbeOrder {
  readonly slot: number;
  readonly at: number;
  readonly monitors: readonly Monitor[];
}

/** The body of slot `slot`'s message, for monitors already in their input form. */
export function toFastProbeMessage(slot: number, at: number, monitors: readonly MonitorInput[]): string {
  const message: FastProbeMessage = { fastProbe: { slot, at, monitors: [...monitors] } };
  return JSON.stringify(message);
}

/** Parses and resolves a message body; throws naming the bad field (or that it is not JSON). */
export function parseFastProbeMessage(body: string): FastProbeOrder {
  const { fastProbe } = fastProbeMessageSchema.parse(JSON.parse(body));
  return {
    slot: fastProbe.slot,
    at: fastProbe.at,
    monitors: fastProbe.monitors.map((m) => resolveMonitor(m)),
  };
}

/** SQS's largest message body (256 KiB) and largest SendMessageBatch request (the bodies' sum). */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * What a message body adds around the monitors' JSON, beyond the scheduler payload's own
 * `{"monitors":[]}`: the grouping keeps a fast group's monitors within
 * {@link SQS_MAX_MESSAGE_BYTES} minus this, so every slot's message fits.
 */
export const FAST_PROBE_MESSAGE_EXTRA_BYTES =
  toFastProbeMessage(FAST_PROBES - 1, 9_999_999_999_999, []).length - '{"monitors":[]}'.length;
