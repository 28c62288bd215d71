/**
 * Fast mode through the middy handler (docs/adr/0006-fast-mode.md): the scheduled invocation probes
 * slot 0 and queues slots 1..5 on fauxqs, and the SQS events the event source mapping builds from
 * those messages probe at their slots' starts. Real HTTP servers on 127.0.0.1 answer the probes; the
 * clock is fake, so every stamp and delay is exact.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as sqsSdk from '@aws-sdk/client-sqs';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProbeClock } from '../../lambdas/canary/fast-probe.ts';
import { createCanaryHandler, FastProbeSendError } from '../../lambdas/canary/handler.ts';
import { parseConfig, toCanaryEvent, toGroupEvent } from '../../lib/config/index.ts';
import { captureJsonLines } from '../support/emf.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { json, type RouteServer, startRouteServer } from '../support/route-server.ts';

const T0 = 1_700_000_000_000;

let fauxqs: FauxqsServer;
let client: SQSClient;
let endpoints: RouteServer;
/** Every SQS command the canary sent: name and input. */
const sent: { command: string; input: Record<string, unknown> }[] = [];

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  client = new SQSClient({
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  endpoints = await startRouteServer({
    '/up': json({ status: 'healthy' }),
    '/down': json({ status: 'unhealthy' }, 503),
  });
});

afterAll(async () => {
  client?.destroy();
  await endpoints?.close();
  await fauxqs?.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
  sent.length = 0;
  endpoints.requests.length = 0;
});

/** A clock that stands still until slept: `sleep` moves it forward by exactly what was asked. */

const context = {
  functionName: 'vigil-canary',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 20_000,
} as unknown as Context;

const config = parseConfig({
  project: 'test',
  monitors: [
    { name: 'api', service: 'api', kind: 'http', url: 'http://127.0.0.1:1/up', fast: true },
    { name: 'web', service: 'web', kind: 'http', url: 'http://127.0.0.1:1/down', fast: true },
  ],
});
/** The config's monitors aimed at the test server. */
function monitors() {
  return config.monitors.map((m) =>
    m.kind === 'http' ? { ...m, url: endpoints.url(new URL(m.url).pathname) } : m,
  );
}

function canaryWith(clock: ProbeClock, queueUrl: string) {
  return createCanaryHandler({
    clock,
    sqs: async () => ({ sdk: sqsSdk, client }),
    fastProbeQueueUrl: () => queueUrl,
  });
}

/** Runs the handler; returns what it returned (or threw) and every JSON line it printed. */
async function invoke(run: ReturnType<typeof createCanaryHandler>, payload: unknown) {
  const capture = captureJsonLines();
  let result: unknown;
  let error: unknown;
  try {
    result = await run(payload, context);
  } catch (e) {
    error = e;
  }
  const lines = capture.stop();
  type Emf = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: unknown[] } };
  const emf = lines.filter((l) => '_aws' in l) as Emf[];
  const logs = lines.filter((l) => !('_aws' in l));
  return { result, error, emf, logs };
}

