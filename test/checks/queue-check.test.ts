import * as sqsSdk from '@aws-sdk/client-sqs';
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckDeps } from '../../lambdas/canary/checks/index.ts';
import { runQueueCheck } from '../../lambdas/canary/checks/queue-check.ts';
import type { CheckFailure, CheckResult, CheckSuccess } from '../../lambdas/canary/checks/result.ts';
import type { AwsClients } from '../../lambdas/shared/aws.ts';
import { type QueueMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type QueueMonitorInput, queueMonitorSchema } from '../../lib/config/schema.ts';
import { json, type RouteServer, startRouteServer } from '../support/route-server.ts';

let fauxqs: FauxqsServer;
let sqs: SQSClient;
/** Every SQS command the check sent: name and input. */
const sent: { command: string; input: Record<string, unknown> }[] = [];
const servers: RouteServer[] = [];

/** An SQS client aimed at `endpoint`, recording what it sends into `log`. */
function sqsClient(endpoint: string, log?: typeof sent): SQSClient {
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  if (log) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        log.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
  }
  return client;
}

/** The check's AWS clients: only SQS, and that aimed at `client`'s endpoint. */
function awsWith(client: SQSClient): AwsClients {
  const unused = () => Promise.reject(new Error('the queue check uses only SQS'));
  return {
    sqs: async () => ({ sdk: sqsSdk, client }),
    s3: unused,
    rds: unused,
    backup: unused,
    ssm: unused,
    secretsManager: unused,
    cloudwatch: unused,
    logs: unused,
    sns: unused,
  };
}

function deps(overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    resolveSecret: () => Promise.reject(new Error('this test uses no secrets')),
    aws: awsWith(sqs),
    ...overrides,
  };
}

/** A resolved queue monitor, validated by the real schema so tests cannot build what config cannot. */
function monitor(input: Omit<QueueMonitorInput, 'kind' | 'name'> & { name?: string }): QueueMonitor {
  return resolveMonitor(queueMonitorSchema.parse({ name: 'queue', kind: 'queue', ...input })) as QueueMonitor;
}

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

function success(result: CheckResult): CheckSuccess {
  if (!result.ok) throw new Error(`expected a pass, got ${result.reason}: ${result.detail}`);
  return result;
}

function createQueue(name: string): string {
  return fauxqs.createQueue(name).queueUrl;
}

/** Sends `count` messages in SendMessageBatch calls of 10, the SQS maximum. */
async function sendMessages(queueUrl: string, count: number): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
      Id: `m${i + j}`,
      MessageBody: JSON.stringify({ to: '+5511999990000', text: `message ${i + j}` }),
    }));
    batches.push(sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
  }
  await Promise.all(batches);
}

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  sqs = sqsClient(`http://127.0.0.1:${fauxqs.port}`, sent);
});

afterAll(async () => {
  sqs?.destroy();
  await Promise.all(servers.map((s) => s.close()));
  await fauxqs?.stop();
});

