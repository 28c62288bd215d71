/**
 * The canary handler through middy, against a real HTTP server on 127.0.0.1: what it publishes is
 * read back from the EMF lines it prints, exactly as CloudWatch Logs would receive them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProbeClock } from '../../lambdas/canary/fast-probe.ts';
import { createCanaryHandler, handler } from '../../lambdas/canary/handler.ts';
import { readVerifyMonitors } from '../../lambdas/canary/verify.ts';
import { toVerifyMonitors } from '../../lib/config/events.ts';
import { parseConfig, toCanaryEvent, toGroupEvent } from '../../lib/config/index.ts';

let server: Server;
let base: string;
/** Requests to /api/flaky so far: the third one fails. */
let flakyRequests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/flaky') {
      flakyRequests++;
      res.writeHead(flakyRequests === 3 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: flakyRequests === 3 ? 'unhealthy' : 'healthy' }));
    } else if (req.url === '/api/health') {
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
    } else if (req.url === '/api/hang') {
      // Never answers: the check's own deadline ends it.
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
async function invoke(payload: unknown, run: typeof handler = handler, ctx: Context = context) {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
      else if (line.trim()) text.push(line);
    }
    return true;
  };
  // EMF and INFO logs go to stdout, WARN and ERROR logs to stderr.
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const result = await run(payload, ctx);
  vi.restoreAllMocks();
  const emf = lines.filter((l) => '_aws' in l);
  const logs = lines.filter((l) => !('_aws' in l));
  return { result, emf, logs, text };
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
    // One probe: the confirmation probe is ./handler-confirm.test.ts's.
    const { result, emf, logs } = await invoke(event({ url: `${base}/api/health-db-down`, confirm: false }));
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
      event({ url: `${base}/api/health-db-down`, componentMetrics: ['database'], confirm: false }),
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

describe('canary handler, monitors sharing an invocation', () => {
  function groupEvent(monitors: Record<string, unknown>[]) {
    const config = parseConfig({ project: 'test', monitors });
    return JSON.parse(JSON.stringify(toGroupEvent(config.monitors)));
  }

  it('checks every monitor at once, flushing each one as it ends, so a hanging endpoint delays no other', async () => {
    // One probe each (confirm: false): confirmation in a group is ./handler-confirm.test.ts's.
    const payload = groupEvent([
      { name: 'hangs', kind: 'http', url: `${base}/api/hang`, timeoutMs: 1_500, confirm: false },
      { name: 'healthy', kind: 'http', url: `${base}/api/health` },
      { name: 'db-down', kind: 'http', url: `${base}/api/health-db-down`, tier: 'lean', confirm: false },
    ]);
    const { result, emf, logs } = await invoke(payload);

    // Results in payload order.
    expect((result as { readonly results: readonly unknown[] }).results).toEqual([
      expect.objectContaining({ monitor: 'hangs', ok: false, reason: 'timeout' }),
      expect.objectContaining({ monitor: 'healthy', ok: true }),
      expect.objectContaining({ monitor: 'db-down', ok: false, reason: 'http_status' }),
    ]);
    // One EMF line per monitor, each under its own Monitor dimension only, in the order they ended:
    // the two that answered were flushed before the hanging one gave up.
    expect(emf.map((l) => [l.Monitor, l.Success])).toEqual([
      ['healthy', 1],
      ['db-down', 0],
      ['hangs', 0],
    ]);
    for (const line of emf) expect(definitions(line)?.Dimensions).toEqual([['Monitor']]);
    // The lean monitor publishes Success only, whatever its neighbours publish.
    expect(definitions(emf[1] ?? {})?.Metrics.map((m) => m.Name)).toEqual(['Success']);
    const checks = logs.filter((l) => typeof l.monitor === 'string' && 'result' in l);
    expect(checks.map((l) => [l.monitor, l.level])).toEqual([
      ['healthy', 'INFO'],
      ['db-down', 'WARN'],
      ['hangs', 'WARN'],
    ]);
  });

  it('rejects a group payload with a malformed member, naming it', async () => {
    await expect(
      handler(
        {
          monitors: [
            { name: 'ok', kind: 'http', url: `${base}/api/health` },
            { name: 'x', kind: 'http' },
          ],
        },
        context,
      ),
    ).rejects.toThrow(/monitors|url/);
    await expect(handler({ monitors: [] }, context)).rejects.toThrow();
  });
});

/**
 * A fake clock running `speedup` times faster than real time. (Fast mode's scheduled and queued
 * probes are tested in ./handler-fast.test.ts.)
 */
function fastForward(speedup: number): ProbeClock {
  const t0 = Date.now();
  const p0 = performance.now();
  return {
    now: () => Math.round(t0 + (performance.now() - p0) * speedup),
    sleep: (ms) => sleep(ms / speedup),
  };
}