/** An SQS event as Lambda's event source mapping builds it from messages with these bodies. */
function sqsEvent(bodies: readonly string[], queueArn = 'arn:aws:sqs:eu-west-1:123456789012:fast') {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: `AQEB${randomUUID()}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(T0),
        SenderId: 'AROAEXAMPLE:vigil-canary',
        ApproximateFirstReceiveTimestamp: String(T0 + 10_000),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-west-1',
    })),
  };
}

/** The bodies the scheduled invocation sent, slot by slot. */
function sentBodies(): string[] {
  const batch = sent.find((s) => s.command === 'SendMessageBatchCommand');
  return ((batch?.input.Entries ?? []) as { MessageBody: string }[]).map((e) => e.MessageBody);
}

describe('fast mode, the scheduled invocation', () => {
  it('probes slot 0 at once, stamped with its start, and queues slots 1..5 in one request, delayed 10..50 s', async () => {
    const queueUrl = fauxqs.createQueue('fast-probes-1').queueUrl;
    const clock = fakeClock(T0);
    const event = JSON.parse(JSON.stringify(toGroupEvent(monitors())));
    const { result, error, emf } = await invoke(canaryWith(clock, queueUrl), event);
    expect(error).toBeUndefined();

    expect(sent.map((s) => s.command)).toEqual(['SendMessageBatchCommand']);
    const entries = sent[0]?.input.Entries as { Id: string; DelaySeconds: number; MessageBody: string }[];
    expect(sent[0]?.input.QueueUrl).toBe(queueUrl);
    expect(entries.map((e) => [e.Id, e.DelaySeconds])).toEqual([
      ['slot-1', 10],
      ['slot-2', 20],
      ['slot-3', 30],
      ['slot-4', 40],
      ['slot-5', 50],
    ]);
    expect(entries.map((e) => JSON.parse(e.MessageBody).fastProbe.at - T0)).toEqual([
      10_000, 20_000, 30_000, 40_000, 50_000,
    ]);
    expect(JSON.parse(entries[0]?.MessageBody ?? '').fastProbe.monitors).toEqual(event.monitors);

    // fauxqs holds all five, delayed.
    const attributes = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessagesDelayed).toBe('5');

    // Slot 0: one probe per monitor, one high-resolution line each, stamped at the invocation's start.
    expect(endpoints.requests.map((r) => r.path).sort()).toEqual(['/down', '/up']);
    expect(emf.map((l) => [l.Monitor, l.Success, l._aws.Timestamp])).toEqual(
      expect.arrayContaining([
        ['api', 1, T0],
        ['web', 0, T0],
      ]),
    );
    expect(emf).toHaveLength(2);
    expect(result).toEqual({
      results: [
        expect.objectContaining({ monitor: 'api', ok: true }),
        expect.objectContaining({ monitor: 'web', ok: false }),
      ],
    });
    // Nothing waits: the invocation ends as soon as slot 0 and the send are done.
    expect(clock.slept).toEqual([]);
  });

  it('delays by whole seconds from the moment of sending, rounded up (10, 20 ... when 0.2 s has passed: never early, so nothing sleeps)', async () => {
    const queueUrl = fauxqs.createQueue('fast-probes-2').queueUrl;
    const clock = fakeClock(T0);
    // Each reading of the clock is 200 ms after the last.
    const ticking = {
      now: () => {
        const now = clock.time;
        clock.time += 200;
        return now;
      },
      sleep: clock.sleep,
    };
    const run = canaryWith(ticking, queueUrl);
    const [own] = monitors();
    if (!own) throw new Error('no monitor');
    await invoke(run, JSON.parse(JSON.stringify(toCanaryEvent(own))));
    const entries = sent[0]?.input.Entries as { DelaySeconds: number; MessageBody: string }[];
    // t0 was read first; the delays were computed 200 ms later.
    expect(entries.map((e) => e.DelaySeconds)).toEqual([10, 20, 30, 40, 50]);
    expect(entries.map((e) => JSON.parse(e.MessageBody).fastProbe.at - T0)).toEqual([
      10_000, 20_000, 30_000, 40_000, 50_000,
    ]);
  });

  it('sends nothing for standard monitors', async () => {
    const standard = parseConfig({
      project: 'test',
      monitors: [{ name: 'slow', kind: 'http', url: endpoints.url('/up') }],
    }).monitors;
    await invoke(canaryWith(fakeClock(T0), 'unused'), JSON.parse(JSON.stringify(toGroupEvent(standard))));
    expect(sent).toEqual([]);
  });

  it('records slot 0, then throws naming the slots it could not queue, so the canary-errors watcher pages', async () => {
    const missing = `http://127.0.0.1:${fauxqs.port}/123456789012/no-such-queue`;
    const { error, emf } = await invoke(
      canaryWith(fakeClock(T0), missing),
      JSON.parse(JSON.stringify(toGroupEvent(monitors()))),
    );
    expect(emf).toHaveLength(2);
    expect(error).toBeInstanceOf(FastProbeSendError);
    expect((error as FastProbeSendError).failed.map((f) => f.slot)).toEqual([1, 2, 3, 4, 5]);
    expect((error as Error).message).toMatch(
      /^fast mode could not queue slot\(s\) 1, 2, 3, 4, 5 of this minute: /,
    );
  });
});

