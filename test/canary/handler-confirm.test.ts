/**
 * The confirmation probe through the middy handler (lambdas/canary/confirm.ts,
 * docs/adr/0013-confirmed-failures.md), against real HTTP servers on 127.0.0.1 that fail on demand:
 * a blip passes, a failure that lasts fails once confirmed, and each request the canary makes is
 * counted by the server. What the canary publishes is read back from the EMF lines it prints.
 *
 * `afterMs` is at least 1000 in a config; the clock here sleeps a fifth of what it is asked (and
 * moves its time forward by the whole), so a 1000 ms confirmation waits 200 ms of real time.
 */
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import { type ConfirmClock, runConfirmed } from '../../lambdas/canary/confirm.ts';
import { createCanaryHandler } from '../../lambdas/canary/handler.ts';
import { type Monitor, parseConfig, toCanaryEvent, toGroupEvent } from '../../lib/config/index.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { json, type RouteServer, startRouteServer } from '../support/route-server.ts';

const SPEEDUP = 5;
const AFTER_MS = 1_000;
/** Real ms the handler waits for a confirmation after AFTER_MS of the clock's time. */
const REAL_AFTER_MS = AFTER_MS / SPEEDUP;

let server: RouteServer;
/** Real arrival time (Date.now()) of each request, by path. */
const arrivals = new Map<string, number[]>();
/** Requests per path so far. */
const count = (path: string) => arrivals.get(path)?.length ?? 0;

beforeAll(async () => {
  const healthy = json({ status: 'healthy' });
  const down = json({ status: 'unhealthy', checks: { database: { status: 'error' } } }, 503);
  server = await startRouteServer({
    '*': (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const seen = [...(arrivals.get(path) ?? []), Date.now()];
      arrivals.set(path, seen);
      // `/blip/<id>`: the first request answers 503, the rest 200.
      if (path.startsWith('/blip/')) (seen.length === 1 ? down : healthy)(req, res);
      // `/reset/<id>`: the first request's connection is cut, the rest answer 200.
      else if (path.startsWith('/reset/')) {
        if (seen.length === 1) req.socket.destroy();
        else healthy(req, res);
      } else if (path.startsWith('/down/')) down(req, res);
      else if (path.startsWith('/up/')) healthy(req, res);
      // `/hang/<id>`: never answers; the check's own deadline ends it.
    },
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => vi.restoreAllMocks());

/** A clock on real time that sleeps 1/SPEEDUP of what it is asked and counts the rest as slept. */
function hurriedClock(): ConfirmClock & { readonly slept: number[] } {
  let skipped = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      slept.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms / SPEEDUP));
      skipped += ms - ms / SPEEDUP;
    },
  };
}