describe('runQueueCheck on SQS (fauxqs)', () => {
  it('passes an empty queue looked up by name, with one GetQueueAttributes of exactly three counts', async () => {
    const url = createQueue('orders-empty');
    sent.length = 0;
    const result = success(
      await runQueueCheck(monitor({ sqs: { queue: 'orders-empty' }, maxDepth: 1000 }), deps()),
    );
    expect(result).toMatchObject({ monitor: 'queue', kind: 'queue', attempts: 2 });
    expect(result.measurements).toEqual({ QueueDepth: 0, InFlight: 0, Delayed: 0 });
    expect(result.detail).toBe('orders-empty: 0 messages visible, 0 in flight, 0 delayed');
    expect(sent).toEqual([
      { command: 'GetQueueUrlCommand', input: { QueueName: 'orders-empty' } },
      {
        command: 'GetQueueAttributesCommand',
        input: {
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        },
      },
    ]);
  });

  it('uses a queue URL as is, without GetQueueUrl', async () => {
    const url = createQueue('orders-by-url');
    await sendMessages(url, 4);
    sent.length = 0;
    const result = success(await runQueueCheck(monitor({ sqs: { queue: url }, maxDepth: 10 }), deps()));
    expect(result.measurements).toEqual({ QueueDepth: 4, InFlight: 0, Delayed: 0 });
    expect(result.detail).toBe('orders-by-url: 4 messages visible, 0 in flight, 0 delayed');
    expect(sent.map((s) => s.command)).toEqual(['GetQueueAttributesCommand']);
    expect(sent[0]?.input.QueueUrl).toBe(url);
  });

  describe('with 1,001 messages', () => {
    let url: string;
    beforeAll(async () => {
      url = createQueue('whatsapp-backlog');
      await sendMessages(url, 1001);
    });

    it('fails over a 1,000 limit as queue_depth, saying how many and the limit', async () => {
      const f = failure(
        await runQueueCheck(monitor({ sqs: { queue: 'whatsapp-backlog' }, maxDepth: 1000 }), deps()),
      );
      expect(f.reason).toBe('queue_depth');
      expect(f.detail).toBe(
        'whatsapp-backlog: 1001 messages visible, over the 1000 limit (0 in flight, 0 delayed)',
      );
      expect(f.measurements).toEqual({ QueueDepth: 1001, InFlight: 0, Delayed: 0 });
    });

    it('passes at exactly the limit: only more than maxDepth fails', async () => {
      const result = success(
        await runQueueCheck(monitor({ sqs: { queue: 'whatsapp-backlog' }, maxDepth: 1001 }), deps()),
      );
      expect(result.measurements?.QueueDepth).toBe(1001);
    });

    it('passes over the warning level but says so in the detail (the warning alarm judges it)', async () => {
      const result = success(
        await runQueueCheck(monitor({ sqs: { queue: url }, warnDepth: 500, maxDepth: 5000 }), deps()),
      );
      expect(result.detail).toBe(
        'whatsapp-backlog: 1001 messages visible, 0 in flight, 0 delayed; over warning level 500',
      );
    });
  });

  it('counts received messages as InFlight and delayed ones as Delayed, not as QueueDepth', async () => {
    const url = createQueue('orders-in-flight');
    await sendMessages(url, 5);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 900 }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2, VisibilityTimeout: 300 }),
    );
    expect(received.Messages).toHaveLength(2);
    const result = success(await runQueueCheck(monitor({ sqs: { queue: url }, maxDepth: 3 }), deps()));
    expect(result.measurements).toEqual({ QueueDepth: 3, InFlight: 2, Delayed: 1 });
    expect(result.detail).toBe('orders-in-flight: 3 messages visible, 2 in flight, 1 delayed');
  });

  it('measures a non-empty dead-letter queue and names it, without failing the check', async () => {
    createQueue('orders-main');
    const dlqUrl = createQueue('orders-dlq');
    await sendMessages(dlqUrl, 3);
    sent.length = 0;
    const m = monitor({ sqs: { queue: 'orders-main', deadLetterQueue: 'orders-dlq' }, maxDepth: 100 });
    const result = success(await runQueueCheck(m, deps()));
    expect(result.measurements).toEqual({ QueueDepth: 0, InFlight: 0, Delayed: 0, DeadLetterDepth: 3 });
    expect(result.detail).toBe(
      'orders-main: 0 messages visible, 0 in flight, 0 delayed; 3 messages in dead-letter queue orders-dlq',
    );
    // Both queues are read: two lookups and two attribute reads.
    expect(sent.map((s) => s.command).sort()).toEqual([
      'GetQueueAttributesCommand',
      'GetQueueAttributesCommand',
      'GetQueueUrlCommand',
      'GetQueueUrlCommand',
    ]);

    // Someone polls the dead-letter queue in the console: the messages hide but are still there, so
    // DeadLetterDepth does not dip (a dip and a rise would read as new dead letters to DIFF > 0).
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 300 }),
    );
    const polled = success(await runQueueCheck(m, deps()));
    expect(polled.measurements?.DeadLetterDepth).toBe(3);
  });

  it('keeps the dead-letter note on a failing result too', async () => {
    const url = createQueue('orders-full');
    const dlqUrl = createQueue('orders-full-dlq');
    await sendMessages(url, 3);
    await sendMessages(dlqUrl, 1);
    const f = failure(
      await runQueueCheck(monitor({ sqs: { queue: url, deadLetterQueue: dlqUrl }, maxDepth: 2 }), deps()),
    );
    expect(f.reason).toBe('queue_depth');
    expect(f.detail).toBe(
      'orders-full: 3 messages visible, over the 2 limit (0 in flight, 0 delayed); 1 message in dead-letter queue orders-full-dlq',
    );
    expect(f.measurements).toEqual({ QueueDepth: 3, InFlight: 0, Delayed: 0, DeadLetterDepth: 1 });
  });

  it('sees a growing queue grow between two checks', async () => {
    const url = createQueue('orders-growing');
    const m = monitor({ sqs: { queue: 'orders-growing' }, maxDepth: 1000 });
    await sendMessages(url, 2);
    const first = success(await runQueueCheck(m, deps()));
    await sendMessages(url, 25);
    const second = success(await runQueueCheck(m, deps()));
    expect(first.measurements?.QueueDepth).toBe(2);
    expect(second.measurements?.QueueDepth).toBe(27);
  });

  it('fails a missing queue as not_found, naming it', async () => {
    const f = failure(
      await runQueueCheck(monitor({ sqs: { queue: 'orders-missing' }, maxDepth: 10 }), deps()),
    );
    expect(f).toMatchObject({ ok: false, kind: 'queue', monitor: 'queue' });
    expect(f.reason).toBe('not_found');
    expect(f.detail).toBe(
      "queue orders-missing does not exist in the canary's account and Region (AWS.SimpleQueueService.NonExistentQueue)",
    );
    expect(f.measurements).toBeUndefined();
  });

  it('fails a missing queue URL as not_found', async () => {
    const url = `http://sqs.us-east-1.127.0.0.1:${fauxqs.port}/000000000000/orders-gone`;
    const f = failure(await runQueueCheck(monitor({ sqs: { queue: url }, maxDepth: 10 }), deps()));
    expect(f.reason).toBe('not_found');
    expect(f.detail).toBe('queue orders-gone does not exist (AWS.SimpleQueueService.NonExistentQueue)');
  });

  it('fails when the dead-letter queue is missing: the monitor would be blind to failed messages', async () => {
    createQueue('orders-dlq-typo');
    const m = monitor({ sqs: { queue: 'orders-dlq-typo', deadLetterQueue: 'orders-dql' }, maxDepth: 10 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('not_found');
    expect(f.detail).toBe(
      "dead-letter queue orders-dql does not exist in the canary's account and Region (AWS.SimpleQueueService.NonExistentQueue)",
    );
  });
});

