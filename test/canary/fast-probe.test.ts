/**
 * Fast mode's probe loop on a fake clock: a minute of probes runs in milliseconds, and every start,
 * end and cut-off is an exact fake-clock time.
 */
import { describe, expect, it } from 'vitest';
import {
  cutOffResult,
  type ProbeClock,
  type ProbeSlot,
  runFastProbes,
  summarize,
} from '../../lambdas/canary/fast-probe.ts';
import { parseConfig } from '../../lib/config/index.ts';

const T0 = 1_700_000_000_000;

/**
 * A discrete-event clock: `sleep` queues a timer, and {@link FakeClock.run} fires the earliest timer
 * whenever everything else is waiting, so time only moves when no code can run.
 */
class FakeClock implements ProbeClock {
  private time = T0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = { at: this.time + ms, seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal.reason);
      });
    });

  /** Runs `work` to completion, advancing time from timer to timer. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('deadlock: nothing to run and no timer pending');
      this.time = next.at;
      next.resolve();
    }
  }
}

interface Probe {
  readonly index: number;
  readonly startedAt: number;
  endedAt?: number;
}

/** A probe that takes `durations[i]` ms of fake time (Infinity: never answers). */
function probes(clock: FakeClock, durations: readonly number[]) {
  const seen: Probe[] = [];
  const probe = async (slot: ProbeSlot) => {
    const p: Probe = { index: slot.index, startedAt: clock.now() };
    seen.push(p);
    const ms = durations[slot.index] ?? 100;
    if (!Number.isFinite(ms)) await new Promise<never>(() => {});
    await clock.sleep(ms);
    p.endedAt = clock.now();
    return { index: slot.index, ok: true as boolean, endedAt: p.endedAt };
  };
  return { seen, probe };
}

const cutOff = (slot: ProbeSlot) => ({ index: slot.index, ok: false as boolean, endedAt: -1 });

const options = {
  probes: 6,
  intervalMs: 10_000,
  cutoffMs: 5_500,
  remainingMs: () => 65_000,
  reserveMs: 1_000,
};

