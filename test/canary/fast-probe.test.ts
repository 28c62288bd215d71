/**
 * Fast mode's pure pieces (docs/adr/0006-fast-mode.md): the slots of a minute, the delayed messages
 * that queue slots 1..5, how they are batched, and what a queued slot does when it arrives.
 */
import { describe, expect, it } from 'vitest';
import {
  batches,
  delaySeconds,
  FAST_MAX_EARLY_WAIT_MS,
  fastProbeQueueUrl,
  parseSqsEvent,
  plannedSlots,
  planRecord,
  slotEntries,
} from '../../lambdas/canary/fast-probe.ts';
import {
  FAST_PROBE_MESSAGE_EXTRA_BYTES,
  parseFastProbeMessage,
  toFastProbeMessage,
} from '../../lib/config/fast-probe-message.ts';
import { parseConfig, toMonitorInput } from '../../lib/config/index.ts';

const T0 = 1_700_000_000_000;

const config = parseConfig({
  project: 'x',
  monitors: [
    { kind: 'http', name: 'api', url: 'https://api.example.com/health', fast: true },
    { kind: 'http', name: 'web', service: 'web', url: 'https://example.com/', fast: true, timeoutMs: 3_000 },
  ],
});
const inputs = config.monitors.map(toMonitorInput);

describe('the slots of a fast minute', () => {
  it('plans slots 1 to 5 at 10, 20, 30, 40 and 50 s after the invocation start', () => {
    expect(plannedSlots(T0)).toEqual([
      { slot: 1, at: T0 + 10_000 },
      { slot: 2, at: T0 + 20_000 },
      { slot: 3, at: T0 + 30_000 },
      { slot: 4, at: T0 + 40_000 },
      { slot: 5, at: T0 + 50_000 },
    ]);
  });

  it('delays each message by the whole seconds to its slot, rounded up, never below 0', () => {
    expect(delaySeconds(T0 + 10_000, T0)).toBe(10);
    expect(delaySeconds(T0 + 10_000, T0 + 1)).toBe(10);
    expect(delaySeconds(T0 + 10_000, T0 + 999)).toBe(10);
    expect(delaySeconds(T0 + 10_000, T0 + 1_001)).toBe(9);
    expect(delaySeconds(T0 + 10_000, T0 + 12_000)).toBe(0);
  });

  it('builds one entry per later slot, body { fastProbe: { slot, at, monitors } }, delayed from the send', () => {
    const entries = slotEntries(T0, T0 + 250, inputs);
    expect(entries.map((e) => [e.Id, e.DelaySeconds])).toEqual([
      ['slot-1', 10],
      ['slot-2', 20],
      ['slot-3', 30],
      ['slot-4', 40],
      ['slot-5', 50],
    ]);
    expect(JSON.parse(entries[2]?.MessageBody ?? '')).toEqual({
      fastProbe: { slot: 3, at: T0 + 30_000, monitors: inputs },
    });
    // The body parses back, with the config's own schema, to the same monitors.
    expect(parseFastProbeMessage(entries[2]?.MessageBody ?? '')).toEqual({
      slot: 3,
      at: T0 + 30_000,
      monitors: config.monitors,
    });
  });

  it('sends the five in one SendMessageBatch, and splits only past 10 entries or 256 KiB of bodies', () => {
    expect(batches(slotEntries(T0, T0, inputs))).toHaveLength(1);
    const big = (id: string) => ({ Id: id, MessageBody: 'x'.repeat(100 * 1024) });
    expect(
      batches([big('a'), big('b'), big('c'), big('d'), big('e')]).map((b) => b.map((e) => e.Id)),
    ).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const small = Array.from({ length: 12 }, (_, i) => ({ Id: `m${i}`, MessageBody: '{}' }));
    expect(batches(small).map((b) => b.length)).toEqual([10, 2]);
  });

  it('counts what a message adds around the monitors, so a fast group is chunked to fit SQS', () => {
    const body = toFastProbeMessage(5, T0 + 50_000, inputs);
    const payload = JSON.stringify({ monitors: inputs });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(
      Buffer.byteLength(payload) + FAST_PROBE_MESSAGE_EXTRA_BYTES,
    );
  });
});

describe('a queued slot arriving', () => {
  it('is probed at once, stamped with its planned start, when it arrives on time or a little late', () => {
    expect(planRecord(T0, T0)).toEqual({ action: 'probe', waitMs: 0 });
    expect(planRecord(T0, T0 + 10_000)).toEqual({ action: 'probe', waitMs: 0 });
  });

  it('waits until its planned start when early (its delay was rounded down)', () => {
    expect(planRecord(T0, T0 - 730)).toEqual({ action: 'probe', waitMs: 730 });
  });

  it('waits at most two seconds however early: the clocks disagree, and the probe keeps its slot', () => {
    expect(planRecord(T0, T0 - 30_000)).toEqual({ action: 'probe', waitMs: FAST_MAX_EARLY_WAIT_MS });
  });

  it('is dropped when more than 10 s late: its period is over', () => {
    expect(planRecord(T0, T0 + 10_001)).toEqual({ action: 'drop', lateMs: 10_001 });
  });
});

describe('telling an SQS event from a schedule payload', () => {
  it('returns the records of an event source mapping event and nothing for the other payloads', () => {
    const records = [{ messageId: 'm-1', body: '{}', eventSource: 'aws:sqs', receiptHandle: 'r' }];
    expect(parseSqsEvent({ Records: records })).toEqual([
      { messageId: 'm-1', body: '{}', eventSource: 'aws:sqs' },
    ]);
    expect(parseSqsEvent({ monitors: inputs })).toBeUndefined();
    expect(parseSqsEvent({ Records: [{ eventSource: 'aws:s3' }] })).toBeUndefined();
    expect(parseSqsEvent(null)).toBeUndefined();
  });

  it('throws on an SQS event without a body, naming the field', () => {
    expect(() => parseSqsEvent({ Records: [{ messageId: 'm-1', eventSource: 'aws:sqs' }] })).toThrow(/body/);
  });

  it('names the variable when the queue URL is not set', () => {
    const before = process.env.VIGIL_FAST_PROBE_QUEUE_URL;
    delete process.env.VIGIL_FAST_PROBE_QUEUE_URL;
    try {
      expect(() => fastProbeQueueUrl()).toThrow(/VIGIL_FAST_PROBE_QUEUE_URL is not set/);
    } finally {
      if (before !== undefined) process.env.VIGIL_FAST_PROBE_QUEUE_URL = before;
    }
  });
});

describe('the message schema', () => {
  it('refuses slot 0 (the schedule probes it), a slot past 5, and no monitors, naming the field', () => {
    expect(() => parseFastProbeMessage(toFastProbeMessage(0, T0, inputs))).toThrow(/slot/);
    expect(() => parseFastProbeMessage(toFastProbeMessage(6, T0, inputs))).toThrow(/slot/);
    expect(() => parseFastProbeMessage(toFastProbeMessage(1, T0, []))).toThrow(/monitors/);
    expect(() =>
      parseFastProbeMessage('{"fastProbe":{"slot":1,"at":1,"monitors":[{"kind":"http"}]}}'),
    ).toThrow();
    expect(() => parseFastProbeMessage('not json')).toThrow();
  });
});