const context = {
  functionName: 'vigil-canary',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function monitorsOf(list: Record<string, unknown>[]): readonly Monitor[] {
  return parseConfig({
    project: 'test',
    monitors: list.map((m) => ({ kind: 'http', confirm: { afterMs: AFTER_MS }, ...m })),
  }).monitors;
}

/** The schedule's payload for one monitor, as JSON. */
function event(over: Record<string, unknown>) {
  const [monitor] = monitorsOf([{ name: 'madef-api-health', ...over }]);
  if (!monitor) throw new Error('no monitor');
  return JSON.parse(JSON.stringify(toCanaryEvent(monitor)));
}

type Emf = Record<string, unknown> & { _aws: { Timestamp: number } };
type Log = Record<string, unknown> & { result: CheckResult; confirmation?: Record<string, unknown> };

/** Runs a handler and returns its result, its EMF lines (with the real time each was printed) and its logs. */
async function invoke(payload: unknown, clock = hurriedClock()) {
  const emf: (Emf & { printedAt: number })[] = [];
  const logs: Log[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const parsed = JSON.parse(line);
      if ('_aws' in parsed) emf.push({ ...parsed, printedAt: Date.now() });
      else if ('result' in parsed) logs.push(parsed);
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const invokedAt = Date.now();
  const result = await createCanaryHandler({ clock })(payload, context);
  vi.restoreAllMocks();
  return { result, emf, logs, invokedAt, clock };
}

describe('the confirmation probe, through the handler', () => {
  it('passes a blip: a 503 then, afterMs later, a 200 is Success 1, and the detail names the unconfirmed failure', async () => {
    const { result, emf, logs, clock } = await invoke(event({ url: server.url('/blip/a') }));

    expect(count('/blip/a')).toBe(2);
    const [first = 0, second = 0] = arrivals.get('/blip/a') ?? [];
    expect(second - first).toBeGreaterThanOrEqual(REAL_AFTER_MS - 5);
    // The second probe started afterMs after the first started (less the first probe's own time).
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeGreaterThan(AFTER_MS - 100);
    expect(clock.slept[0]).toBeLessThanOrEqual(AFTER_MS);

    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const detail = (result as CheckResult & { detail: string }).detail;
    expect(detail).toMatch(
      /^a first probe failed \(http_status: .*503.*\) and was not confirmed: a second probe 1 s after it passed$/,
    );
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      Monitor: 'madef-api-health',
      Success: 1,
      reason: 'ok',
      confirmation: 'unconfirmed',
      firstProbeReason: 'http_status',
    });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'check passed',
        monitor: 'madef-api-health',
        confirmation: {
          first: expect.objectContaining({ reason: 'http_status', statusCode: 503 }),
          confirmed: false,
          secondAfterMs: expect.any(Number),
        },
        result: expect.objectContaining({ ok: true, detail }),
      }),
    ]);
  });

  it('passes a blip that was a reset connection (the check itself not retrying it)', async () => {
    const { result, emf } = await invoke(event({ url: server.url('/reset/a'), retryNetworkErrors: false }));
    expect(count('/reset/a')).toBe(2);
    expect(result).toMatchObject({ ok: true });
    expect((result as { detail: string }).detail).toMatch(/^a first probe failed \(connection_reset: /);
    expect(emf[0]).toMatchObject({
      Success: 1,
      confirmation: 'unconfirmed',
      firstProbeReason: 'connection_reset',
    });
  });

  it("fails a failure that lasts, once confirmed: Success 0 stamped with the first probe's start, two requests", async () => {
    const { result, emf, logs, invokedAt } = await invoke(event({ url: server.url('/down/a') }));

    expect(count('/down/a')).toBe(2);
    const [first = 0, second = 0] = arrivals.get('/down/a') ?? [];
    expect(second - first).toBeGreaterThanOrEqual(REAL_AFTER_MS - 5);
    expect(result).toMatchObject({ ok: false, reason: 'http_status', statusCode: 503 });
    expect((result as { detail: string }).detail).toMatch(
      /503.* \(confirmed: a first probe 1 s earlier failed too, http_status\)$/,
    );
    expect(emf).toHaveLength(1);
    const [line] = emf;
    expect(line).toMatchObject({ Success: 0, reason: 'http_status', confirmation: 'confirmed' });
    // The first probe's start: before its request reached the server, not when the line was printed.
    const stamp = line?._aws.Timestamp ?? 0;
    expect(stamp).toBeGreaterThanOrEqual(invokedAt);
    expect(stamp).toBeLessThanOrEqual(first);
    expect((line?.printedAt ?? 0) - stamp).toBeGreaterThanOrEqual(REAL_AFTER_MS - 5);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'check failed: http_status',
        confirmation: expect.objectContaining({
          confirmed: true,
          first: expect.objectContaining({ reason: 'http_status' }),
        }),
      }),
    ]);
  });

  it('makes no second request when the first probe passes', async () => {
    const { result, emf, logs, clock } = await invoke(event({ url: server.url('/up/a') }));
    expect(count('/up/a')).toBe(1);
    expect(clock.slept).toEqual([]);
    expect(result).toMatchObject({ ok: true });
    expect((result as { detail?: string }).detail).toBeUndefined();
    expect(emf[0]).toMatchObject({ Success: 1 });
    expect(emf[0]).not.toHaveProperty('confirmation');
    expect(logs[0]).not.toHaveProperty('confirmation');
  });

  it('makes one request with confirm: false, and fails on it', async () => {
    const { result, emf, clock } = await invoke(event({ url: server.url('/down/b'), confirm: false }));
    expect(count('/down/b')).toBe(1);
    expect(clock.slept).toEqual([]);
    expect(result).toMatchObject({ ok: false, reason: 'http_status' });
    expect((result as { detail: string }).detail).not.toMatch(/confirmed/);
    expect(emf[0]).toMatchObject({ Success: 0 });
    expect(emf[0]).not.toHaveProperty('confirmation');
  });

  it('starts the confirmation at once after a first probe that timed out past afterMs', async () => {
    const timeoutMs = 1_200; // real ms, longer than the clock's afterMs
    const { result, emf, clock } = await invoke(event({ url: server.url('/hang/a'), timeoutMs }));
    expect(count('/hang/a')).toBe(2);
    const [first = 0, second = 0] = arrivals.get('/hang/a') ?? [];
    // Measured where the server sees each request: the first one's connection set-up (inside its
    // timeout) can make the gap a little shorter than timeoutMs under load.
    expect(second - first).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(second - first).toBeLessThan(timeoutMs + 400);
    // No wait: the first probe ended after afterMs had passed.
    expect(clock.slept).toEqual([]);
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(emf[0]).toMatchObject({ Success: 0, reason: 'timeout', confirmation: 'confirmed' });
  });

  it('confirms each monitor of a shared invocation on its own, flushing each as it ends', async () => {
    const payload = JSON.parse(
      JSON.stringify(
        toGroupEvent(
          monitorsOf([
            { name: 'blips', url: server.url('/blip/b') },
            { name: 'healthy', url: server.url('/up/b') },
            { name: 'unconfirmed', url: server.url('/down/c'), confirm: false },
          ]),
        ),
      ),
    );
    const { result, emf } = await invoke(payload);
    expect([count('/blip/b'), count('/up/b'), count('/down/c')]).toEqual([2, 1, 1]);
    expect((result as { results: CheckResult[] }).results.map((r) => [r.monitor, r.ok])).toEqual([
      ['blips', true],
      ['healthy', true],
      ['unconfirmed', false],
    ]);
    // The blip's line waits for its second probe; the others do not wait for it.
    expect(emf.map((l) => [l.Monitor, l.Success, l.confirmation])).toEqual([
      ['healthy', 1, undefined],
      ['unconfirmed', 0, undefined],
      ['blips', 1, 'unconfirmed'],
    ]);
  });
});