describe('fast mode, a queued slot (SQS event)', () => {
  async function queuedBodies(): Promise<string[]> {
    const queueUrl = fauxqs.createQueue(`fast-probes-${randomUUID().slice(0, 8)}`).queueUrl;
    await invoke(canaryWith(fakeClock(T0), queueUrl), JSON.parse(JSON.stringify(toGroupEvent(monitors()))));
    const bodies = sentBodies();
    sent.length = 0;
    endpoints.requests.length = 0;
    return bodies;
  }

  it('probes every monitor of the record at once and stamps each datapoint with the slot start', async () => {
    const bodies = await queuedBodies();
    const clock = fakeClock(T0 + 20_000 + 150);
    const { result, emf, logs } = await invoke(canaryWith(clock, 'unused'), sqsEvent([bodies[1] ?? '']));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(endpoints.requests.map((r) => r.path).sort()).toEqual(['/down', '/up']);
    expect(emf.map((l) => [l.Monitor, l.Success, l._aws.Timestamp])).toEqual(
      expect.arrayContaining([
        ['api', 1, T0 + 20_000],
        ['web', 0, T0 + 20_000],
      ]),
    );
    for (const line of emf) {
      expect(line._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'Vigil',
          Dimensions: [['Monitor']],
          Metrics: [
            { Name: 'Success', Unit: 'Count', StorageResolution: 1 },
            { Name: 'LatencyMs', Unit: 'Milliseconds', StorageResolution: 1 },
          ],
        },
      ]);
    }
    // Probe 3 of the minute (slot 2), numbered as the old loop numbered them.
    expect(logs.filter((l) => l.probe !== undefined).map((l) => [l.monitor, l.probe])).toEqual(
      expect.arrayContaining([
        ['api', 3],
        ['web', 3],
      ]),
    );
    expect(clock.slept).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('sleeps until the slot start when the record is early, then probes', async () => {
    const bodies = await queuedBodies();
    const clock = fakeClock(T0 + 10_000 - 700);
    const { emf } = await invoke(canaryWith(clock, 'unused'), sqsEvent([bodies[0] ?? '']));
    expect(clock.slept).toEqual([700]);
    expect(emf.map((l) => l._aws.Timestamp)).toEqual([T0 + 10_000, T0 + 10_000]);
  });

  it('drops a stale record with a warning and no datapoint: its 10 s period is over', async () => {
    const bodies = await queuedBodies();
    const clock = fakeClock(T0 + 30_000 + 10_500);
    const { result, emf, logs } = await invoke(canaryWith(clock, 'unused'), sqsEvent([bodies[2] ?? '']));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(emf).toEqual([]);
    expect(endpoints.requests).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'fast probe slot 3 dropped: 10500 ms late, its 10 s period is over',
        slot: 3,
        lateMs: 10_500,
        monitors: ['api', 'web'],
      }),
    );
  });

  it('probes each record of a batch, and hands back only a malformed one to be received again', async () => {
    const bodies = await queuedBodies();
    const clock = fakeClock(T0 + 40_000);
    const event = sqsEvent([bodies[3] ?? '', '{"fastProbe":{"slot":9}}']);
    const { result, emf, logs } = await invoke(canaryWith(clock, 'unused'), event);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] });
    expect(emf).toHaveLength(2);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'fast probe message is malformed' }),
    );
  });

  it('rejects an SQS event whose record has no body, as a deployment bug', async () => {
    const { error } = await invoke(canaryWith(fakeClock(T0), 'unused'), {
      Records: [{ messageId: 'm', eventSource: 'aws:sqs' }],
    });
    expect(String(error)).toMatch(/body/);
  });
});

describe('fast mode without its queue', () => {
  it('records slot 0 and throws naming VIGIL_FAST_PROBE_QUEUE_URL when the stack did not set it', async () => {
    const before = process.env.VIGIL_FAST_PROBE_QUEUE_URL;
    delete process.env.VIGIL_FAST_PROBE_QUEUE_URL;
    try {
      const run = createCanaryHandler({ clock: fakeClock(T0), sqs: async () => ({ sdk: sqsSdk, client }) });
      const { error, emf } = await invoke(run, JSON.parse(JSON.stringify(toGroupEvent(monitors()))));
      expect(emf).toHaveLength(2);
      expect(error).toBeInstanceOf(FastProbeSendError);
      expect((error as Error).message).toMatch(/VIGIL_FAST_PROBE_QUEUE_URL is not set/);
      expect(sent).toEqual([]);
    } finally {
      if (before !== undefined) process.env.VIGIL_FAST_PROBE_QUEUE_URL = before;
    }
  });
});