describe('fast probe loop', () => {
  it('runs six probes at 0, 10, 20, 30, 40 and 50 s from the invocation start', async () => {
    const clock = new FakeClock();
    const { seen, probe } = probes(clock, [120, 80, 300, 50, 900, 10]);
    const run = await clock.run(runFastProbes(probe, cutOff, () => {}, clock, options));
    expect(run.probes).toHaveLength(6);
    expect(run.stoppedEarly).toBeUndefined();
    expect(seen.map((p) => p.startedAt - T0)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(run.probes.map((p) => p.slot.startsAt - T0)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(run.probes.map((p) => p.slot.last)).toEqual([false, false, false, false, false, true]);
  });

  it('records each probe as soon as it ends, in slot order', async () => {
    const clock = new FakeClock();
    const { probe } = probes(clock, [120, 80, 300, 50, 900, 10]);
    const recorded: { index: number; at: number }[] = [];
    await clock.run(
      runFastProbes(
        probe,
        cutOff,
        (_r, slot) => recorded.push({ index: slot.index, at: clock.now() - T0 }),
        clock,
        options,
      ),
    );
    expect(recorded).toEqual([
      { index: 0, at: 120 },
      { index: 1, at: 10_080 },
      { index: 2, at: 20_300 },
      { index: 3, at: 30_050 },
      { index: 4, at: 40_900 },
      { index: 5, at: 50_010 },
    ]);
  });

  it('cuts a hanging probe off at its timeout, before the next slot, and moves on', async () => {
    const clock = new FakeClock();
    const { seen, probe } = probes(clock, [100, Number.POSITIVE_INFINITY, 9_000, 100, 100, 100]);
    const recorded: { index: number; ok: boolean; at: number }[] = [];
    const run = await clock.run(
      runFastProbes(
        probe,
        cutOff,
        (r, slot) => recorded.push({ index: slot.index, ok: r.ok, at: clock.now() - T0 }),
        clock,
        options,
      ),
    );
    // Slot 1 never answers, slot 2 answers after 9 s, past its 5.5 s cut-off: both are cut off.
    expect(recorded).toEqual([
      { index: 0, ok: true, at: 100 },
      { index: 1, ok: false, at: 15_500 },
      { index: 2, ok: false, at: 25_500 },
      { index: 3, ok: true, at: 30_100 },
      { index: 4, ok: true, at: 40_100 },
      { index: 5, ok: true, at: 50_100 },
    ]);
    // The next probe started on its slot, not when the cut-off one would have finished.
    expect(seen.map((p) => p.startedAt - T0)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(run.probes).toHaveLength(6);
  });

  it('never overlaps two probes, and ends the last by 60 s, even when every probe hangs', async () => {
    const clock = new FakeClock();
    const { probe } = probes(clock, Array(6).fill(Number.POSITIVE_INFINITY));
    const windows: [number, number][] = [];
    await clock.run(
      runFastProbes(
        probe,
        cutOff,
        (_r, slot) => windows.push([slot.startsAt - T0, clock.now() - T0]),
        clock,
        options,
      ),
    );
    expect(windows).toHaveLength(6);
    for (const [i, [start, end]] of windows.entries()) {
      expect(end - start).toBe(5_500);
      const next = windows[i + 1];
      if (next) expect(end).toBeLessThan(next[0]);
    }
    expect(windows.at(-1)?.[1]).toBeLessThanOrEqual(60_000);
  });

  it('stops early, without starting the probe, when the Lambda has too little time left', async () => {
    const clock = new FakeClock();
    const { seen, probe } = probes(clock, []);
    // A 40 s budget: slot 3 (wait to 30 s + 5.5 s cut-off + 1 s reserve) fits, slot 4 does not.
    const remainingMs = () => 40_000 - (clock.now() - T0);
    const run = await clock.run(runFastProbes(probe, cutOff, () => {}, clock, { ...options, remainingMs }));
    expect(run.stoppedEarly).toBe('lambda_time');
    expect(run.probes).toHaveLength(4);
    expect(seen).toHaveLength(4);
    expect(clock.now() - T0).toBe(30_100);
  });

  it('skips a slot whose whole interval passed while the event loop was blocked, then goes on', async () => {
    const clock = new FakeClock();
    // The first probe blocks the event loop for 25 s (no timer fires meanwhile): slot 1 (10-20 s)
    // has passed; slot 2 (20 s) is late but within its interval, so it runs at once.
    const started: number[] = [];
    const probe = async (slot: ProbeSlot) => {
      started.push(clock.now() - T0);
      if (slot.index === 0) (clock as unknown as { time: number }).time += 25_000;
      return { index: slot.index, ok: true as boolean, endedAt: clock.now() };
    };
    const run = await clock.run(runFastProbes(probe, cutOff, () => {}, clock, options));
    expect(run.skipped).toBe(1);
    expect(run.stoppedEarly).toBeUndefined();
    expect(run.probes.map((p) => p.slot.index)).toEqual([0, 2, 3, 4, 5]);
    expect(started).toEqual([0, 25_000, 30_000, 40_000, 50_000]);
  });

  it('refuses a cut-off that would let a probe run into the next slot', async () => {
    const clock = new FakeClock();
    const { probe } = probes(clock, []);
    await expect(
      runFastProbes(probe, cutOff, () => {}, clock, { ...options, cutoffMs: 10_000 }),
    ).rejects.toThrow(/cutoffMs \(10000\) must be above 0 and below intervalMs \(10000\)/);
  });
});

describe('fast probe results', () => {
  const [monitor] = parseConfig({
    project: 'x',
    monitors: [{ kind: 'http', name: 'api', url: 'https://api.example.com/health', fast: true }],
  }).monitors;
  if (!monitor) throw new Error('no monitor');
  const slot: ProbeSlot = { index: 2, startsAt: T0 + 20_000, last: false };

  it('turns a cut-off probe into a timeout failure stamped with its slot', () => {
    expect(cutOffResult(monitor, slot, 5_500)).toEqual({
      monitor: 'api',
      kind: 'http',
      checkedAt: new Date(T0 + 20_000).toISOString(),
      durationMs: 5_500,
      attempts: 1,
      ok: false,
      reason: 'timeout',
      detail: 'probe 3 did not finish within 5500 ms and was cut off before the next probe',
    });
  });

  it('is ok only when every probe passed, and never for a run with no probes', () => {
    const pass = { ...cutOffResult(monitor, slot, 1), ok: true as const };
    const fail = cutOffResult(monitor, slot, 1);
    expect(summarize(monitor, { probes: [{ slot, result: pass }], skipped: 0 }).ok).toBe(true);
    expect(
      summarize(monitor, {
        probes: [
          { slot, result: pass },
          { slot, result: fail },
        ],
        skipped: 0,
      }).ok,
    ).toBe(false);
    expect(summarize(monitor, { probes: [], skipped: 0, stoppedEarly: 'lambda_time' })).toEqual({
      monitor: 'api',
      fast: true,
      ok: false,
      probes: [],
      skipped: 0,
      stoppedEarly: 'lambda_time',
    });
  });
});