describe('runConfirmed', () => {
  const [standard, off, fast] = monitorsOf([
    { name: 'standard', url: 'http://127.0.0.1:1/', confirm: true },
    { name: 'off', url: 'http://127.0.0.1:1/', confirm: false },
    { name: 'fast', url: 'http://127.0.0.1:1/', fast: true, confirm: undefined },
  ]);
  const failure = (detail: string): CheckResult => ({
    monitor: 'standard',
    kind: 'http',
    ok: false,
    reason: 'http_status',
    detail,
    checkedAt: '2026-12-04T00:00:00.000Z',
    durationMs: 40,
    attempts: 1,
  });
  const pass: CheckResult = { ...failure(''), ok: true, detail: undefined } as CheckResult;
  /** A clock that stands still until slept (or a probe moves it). */
  function still() {
    return fakeClock(1_000_000);
  }
  function probes(clock: { time: number }, probeMs: number, ...results: CheckResult[]) {
    const starts: number[] = [];
    const run = async () => {
      starts.push(clock.time);
      clock.time += probeMs;
      const next = results.shift();
      if (!next) throw new Error('one probe too many');
      return next;
    };
    return { run, starts };
  }

  it('waits afterMs from the first probe start, not from its end, and stamps the first start', async () => {
    const clock = still();
    const { run, starts } = probes(clock, 40, failure('HTTP 503'), failure('HTTP 502'));
    if (!standard) throw new Error('no monitor');
    const checked = await runConfirmed(standard, run, clock);
    expect(starts).toEqual([1_000_000, 1_000_000 + 5_000]);
    expect(clock.slept).toEqual([5_000 - 40]);
    expect(checked).toMatchObject({
      startedAt: 1_000_000,
      result: {
        ok: false,
        detail: 'HTTP 502 (confirmed: a first probe 5 s earlier failed too, http_status)',
      },
      confirmation: {
        confirmed: true,
        secondAfterMs: 5_000,
        first: { reason: 'http_status', detail: 'HTTP 503' },
      },
    });
  });

  it('starts the second probe at once when the first ended after afterMs', async () => {
    const clock = still();
    const { run, starts } = probes(clock, 7_500, failure('timed out'), pass);
    if (!standard) throw new Error('no monitor');
    const checked = await runConfirmed(standard, run, clock);
    expect(starts).toEqual([1_000_000, 1_007_500]);
    expect(clock.slept).toEqual([]);
    expect(checked.result).toMatchObject({
      ok: true,
      detail:
        'a first probe failed (http_status: timed out) and was not confirmed: a second probe 7.5 s after it passed',
    });
  });

  it('probes once for a monitor that does not confirm, a fast one included', async () => {
    for (const monitor of [off, fast]) {
      if (!monitor) throw new Error('no monitor');
      const clock = still();
      const { run, starts } = probes(clock, 10, failure('HTTP 503'));
      const checked = await runConfirmed(monitor, run, clock);
      expect(starts).toHaveLength(1);
      expect(checked).toEqual({ result: failure('HTTP 503'), startedAt: 1_000_000 });
    }
  });
});
