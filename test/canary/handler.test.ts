/**
 * The canary handler through middy, against a real HTTP server on 127.0.0.1: what it publishes is
 * read back from the EMF lines it prints, exactly as CloudWatch Logs would receive them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambdas/canary/handler.ts';
import { parseConfig, toCanaryEvent } from '../../lib/config/index.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'healthy',
          checks: { database: { status: 'ok', latency: 12 }, redis: { status: 'ok', latencyMs: 3 } },
        }),
      );
    } else if (req.url === '/api/health-db-down') {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'unhealthy',
          checks: { database: { status: 'error', latency: 5001 }, redis: { status: 'ok', latencyMs: 3 } },
        }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => vi.restoreAllMocks());

const context = {
  functionName: 'vigil-canary',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:vigil-canary',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function event(over: Record<string, unknown>) {
  const config = parseConfig({
    project: 'test',
    monitors: [{ name: 'madef-api-health', kind: 'http', ...over }],
  });
  const monitor = config.monitors[0];
  if (!monitor) throw new Error('no monitor');
  // As the schedule delivers it: JSON, not the object CDK held.
  return JSON.parse(JSON.stringify(toCanaryEvent(monitor)));
}

/** Runs the handler and returns what it returned plus every JSON line it printed. */
async function invoke(payload: unknown) {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  };
  // EMF and INFO logs go to stdout, WARN and ERROR logs to stderr.
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const result = await handler(payload, context);
  vi.restoreAllMocks();
  const emf = lines.filter((l) => '_aws' in l);
  const logs = lines.filter((l) => !('_aws' in l));
  return { result, emf, logs };
}

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};
const definitions = (line: Record<string, unknown>) => (line as unknown as Emf)._aws.CloudWatchMetrics[0];

describe('canary handler', () => {
  it('publishes Success 1 and LatencyMs under exactly the Monitor dimension the alarm watches', async () => {
    const { result, emf, logs } = await invoke(
      event({ url: `${base}/api/health`, assertions: [{ path: 'checks.database.status', equals: 'ok' }] }),
    );
    expect(result).toMatchObject({ ok: true, monitor: 'madef-api-health', statusCode: 200 });
    expect(emf).toHaveLength(1);
    const [line] = emf;
    if (!line) throw new Error('no EMF');
    expect(definitions(line)).toEqual({
      Namespace: 'Vigil',
      Dimensions: [['Monitor']],
      Metrics: [
        { Name: 'Success', Unit: 'Count' },
        { Name: 'LatencyMs', Unit: 'Milliseconds' },
      ],
    });
    expect(line).toMatchObject({ Monitor: 'madef-api-health', Success: 1, reason: 'ok' });
    expect(line.LatencyMs).toEqual(expect.any(Number));
    // One structured log line with the whole result.
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'check passed',
        monitor: 'madef-api-health',
        result: expect.objectContaining({ ok: true }),
      }),
    );
  });

  it('publishes Success 0 and logs the reason and the components when the database is down', async () => {
    const { result, emf, logs } = await invoke(event({ url: `${base}/api/health-db-down` }));
    expect(result).toMatchObject({ ok: false, reason: 'http_status', statusCode: 503 });
    expect(emf[0]).toMatchObject({ Monitor: 'madef-api-health', Success: 0, reason: 'http_status' });
    const warn = logs.find((l) => l.level === 'WARN');
    expect(warn).toMatchObject({ message: 'check failed: http_status' });
    expect((warn as { result: { components: unknown[] } }).result.components).toContainEqual(
      expect.objectContaining({ name: 'database', state: 'unhealthy', status: 'error', latencyMs: 5001 }),
    );
  });

  it('publishes per-component metrics only for the components the monitor asks for', async () => {
    const none = await invoke(event({ url: `${base}/api/health` }));
    expect(none.emf.flatMap((l) => definitions(l)?.Metrics.map((m) => m.Name))).not.toContain(
      'ComponentHealthy',
    );

    const { emf } = await invoke(
      event({ url: `${base}/api/health-db-down`, componentMetrics: ['database'] }),
    );
    const components = emf.filter((l) => definitions(l)?.Metrics.some((m) => m.Name === 'ComponentHealthy'));
    expect(components).toHaveLength(1);
    expect(definitions(components[0] ?? {})?.Dimensions).toEqual([['Monitor', 'Component']]);
    expect(components[0]).toMatchObject({
      Monitor: 'madef-api-health',
      Component: 'database',
      ComponentHealthy: 0,
    });
  });

  it('rejects a malformed event, naming the field, so the schedule retries and dead-letters it', async () => {
    await expect(
      handler({ monitor: { name: 'x', kind: 'http', url: 'not a url' } }, context),
    ).rejects.toThrow(/url/);
  });
});
