/** A clock that stands still until slept: `sleep(ms)` records `ms` and moves `time` on by it. */
export interface FakeClock {
  time: number;
  readonly slept: number[];
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A {@link FakeClock} at `start` (epoch ms). */
export function fakeClock(start: number): FakeClock {
  const clock: FakeClock = {
    time: start,
    slept: [],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}