describe('canary handler, verify mode', () => {
  /**
   * A canary whose vigil-monitors.json holds these monitors: written by toVerifyMonitors (what the
   * construct ships) and read back by readVerifyMonitors (what the bundle reads), as JSON on disk.
   */
  function verifyCanary(monitors: Record<string, unknown>[]) {
    const config = parseConfig({ project: 'test', monitors });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-verify-'));
    const file = join(dir, 'vigil-monitors.json');
    writeFileSync(file, JSON.stringify(toVerifyMonitors(config.monitors)));
    const loaded = readVerifyMonitors(file);
    rmSync(dir, { recursive: true, force: true });
    return createCanaryHandler({ clock: fastForward(20), verifyMonitors: () => loaded });
  }
  const monitors = [
    { name: 'madef-api-health', kind: 'http', url: `http://127.0.0.1:1/unused` },
    { name: 'disabled-one', kind: 'http', url: 'http://127.0.0.1:1/', enabled: false },
  ];

  it('checks a healthy monitor once, records it as a scheduled check does, and answers "ok":true', async () => {
    const canary = verifyCanary([{ ...monitors[0], url: `${base}/api/health` }]);
    const { result, emf, logs } = await invoke({ verify: 'madef-api-health' }, canary);
    expect(result).toEqual({ monitor: 'madef-api-health', ok: true });
    // As Lambda serializes it for the verify step's branch.
    expect(JSON.stringify(result)).toContain('"ok":true');
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ Monitor: 'madef-api-health', Success: 1, reason: 'ok' });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'check passed', monitor: 'madef-api-health' }),
    );
  });

  it('answers ok false with the reason and detail when the monitor is still unhealthy', async () => {
    const canary = verifyCanary([{ ...monitors[0], url: `${base}/api/health-db-down` }]);
    const { result, emf } = await invoke({ verify: 'madef-api-health' }, canary);
    expect(result).toEqual({
      monitor: 'madef-api-health',
      ok: false,
      reason: 'http_status',
      detail: expect.stringContaining('503'),
    });
    expect(JSON.stringify(result)).not.toContain('"ok":true');
    expect(emf[0]).toMatchObject({ Monitor: 'madef-api-health', Success: 0, reason: 'http_status' });
  });

  it('verifies a fast monitor with one high-resolution probe, not a minute of them', async () => {
    flakyRequests = 0;
    const canary = verifyCanary([{ ...monitors[0], url: `${base}/api/flaky`, fast: true }]);
    const { result, emf } = await invoke({ verify: 'madef-api-health' }, canary);
    expect(result).toEqual({ monitor: 'madef-api-health', ok: true });
    expect(flakyRequests).toBe(1);
    expect(emf).toHaveLength(1);
    expect(definitions(emf[0] ?? {})?.Metrics).toEqual([
      { Name: 'Success', Unit: 'Count', StorageResolution: 1 },
      { Name: 'LatencyMs', Unit: 'Milliseconds', StorageResolution: 1 },
    ]);
  });

  it('throws naming a monitor it was not deployed with, or a disabled one: a deployment bug', async () => {
    const canary = verifyCanary(monitors);
    await expect(canary({ verify: 'madef-api' }, context)).rejects.toThrow(
      'verify: no monitor named "madef-api" in vigil-monitors.json; the remediation names a monitor this canary was not deployed with (redeploy, or fix the remediation config)',
    );
    await expect(canary({ verify: 'disabled-one' }, context)).rejects.toThrow(
      'no monitor named "disabled-one"',
    );
  });

  it('rejects a verify payload with anything else in it', async () => {
    const canary = verifyCanary(monitors);
    await expect(canary({ verify: 'madef-api-health', monitor: 'x' }, context)).rejects.toThrow();
    await expect(canary({ verify: '' }, context)).rejects.toThrow();
  });

  it('reads vigil-monitors.json only when asked to verify, and names the fix when it is missing', async () => {
    expect(() => readVerifyMonitors(join(tmpdir(), 'no-such-dir', 'vigil-monitors.json'))).toThrow(
      /vigil-monitors\.json is missing beside the canary bundle .*: deploy the canary through lib\/constructs\/canary-function\.ts, which ships it/,
    );
    // The default handler, with no file beside it, still runs scheduled checks: the file is never read.
    const { result } = await invoke(event({ url: `${base}/api/health` }));
    expect(result).toMatchObject({ ok: true });
    await expect(handler({ verify: 'madef-api-health' }, context)).rejects.toThrow(
      /vigil-monitors\.json is missing/,
    );
  });
});