describe('runQueueCheck on SQS errors (a fake SQS on 127.0.0.1)', () => {
  async function fakeSqs(route: Parameters<typeof startRouteServer>[0]['*']): Promise<SQSClient> {
    const server = await startRouteServer({ '*': route });
    servers.push(server);
    return sqsClient(server.url(''));
  }
  const sqsError = (type: string, queryCode: string, message: string) =>
    json({ __type: type, message }, 400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${queryCode};Sender`,
    });
  const byUrl = monitor({
    sqs: { queue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders' },
    maxDepth: 10,
  });

  it('fails an IAM denial as access_denied, naming the permission', async () => {
    const client = await fakeSqs(
      sqsError(
        'com.amazon.coral.service#AccessDeniedException',
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/vigil-canary/fn is not authorized to perform: sqs:getqueueattributes',
      ),
    );
    const f = failure(await runQueueCheck(byUrl, deps({ aws: awsWith(client) })));
    expect(f.reason).toBe('access_denied');
    expect(f.detail).toBe(
      "access denied reading queue orders (AccessDenied: User: arn:aws:sts::123456789012:assumed-role/vigil-canary/fn is not authorized to perform: sqs:getqueueattributes); the canary's role needs sqs:GetQueueAttributes on it",
    );
  });

  it('fails any other SQS error as aws_error, naming its code', async () => {
    const client = await fakeSqs(
      sqsError('com.amazonaws.sqs#RequestThrottled', 'RequestThrottled', 'Rate exceeded'),
    );
    const f = failure(await runQueueCheck(byUrl, deps({ aws: awsWith(client) })));
    expect(f.reason).toBe('aws_error');
    expect(f.detail).toBe('reading queue orders failed: RequestThrottled: Rate exceeded');
  });

  it('fails as timeout when SQS does not answer within the deadline, and returns on time', async () => {
    const client = await fakeSqs(() => {
      // Never answers.
    });
    const started = performance.now();
    const f = failure(await runQueueCheck(byUrl, deps({ aws: awsWith(client) }), { deadlineMs: 300 }));
    expect(f.reason).toBe('timeout');
    expect(f.detail).toBe('no answer from SQS within 300 ms reading queue orders');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('ends on time even when the SDK never looks at the abort signal', async () => {
    const stuck = { ...awsWith(sqs), sqs: () => new Promise<never>(() => {}) };
    const m = monitor({
      sqs: {
        queue: 'orders',
        deadLetterQueue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq',
      },
      maxDepth: 10,
    });
    const f = failure(await runQueueCheck(m, deps({ aws: stuck }), { deadlineMs: 200 }));
    expect(f.reason).toBe('timeout');
    expect(f.detail).toBe(
      'no answer from SQS within 200 ms reading queue orders and dead-letter queue orders-dlq',
    );
  });

  it('fails as aws_error when the SQS client cannot be loaded', async () => {
    const aws = {
      ...awsWith(sqs),
      sqs: () => Promise.reject(new Error('Cannot find module @aws-sdk/client-sqs')),
    };
    const f = failure(await runQueueCheck(byUrl, deps({ aws })));
    expect(f.reason).toBe('aws_error');
    expect(f.detail).toBe('the SQS client could not be loaded: Cannot find module @aws-sdk/client-sqs');
  });
});

describe('runQueueCheck on a JSON endpoint (a real server on 127.0.0.1)', () => {
  let srv: RouteServer;
  // The clock of the ISO-timestamp tests: 15 min 30 s after the oldest message was queued.
  const NOW = Date.UTC(2026, 10, 24, 1, 15, 30);

  beforeAll(async () => {
    srv = await startRouteServer({
      '/outbox': json({ status: 'ok', outbox: { pending: 12 }, oldestSeconds: 45 }),
      // madef `GET /api/whatsapp/queue`: the runbook counts `.data | length`.
      '/api/whatsapp/queue': json({
        data: [
          { id: 1, to: '+5511999990001', createdAt: '2026-11-24T01:00:00Z' },
          { id: 2, to: '+5511999990002', createdAt: '2026-11-24T01:05:00Z' },
          { id: 3, to: '+5511999990003', createdAt: '2026-11-24T01:10:00Z' },
        ],
        oldest: '2026-11-24T01:00:00Z',
      }),
      '/empty': json({ data: [], oldest: null }),
      '/html': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Sign in</body></html>');
      },
      '/down': json({ error: 'Service Unavailable' }, 503),
      '/private': (req, res) => {
        const authorized = req.headers.authorization === 'Bearer s3cr3t';
        json(authorized ? { depth: 7 } : { error: 'unauthorized' }, authorized ? 200 : 401)(req, res);
      },
    });
    servers.push(srv);
  });

  type EndpointInput = NonNullable<QueueMonitorInput['endpoint']>;
  const endpoint = (path: string, rest: Omit<EndpointInput, 'url'>): EndpointInput => ({
    url: srv.url(path),
    ...rest,
  });

  it('reads a number at depthPath', async () => {
    const m = monitor({ endpoint: endpoint('/outbox', { depthPath: 'outbox.pending' }), maxDepth: 100 });
    const result = success(await runQueueCheck(m, deps()));
    expect(result).toMatchObject({ kind: 'queue', monitor: 'queue', statusCode: 200, attempts: 1 });
    expect(result.measurements).toEqual({ QueueDepth: 12 });
    expect(result.detail).toBe('12 messages queued at outbox.pending');
  });

  it("counts an array's length (madef's outbox) and fails over maxDepth as queue_depth", async () => {
    const m = monitor({ endpoint: endpoint('/api/whatsapp/queue', { depthPath: 'data' }), maxDepth: 2 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('queue_depth');
    expect(f.detail).toBe('3 messages listed at data, over the 2 limit');
    expect(f.measurements).toEqual({ QueueDepth: 3 });
    expect(f.statusCode).toBe(200);
  });

  it('reads the oldest age in seconds and fails it over the limit as queue_age', async () => {
    const m = monitor({
      endpoint: endpoint('/outbox', { depthPath: 'outbox.pending', oldestAgePath: 'oldestSeconds' }),
      maxDepth: 100,
      maxOldestMessageAgeSeconds: 30,
    });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('queue_age');
    expect(f.detail).toBe(
      'oldest message 45 s old, over the 30 s limit (12 messages queued at outbox.pending)',
    );
    expect(f.measurements).toEqual({ QueueDepth: 12, OldestMessageAgeSeconds: 45 });
  });

  it('reads the oldest message as an ISO time, aged against the injected clock', async () => {
    const at = (max: number) =>
      monitor({
        endpoint: endpoint('/api/whatsapp/queue', { depthPath: 'data', oldestAgePath: 'oldest' }),
        maxOldestMessageAgeSeconds: max,
      });
    const clock = { now: () => NOW };
    const f = failure(await runQueueCheck(at(600), deps(clock)));
    expect(f.reason).toBe('queue_age');
    expect(f.detail).toBe(
      'oldest message 930 s (15.5 min) old, over the 600 s limit (3 messages listed at data)',
    );
    expect(f.measurements).toEqual({ QueueDepth: 3, OldestMessageAgeSeconds: 930 });
    expect(f.checkedAt).toBe('2026-11-24T01:15:30.000Z');

    const pass = success(await runQueueCheck(at(3600), deps(clock)));
    expect(pass.detail).toBe('3 messages listed at data, oldest 930 s (15.5 min) old');
    expect(pass.measurements).toEqual({ QueueDepth: 3, OldestMessageAgeSeconds: 930 });
  });

  it('reads a null oldest message (nothing waiting) as age 0', async () => {
    const m = monitor({
      endpoint: endpoint('/empty', { depthPath: 'data', oldestAgePath: 'oldest' }),
      maxOldestMessageAgeSeconds: 60,
    });
    const result = success(await runQueueCheck(m, deps({ now: () => NOW })));
    expect(result.measurements).toEqual({ QueueDepth: 0, OldestMessageAgeSeconds: 0 });
    expect(result.detail).toBe('0 messages listed at data, oldest 0 s old');
  });

  it('fails a depthPath that is not in the body as bad_json, listing what is there', async () => {
    const m = monitor({ endpoint: endpoint('/outbox', { depthPath: 'outbox.waiting' }), maxDepth: 100 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe(
      'depthPath outbox.waiting leads nowhere: outbox has no key "waiting" (its keys: pending)',
    );
    expect(f.measurements).toBeUndefined();
  });

  it('fails a depthPath holding neither a number nor an array as bad_json, saying what it holds', async () => {
    const m = monitor({ endpoint: endpoint('/outbox', { depthPath: 'status' }), maxDepth: 100 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe(
      'depthPath status is the string "ok"; expected a count (a number ≥ 0) or an array of the messages',
    );
  });

  it('fails an oldestAgePath that is not a time as bad_json, keeping the depth it read', async () => {
    const m = monitor({
      endpoint: endpoint('/outbox', { depthPath: 'outbox.pending', oldestAgePath: 'status' }),
      maxOldestMessageAgeSeconds: 60,
    });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe(
      'oldestAgePath status is the string "ok"; expected the age in seconds or an ISO 8601 time like "2026-11-24T01:00:00Z"',
    );
    expect(f.measurements).toEqual({ QueueDepth: 12 });
  });

  it('fails an HTML answer (a login page) as bad_json', async () => {
    const m = monitor({ endpoint: endpoint('/html', { depthPath: 'data' }), maxDepth: 100 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe('body is not JSON (text/html, starts "<!DOCTYPE html><html><body>Sign in</body")');
    expect(f.statusCode).toBe(200);
  });

  it('fails a 503 as http_status, through the HTTP engine', async () => {
    const m = monitor({ endpoint: endpoint('/down', { depthPath: 'data' }), maxDepth: 100 });
    const f = failure(await runQueueCheck(m, deps()));
    expect(f).toMatchObject({ reason: 'http_status', statusCode: 503, kind: 'queue' });
    expect(f.detail).toBe('HTTP 503 Service Unavailable, expected 2xx');
  });

  it('sends header secrets resolved at run time', async () => {
    const m = monitor({
      endpoint: endpoint('/private', {
        depthPath: 'depth',
        headers: { authorization: { secretsManager: 'vigil/outbox-token', prefix: 'Bearer ' } },
      }),
      maxDepth: 100,
    });
    const asked: unknown[] = [];
    const resolveSecret = async (ref: unknown) => {
      asked.push(ref);
      return 's3cr3t';
    };
    const result = success(await runQueueCheck(m, deps({ resolveSecret })));
    expect(result.measurements).toEqual({ QueueDepth: 7 });
    expect(asked).toEqual([{ secretsManager: 'vigil/outbox-token', prefix: 'Bearer ' }]);
  });
});
