/**
 * Failure-to-page latency, simulated from the synthesized template (pure: no AWS calls).
 *
 * Synthesizes the stack for vigil.config.ts in-process, pairs each monitor's `Success` alarm
 * (AWS::CloudWatch::Alarm: Period, EvaluationPeriods, DatapointsToAlarm, TreatMissingData) with its
 * AWS::Scheduler::Schedule (ScheduleExpression, FlexibleTimeWindow, and the monitor in the target's
 * Input, for the check's deadline), and simulates, for each distinct timing profile, the time from
 * the onset of a persistent failure to the alarm entering ALARM. DESIGN.md: median at most 2 minutes
 * in standard mode, at most 30 s in fast mode.
 *
 * The model (each assumption is a parameter in {@link DEFAULT_MODEL}):
 * - Onset is uniform in time (over a day), after a healthy history. A check that started before the
 *   onset passes; every check that starts at or after it fails.
 * - Checks start on the schedule: a rate(...) at a random phase (the Scheduler starts it when the
 *   schedule is created), a cron(...) on its minutes; plus the flexible window if any, plus an
 *   invocation delay (Scheduler to the handler running).
 * - A check's datapoint is timestamped when the check ends (Powertools flushes EMF after the
 *   handler): passing and failing-with-an-answer checks take a fraction of a second, a hanging
 *   endpoint takes the check's whole deadline. It belongs to the alarm period its timestamp falls
 *   in (periods aligned to the clock) and reaches CloudWatch after an ingestion delay.
 * - Fast mode (an alarm period under 60 s): probes every period at a random phase, each datapoint
 *   timestamped with its probe's start (the canary stamps the slot, so each probe has its own 10 s
 *   period) and flushed when the probe ends. If the config has no fast monitor, the section
 *   synthesizes a fast variant of its default-profile HTTP monitor and simulates that.
 * - CloudWatch evaluates a standard alarm every 60 s (a high-resolution one, period < 60 s, every
 *   10 s) at an offset unknown to us, uniform per alarm (`evaluationPhase: 'topOfMinute'` puts it at
 *   the top of each minute, as the documentation's example does).
 * - The evaluation window is read from each alarm's `EvaluationWindow`: absent or `SlidingWindow`
 *   (CloudWatch's default) is a rolling window: at an evaluation at t, period k (k = 0 newest) holds
 *   the datapoints stamped in [t - (k+1)P, t - kP) that have arrived by t, so a breach is seen by the
 *   first evaluation after its datapoint arrives. `WallClockWindow` aligns the periods to the clock:
 *   the alarm only looks at periods that have ended, with the datapoints that had arrived by then
 *   (`partialPeriod: true` lifts this). https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html
 * - At each evaluation it takes the last EvaluationPeriods + `rangeExtra` periods; if at least
 *   EvaluationPeriods of them hold data it judges the most recent EvaluationPeriods that do,
 *   otherwise the last EvaluationPeriods with the missing ones treated per TreatMissingData (the
 *   documented "evaluation range" behaviour). ALARM when DatapointsToAlarm of them breach
 *   (`Success` minimum < 1).
 *
 *   npx tsx bench/page-latency.ts [--quick]
 */

import { type CanaryRequest, parseCanaryRequest, toMonitorInput } from '../lib/config/events.ts';
import { type Monitor, resolveMonitor, type VigilConfig } from '../lib/config/resolve.ts';
import { DEFAULT_SCHEDULE, rateSeconds } from '../lib/config/schema.ts';
import { alarmPeriodSeconds } from '../lib/monitors/alarm-timing.ts';
import { checkDeadlineMs, isFast } from '../lib/monitors/monitor-traits.ts';
import {
  type BenchOptions,
  fixed,
  int,
  isMain,
  runStandalone,
  type SectionResult,
  type Stats,
  stats,
  type Table,
  type TargetCheck,
} from './lib/report.ts';
import { synthesize, synthesizeVariant } from './lib/synth.ts';

/** Issue 12: failure to page, median, standard mode (the default HTTP monitor; was 120 s). */
export const MAX_STANDARD_MEDIAN_S = 90;
/** Issue 12: failure to page, median, fast mode (10 s probes, high-resolution metric and alarm). */
export const MAX_FAST_MEDIAN_S = 30;
/** Fast mode: probe slots a minute, one every {@link FAST_SLOT_S} (docs/adr/0006-fast-mode.md). */
export const FAST_SLOTS = 6;
/** Fast mode: seconds between slots, and the age past which the canary drops a late slot as stale. */
export const FAST_SLOT_S = 10;
/** Blips the flap table simulates, s: shorter than the default confirmation delay (5 s). */
export const BLIPS_S = [1, 4] as const;
/** The flap table's columns: no failure at all (false pages), then the blips. */
const FLAP_COLUMNS_S = [0, ...BLIPS_S] as const;

/** The model's parameters; seconds. Ranges are uniform [min, max]. */
export interface Model {
  /** Scheduler fires to the handler running (warm; a cold start adds its init). */
  readonly invokeDelay: readonly [number, number];
  /** Duration of a check that gets an answer (pass, or fail with http_status, refused...). */
  readonly answeredCheck: number;
  /** EMF line to a datapoint CloudWatch alarms can see. */
  readonly ingestDelay: readonly [number, number];
  /** Periods beyond EvaluationPeriods that CloudWatch retrieves (the "evaluation range"). */
  readonly rangeExtra: number;
  /**
   * Wall-clock windows only: false evaluates only periods that have ended ("the datapoint lands at
   * the end of its period"); true also the period in progress. A sliding window always ends at the
   * evaluation.
   */
  readonly partialPeriod: boolean;
  /**
   * When CloudWatch evaluates an alarm within its cadence (60 s, or 10 s under a 60 s period):
   * `random`, a phase uniform per alarm; `topOfMinute`, at second 0 (the documentation's example:
   * evaluations at 12:15:00, 12:16:00).
   */
  readonly evaluationPhase: 'random' | 'topOfMinute';
  /**
   * Fast mode, slots 1..5: from the slot's planned start to its probe starting. The message's
   * DelaySeconds is the ceiling of the seconds to the slot (lambdas/canary/fast-probe.ts), so it
   * becomes visible 0-1 s after the slot's start, never early; then SQS and the event source mapping
   * deliver it. A slot older than {@link FAST_SLOT_S} is dropped (no datapoint).
   */
  readonly fastDeliveryDelay: readonly [number, number];
}

export const DEFAULT_MODEL: Model = {
  invokeDelay: [0, 1],
  answeredCheck: 0.3,
  ingestDelay: [0, 10],
  rangeExtra: 2,
  partialPeriod: false,
  evaluationPhase: 'random',
  fastDeliveryDelay: [0, 2],
};

/**
 * How the endpoint fails: `error` (answers wrongly or refuses, from the onset on), `hang` (never
 * answers, from the onset on), or a blip (answers wrongly for `blipS` seconds, then recovers).
 */
export type Failure = 'error' | 'hang' | { readonly blipS: number };

/** What the simulation needs of one alarm and its schedule. */
export interface TimingProfile {
  readonly schedule: string;
  /** Seconds of flexible window (0 when the schedule's FlexibleTimeWindow is OFF). */
  readonly flexibleWindowS: number;
  readonly periodS: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: string;
  /**
   * The alarm's `EvaluationWindow`: `sliding` (absent, or `SlidingWindow`: CloudWatch's default, a
   * rolling window ending at each evaluation) or `wallClock` (`WallClockWindow`: periods aligned to
   * the clock). Absent here: sliding.
   */
  readonly evaluationWindow?: 'sliding' | 'wallClock';
  /** The check's whole deadline, s (how long a hanging endpoint holds it). */
  readonly deadlineS: number;
  /**
   * Standard HTTP with `confirm`: a failing first probe is probed again this long after it started
   * (or when it ended, if later); the datapoint breaches only if both fail, is stamped with the
   * first probe's start and is flushed when the second ends. Absent: one probe per check, stamped
   * when it ends.
   */
  readonly confirmAfterS?: number;
  /**
   * Fast mode: each scheduled invocation (t0) probes slot 0 at once and queues slots 1..5, planned
   * at t0 + 10 s x k, through SQS; each datapoint is stamped with its slot's planned start.
   */
  readonly fast?: boolean;
}

/** Seeded PRNG (mulberry32): the same figures on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400;

/** The seconds of the day a daily cron runs at (minutes and hours fields; others are `*` or `?`). */
function cronSecondsOfDay(expression: string): number[] {
  const m = /^cron\((\S+) (\S+) \S+ \S+ \S+ \S+\)$/.exec(expression);
  if (!m) throw new Error(`cannot read ${expression}`);
  const expand = (field: string, lo: number, hi: number) => {
    const out = new Set<number>();
    for (const part of field.split(',')) {
      const p = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!p) throw new Error(`cannot read the field "${field}" of ${expression}`);
      const from = p[2] === undefined ? lo : Number(p[2]);
      const to = p[3] !== undefined ? Number(p[3]) : p[2] === undefined || p[4] !== undefined ? hi : from;
      for (let v = from; v <= to; v += Number(p[4] ?? 1)) out.add(v);
    }
    return [...out];
  };
  const minutes = expand(m[1] ?? '*', 0, 59);
  return expand(m[2] ?? '*', 0, 23)
    .flatMap((h) => minutes.map((min) => h * 3600 + min * 60))
    .sort((a, b) => a - b);
}

/** Scheduled invocation times (before delays) in [from, to). */
function scheduleTimes(profile: TimingProfile, from: number, to: number, rand: () => number): number[] {
  const rate = rateSeconds(profile.schedule);
  const times: number[] = [];
  if (rate !== undefined) {
    const phase = rand() * rate;
    for (let t = Math.ceil((from - phase) / rate) * rate + phase; t < to; t += rate) times.push(t);
    return times;
  }
  const ofDay = cronSecondsOfDay(profile.schedule);
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    for (const s of ofDay) if (day + s >= from && day + s < to) times.push(day + s);
  }
  return times;
}

/** A datapoint as the alarm sees it, s: its timestamp, whether it breaches, when CloudWatch has it. */
export interface Datapoint {
  readonly timestamp: number;
  readonly breaching: boolean;
  readonly arrival: number;
}

/** Index of the first point stamped at or after `t` in `points` (sorted by timestamp). */
function firstAtOrAfter(points: readonly Datapoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as Datapoint).timestamp < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether the alarm of `profile` judges ALARM at an evaluation at `t`, from `points` sorted by
 * timestamp. The newest period ends at `t` for a sliding window; for a wall-clock one, at the last
 * clock boundary (or the next, with `model.partialPeriod`). Each of the EvaluationPeriods +
 * `rangeExtra` periods holds the points stamped in it that have arrived by `t` (breaching if any
 * does: `Success` minimum < 1); then the evaluation range and TreatMissingData decide.
 */
export function alarmsAt(
  points: readonly Datapoint[],
  t: number,
  profile: TimingProfile,
  model: Model = DEFAULT_MODEL,
): boolean {
  const P = profile.periodS;
  const N = profile.evaluationPeriods;
  const range = N + model.rangeExtra;
  const end =
    profile.evaluationWindow === 'wallClock' ? (Math.floor(t / P) + (model.partialPeriod ? 1 : 0)) * P : t;
  const values: (boolean | undefined)[] = []; // breaching per period, newest first; undefined = missing
  for (let k = 0; k < range; k++) {
    const to = end - k * P;
    let value: boolean | undefined;
    for (let i = firstAtOrAfter(points, to - P); i < points.length; i++) {
      const p = points[i] as Datapoint;
      if (p.timestamp >= to) break;
      if (p.arrival <= t) value = (value ?? false) || p.breaching;
    }
    values.push(value);
  }
  const real = values.filter((v): v is boolean => v !== undefined);
  let judged: boolean[];
  if (real.length >= N) judged = real.slice(0, N);
  else {
    judged = values.slice(0, N).flatMap((v) => {
      if (v !== undefined) return [v];
      if (profile.treatMissingData === 'breaching') return [true];
      if (profile.treatMissingData === 'notBreaching') return [false];
      return []; // missing / ignore: not counted
    });
  }
  return judged.filter(Boolean).length >= profile.datapointsToAlarm;
}

/** One trial: seconds from onset to ALARM (Infinity if it never alarmed within the horizon). */
function trial(profile: TimingProfile, failure: Failure, model: Model, rand: () => number): number {
  const P = profile.periodS;
  const range = profile.evaluationPeriods + model.rangeExtra;
  const rate = rateSeconds(profile.schedule) ?? alarmPeriodSeconds(profile.schedule);
  const confirmS = profile.confirmAfterS ?? 0;
  const history = (range + 2) * P + rate + profile.flexibleWindowS;
  const onset = history + rand() * DAY;
  // A blip ends; the horizon only needs to outlast the periods its datapoints can fall in.
  const blipS = typeof failure === 'object' ? failure.blipS : Number.POSITIVE_INFINITY;
  const failingFor = Math.min(blipS, 3600);
  const horizon =
    onset +
    failingFor +
    (range + 4) * P +
    rate +
    profile.flexibleWindowS +
    2 * profile.deadlineS +
    confirmS +
    (typeof failure === 'object' ? 60 : 0);
  const uniform = ([lo, hi]: readonly [number, number]) => lo + rand() * (hi - lo);
  const fails = (t: number) => t >= onset && t < onset + blipS;
  const probeEnds = (begins: number) =>
    begins + (failure === 'hang' && fails(begins) ? profile.deadlineS : model.answeredCheck);

  const points: Datapoint[] = [];
  const add = (timestamp: number, point: Omit<Datapoint, 'timestamp'>) => {
    points.push({ timestamp, ...point });
  };
  for (const start of scheduleTimes(profile, onset - history, horizon, rand)) {
    const invoked = start + rand() * profile.flexibleWindowS + uniform(model.invokeDelay);
    if (profile.fast) {
      for (let k = 0; k < FAST_SLOTS; k++) {
        const planned = invoked + k * FAST_SLOT_S;
        const begins = k === 0 ? planned : planned + uniform(model.fastDeliveryDelay);
        if (begins - planned > FAST_SLOT_S) continue; // stale: the canary drops it
        add(planned, { breaching: fails(begins), arrival: probeEnds(begins) + uniform(model.ingestDelay) });
      }
      continue;
    }
    const first = fails(invoked);
    const firstEnds = probeEnds(invoked);
    if (profile.confirmAfterS === undefined) {
      add(firstEnds, { breaching: first, arrival: firstEnds + uniform(model.ingestDelay) });
      continue;
    }
    if (!first) {
      add(invoked, { breaching: false, arrival: firstEnds + uniform(model.ingestDelay) });
      continue;
    }
    const second = Math.max(invoked + profile.confirmAfterS, firstEnds);
    add(invoked, { breaching: fails(second), arrival: probeEnds(second) + uniform(model.ingestDelay) });
  }

  points.sort((a, b) => a.timestamp - b.timestamp);

  const every = P < 60 ? 10 : 60;
  const phase = rand() * every; // drawn either way, so both phases see the same checks
  const offset = model.evaluationPhase === 'topOfMinute' ? 0 : phase;
  for (let t = Math.ceil((onset - offset) / every) * every + offset; t <= horizon; t += every) {
    if (alarmsAt(points, t, profile, model)) return t - onset;
  }
  return Number.POSITIVE_INFINITY;
}

/** What {@link simulate} returns: the latencies of the trials that alarmed, and how many did not. */
export interface SimulationResult {
  readonly stats: Stats;
  /** Trials that never reached ALARM within the horizon. */
  readonly neverAlarmed: number;
  /** Trials that reached ALARM (for a blip: the pages it caused). */
  readonly alarmed: number;
}

/** Simulates `trials` onsets of `failure` against `profile`. */
export function simulate(
  profile: TimingProfile,
  failure: Failure,
  trials: number,
  model: Model = DEFAULT_MODEL,
  seed = 1,
): SimulationResult {
  const rand = random(seed);
  const latencies: number[] = [];
  let never = 0;
  for (let i = 0; i < trials; i++) {
    const s = trial(profile, failure, model, rand);
    if (Number.isFinite(s)) latencies.push(s);
    else never++;
  }
  return { stats: stats(latencies), neverAlarmed: never, alarmed: latencies.length };
}

interface Template {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

/**
 * Seconds of a monitor's confirmation delay: `confirm: { afterMs }` on the resolved monitor, or on
 * the payload's raw input (read defensively: a schema that does not know the field strips it).
 */
export function confirmAfterSeconds(...sources: unknown[]): number | undefined {
  for (const source of sources) {
    const confirm = (source as { confirm?: unknown } | undefined)?.confirm;
    if (confirm === false) return undefined;
    const afterMs = (confirm as { afterMs?: unknown } | undefined)?.afterMs;
    if (typeof afterMs === 'number') return afterMs / 1000;
  }
  return undefined;
}

/** Each monitor's Success alarm with its schedule, from a synthesized template. */
export function profilesFromTemplate(
  template: Template,
): { monitor: string; kind: string; profile: TimingProfile }[] {
  // Each monitor's schedule: the one whose payload carries it (`{ monitors }` shared, `{ monitor }` own).
  const schedules = new Map<string, { schedule: Record<string, unknown>; monitor: Monitor; raw: unknown }>();
  for (const r of Object.values(template.Resources)) {
    const input = (r.Properties?.Target as { Input?: unknown } | undefined)?.Input;
    if (r.Type !== 'AWS::Scheduler::Schedule' || typeof input !== 'string' || !r.Properties) continue;
    let request: CanaryRequest;
    const raw = JSON.parse(input) as { monitor?: unknown; monitors?: unknown[] };
    try {
      request = parseCanaryRequest(raw);
    } catch {
      continue; // the pager's sweep and heartbeat schedules
    }
    const members = request.shape === 'monitor' ? [request.monitor] : request.monitors;
    const rawMembers = request.shape === 'monitor' ? [raw.monitor] : (raw.monitors ?? []);
    members.forEach((m, i) => {
      schedules.set(m.name, { schedule: r.Properties ?? {}, monitor: m, raw: rawMembers[i] });
    });
  }
  const out: { monitor: string; kind: string; profile: TimingProfile }[] = [];
  for (const r of Object.values(template.Resources)) {
    const a = r.Properties ?? {};
    if (r.Type !== 'AWS::CloudWatch::Alarm' || a.MetricName !== 'Success') continue;
    const dimensions = (a.Dimensions ?? []) as { Name: string; Value: unknown }[];
    const name = dimensions.find((d) => d.Name === 'Monitor')?.Value;
    const found = typeof name === 'string' ? schedules.get(name) : undefined;
    if (typeof name !== 'string' || !found) continue;
    const { schedule, monitor, raw } = found;
    const window = schedule.FlexibleTimeWindow as
      | { Mode?: string; MaximumWindowInMinutes?: number }
      | undefined;
    const fast = Number(a.Period) < 60;
    const confirm = fast ? undefined : confirmAfterSeconds(monitor, raw);
    const evaluationWindow = a.EvaluationWindow as { WallClockWindow?: unknown } | undefined;
    out.push({
      monitor: name,
      kind: monitor.kind,
      profile: {
        schedule: String(schedule.ScheduleExpression),
        flexibleWindowS: window?.Mode === 'FLEXIBLE' ? (window.MaximumWindowInMinutes ?? 0) * 60 : 0,
        periodS: Number(a.Period),
        evaluationPeriods: Number(a.EvaluationPeriods),
        datapointsToAlarm: Number(a.DatapointsToAlarm ?? a.EvaluationPeriods),
        treatMissingData: String(a.TreatMissingData ?? 'missing'),
        // CloudFormation: absent, or { SlidingWindow: {} }, is sliding (the default).
        evaluationWindow: evaluationWindow?.WallClockWindow !== undefined ? 'wallClock' : 'sliding',
        deadlineS: checkDeadlineMs(monitor) / 1000,
        ...(confirm !== undefined && { confirmAfterS: confirm }),
        ...(fast && { fast: true }),
      },
    });
  }
  return out;
}

const profileKey = (p: TimingProfile) => JSON.stringify(p);

function describe(p: TimingProfile): string {
  const confirm = p.confirmAfterS !== undefined ? `, confirmed after ${p.confirmAfterS} s` : '';
  const window = p.evaluationWindow === 'wallClock' ? ', wall-clock window' : '';
  return `${p.schedule}${p.fast ? ` + fast (${FAST_SLOTS} slots ${FAST_SLOT_S} s apart)` : ''}${confirm}, period ${p.periodS} s${window}, ${p.datapointsToAlarm} of ${p.evaluationPeriods}, missing=${p.treatMissingData}, deadline ${p.deadlineS} s${p.flexibleWindowS > 0 ? `, flexible ${p.flexibleWindowS / 60} min` : ''}`;
}

/** `2m 31s` */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 120) return `${fixed(seconds, 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 120) return `${m}m ${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
  return `${fixed(seconds / 3600, 1)} h`;
}

/** `never (0 of 2,000)` or `1.6 % (32 of 2,000)`: how often a blip paged. */
function pages(r: SimulationResult): string {
  const n = r.alarmed + r.neverAlarmed;
  if (r.alarmed === 0) return `never (0 of ${int(n)})`;
  return `${fixed((100 * r.alarmed) / n, 1)} % (${int(r.alarmed)} of ${int(n)})`;
}

/** The input of `monitor` without the fields whose defaults a variant takes. */
function inputWithout(monitor: Monitor, ...fields: string[]): Record<string, unknown> {
  const input = { ...(toMonitorInput(monitor) as Record<string, unknown>) };
  for (const f of fields) delete input[f];
  return input;
}

/**
 * `config` with `monitor` switched to fast mode on fast mode's own defaults (schedule, timeout,
 * alarm and confirmation are dropped so they resolve as a config that only added `fast: true` would).
 */
function withFastVariant(config: VigilConfig, monitor: Monitor): VigilConfig {
  const input = inputWithout(monitor, 'schedule', 'alarm', 'timeoutMs', 'confirm');
  const fast = resolveMonitor({ ...input, fast: true } as Parameters<typeof resolveMonitor>[0]);
  if (!isFast(fast)) throw new Error(`${monitor.name}: the fast variant did not resolve as fast`);
  return { ...config, monitors: config.monitors.map((m) => (m.name === monitor.name ? fast : m)) };
}

/** A bare HTTP monitor as the config resolves it: the kind's default schedule, alarm, timeout, confirmation. */
function defaultHttpMonitor(): Monitor {
  return resolveMonitor({ kind: 'http', name: 'default-http', url: 'https://example.com/health' });
}

/**
 * `config` with `monitor` on the HTTP defaults (schedule, alarm, timeout and confirmation dropped,
 * and no `defaults` block), for a config whose own monitors all override them.
 */
function withDefaultVariant(config: VigilConfig, monitor: Monitor): VigilConfig {
  const input = inputWithout(monitor, 'schedule', 'alarm', 'timeoutMs', 'confirm');
  const plain = resolveMonitor(input as Parameters<typeof resolveMonitor>[0]);
  return { ...config, monitors: config.monitors.map((m) => (m.name === monitor.name ? plain : m)) };
}

/** A row of a sensitivity table: a change to the model or to the profile. */
interface Variant {
  readonly label: string;
  readonly model: Model;
  readonly profile?: Partial<TimingProfile>;
}

/** The failure-to-page benchmark. */
export async function benchPageLatency(options: BenchOptions): Promise<SectionResult> {
  const trials = options.quick ? 2000 : 20_000;
  const synth = await synthesize();
  const monitors = profilesFromTemplate(synth.template);
  const d = defaultHttpMonitor();
  const defaultConfirm = confirmAfterSeconds(d);
  const isDefault = (p: TimingProfile) =>
    !p.fast &&
    p.schedule === d.schedule &&
    p.evaluationPeriods === d.alarm.evaluationPeriods &&
    p.datapointsToAlarm === d.alarm.datapointsToAlarm &&
    d.kind === 'http' &&
    p.deadlineS * 1000 === d.timeoutMs &&
    p.confirmAfterS === defaultConfirm;
  const notes: string[] = [];
  const candidate = synth.config.monitors.find(
    (m) => m.enabled && m.kind === 'http' && !isFast(m) && m.schedule === DEFAULT_SCHEDULE,
  );
  // The default figure comes from a synthesized default HTTP alarm: the config's own, or a variant.
  if (!monitors.some((m) => isDefault(m.profile)) && candidate) {
    const variant = await synthesizeVariant(synth.configFile, (c) => withDefaultVariant(c, candidate));
    const found = profilesFromTemplate(variant.template).filter(
      (m) => m.monitor === candidate.name && isDefault(m.profile),
    );
    for (const m of found) monitors.push({ ...m, monitor: `${m.monitor} (default variant)` });
    if (found.length > 0) {
      notes.push(
        `no monitor of ${synth.configFile} is on the HTTP defaults (it overrides the alarm), so ${candidate.name} was synthesized again on them`,
      );
    }
  }
  // Fast mode's figure comes from a synthesized fast alarm: the config's own, or a variant.
  let fastVariant = false;
  if (!monitors.some((m) => m.profile.fast) && candidate) {
    const variant = await synthesizeVariant(synth.configFile, (c) => withFastVariant(c, candidate));
    const fast = profilesFromTemplate(variant.template).filter(
      (m) => m.monitor === candidate.name && m.profile.fast,
    );
    for (const m of fast) monitors.push({ ...m, monitor: `${m.monitor} (fast variant)` });
    if (fast.length > 0) {
      fastVariant = true;
      notes.push(
        `${synth.configFile} has no fast monitor, so ${candidate.name} was synthesized again with fast: true on fast mode's defaults`,
      );
    }
  }
  const groups = new Map<string, { profile: TimingProfile; monitors: string[] }>();
  for (const m of monitors) {
    const key = profileKey(m.profile);
    const g = groups.get(key) ?? { profile: m.profile, monitors: [] };
    g.monitors.push(m.monitor);
    groups.set(key, g);
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      Number(isDefault(b.profile)) - Number(isDefault(a.profile)) ||
      Number(Boolean(b.profile.fast)) - Number(Boolean(a.profile.fast)) ||
      a.profile.periodS - b.profile.periodS ||
      b.monitors.length - a.monitors.length,
  );

  const rows: (string | number)[][] = [];
  const figures: unknown[] = [];
  for (const g of ordered) {
    const error = simulate(g.profile, 'error', trials, DEFAULT_MODEL, 1);
    const hang = simulate(g.profile, 'hang', trials, DEFAULT_MODEL, 2);
    const names =
      g.monitors.length > 2
        ? `${g.monitors.slice(0, 2).join(', ')} +${g.monitors.length - 2}`
        : g.monitors.join(', ');
    rows.push([
      `${isDefault(g.profile) ? '(default) ' : g.profile.fast ? '(fast) ' : ''}${describe(g.profile)}`,
      names,
      duration(error.stats.median),
      duration(error.stats.p95),
      duration(hang.stats.median),
      duration(hang.stats.p95),
    ]);
    figures.push({ ...g, error, hang });
  }

  const base = ordered.find((g) => isDefault(g.profile))?.profile;
  const fastProfile = ordered.find((g) => g.profile.fast)?.profile;
  const sensitivity = (profile: TimingProfile, variants: readonly Variant[]) =>
    variants.map((v) => ({
      label: v.label,
      // Same seed for every variant (and as the profile's own row): only the assumption differs.
      stats: simulate({ ...profile, ...v.profile }, 'error', trials, v.model, 1).stats,
    }));
  const without = { confirmAfterS: undefined };
  const wallClock = { evaluationWindow: 'wallClock' } as const;
  const topOfMinute: Model = { ...DEFAULT_MODEL, evaluationPhase: 'topOfMinute' };
  // Scheduler promises "60 second precision": a later invocation moves checks across period edges.
  const slowInvoke: Model = { ...DEFAULT_MODEL, invokeDelay: [0, 5] };
  const is = (p: TimingProfile | undefined, m: number, n: number) =>
    p?.datapointsToAlarm === m && p.evaluationPeriods === n;
  const defaultVariants: Variant[] = [
    { label: 'the model above', model: DEFAULT_MODEL },
    { label: 'evaluated at the top of each minute (the documentation’s example)', model: topOfMinute },
    { label: 'invocation delay 0–5 s', model: slowInvoke },
    { label: 'no ingestion delay', model: { ...DEFAULT_MODEL, ingestDelay: [0, 0] } },
    { label: 'ingestion delay 0–30 s', model: { ...DEFAULT_MODEL, ingestDelay: [0, 30] } },
    {
      label: 'if the window were wall-clock aligned (the model before)',
      model: DEFAULT_MODEL,
      profile: wallClock,
    },
    {
      label: 'wall-clock aligned, and the alarm sees the period in progress',
      model: { ...DEFAULT_MODEL, partialPeriod: true },
      profile: wallClock,
    },
    ...(base?.confirmAfterS !== undefined
      ? [
          { label: 'confirmation after 10 s', model: DEFAULT_MODEL, profile: { confirmAfterS: 10 } },
          ...(
            [
              [1, 1],
              [1, 3],
            ] as const
          )
            .filter(([m, n]) => !is(base, m, n))
            .map(([m, n]) => ({
              label: `with confirmation, ${m} of ${n}`,
              model: DEFAULT_MODEL,
              profile: { datapointsToAlarm: m, evaluationPeriods: n },
            })),
        ]
      : []),
    {
      label: 'without confirmation, 1 of 1 (pages on a blip)',
      model: DEFAULT_MODEL,
      profile: { ...without, datapointsToAlarm: 1, evaluationPeriods: 1 },
    },
    {
      label: '2 of 3 without confirmation (the default before issue 12)',
      model: DEFAULT_MODEL,
      profile: { ...without, datapointsToAlarm: 2, evaluationPeriods: 3 },
    },
  ];
  const fastVariants: Variant[] = [
    { label: 'the model above', model: DEFAULT_MODEL },
    { label: 'evaluated at 0, 10, 20 ... s past the minute', model: topOfMinute },
    { label: 'invocation delay 0–5 s', model: slowInvoke },
    { label: 'SQS delivery at once (0 s)', model: { ...DEFAULT_MODEL, fastDeliveryDelay: [0, 0] } },
    { label: 'SQS delivery 0–4 s late', model: { ...DEFAULT_MODEL, fastDeliveryDelay: [0, 4] } },
    { label: 'no ingestion delay', model: { ...DEFAULT_MODEL, ingestDelay: [0, 0] } },
    { label: 'ingestion delay 0–30 s', model: { ...DEFAULT_MODEL, ingestDelay: [0, 30] } },
    {
      label:
        'if the window were wall-clock aligned (the model before; not offered for high-resolution alarms)',
      model: DEFAULT_MODEL,
      profile: wallClock,
    },
    {
      label: 'wall-clock aligned, and the alarm sees the period in progress',
      model: { ...DEFAULT_MODEL, partialPeriod: true },
      profile: wallClock,
    },
    {
      label: '3 of 3 (the default before issue 12)',
      model: DEFAULT_MODEL,
      profile: { datapointsToAlarm: 3, evaluationPeriods: 3 },
    },
    {
      label: '1 of 1 (pages on a blip)',
      model: DEFAULT_MODEL,
      profile: { datapointsToAlarm: 1, evaluationPeriods: 1 },
    },
  ];
  const defaultSensitivity = base ? sensitivity(base, defaultVariants) : [];
  const fastSensitivity = fastProfile ? sensitivity(fastProfile, fastVariants) : [];

  // Flap: a blip shorter than the confirmation delay (or than the 10 s between fast probes), and
  // no failure at all (empty periods, filled as breaching, are what pages a healthy endpoint).
  interface FlapRow {
    readonly key?: 'default' | 'fast';
    readonly label: string;
    readonly profile: TimingProfile;
    readonly model: Model;
  }
  const confirmedRows = (p: TimingProfile, suffix: string, model: Model): FlapRow[] =>
    (
      [
        [1, 1],
        [1, 3],
      ] as const
    )
      .filter(([m, n]) => !is(p, m, n))
      .map(([m, n]) => ({
        label: `default, confirmed, ${m} of ${n}${suffix}`,
        profile: { ...p, datapointsToAlarm: m, evaluationPeriods: n },
        model,
      }));
  const slow = ', invocation delay 0–5 s';
  const flapProfiles: FlapRow[] = [
    ...(base
      ? [
          {
            key: 'default',
            label: `default (${describe(base)})`,
            profile: base,
            model: DEFAULT_MODEL,
          } as const,
          ...(base.confirmAfterS !== undefined ? confirmedRows(base, '', DEFAULT_MODEL) : []),
          {
            label: 'default without confirmation, 1 of 1',
            profile: { ...base, ...without, datapointsToAlarm: 1, evaluationPeriods: 1 },
            model: DEFAULT_MODEL,
          },
          {
            label: 'default, 2 of 3 without confirmation',
            profile: { ...base, ...without, datapointsToAlarm: 2, evaluationPeriods: 3 },
            model: DEFAULT_MODEL,
          },
          {
            label: 'default, if the window were wall-clock aligned (the model before)',
            profile: { ...base, ...wallClock },
            model: DEFAULT_MODEL,
          },
        ]
      : []),
    ...(fastProfile
      ? [
          {
            key: 'fast',
            label: `fast (${describe(fastProfile)})`,
            profile: fastProfile,
            model: DEFAULT_MODEL,
          } as const,
          {
            label: 'fast, 1 of 1',
            profile: { ...fastProfile, datapointsToAlarm: 1, evaluationPeriods: 1 },
            model: DEFAULT_MODEL,
          },
        ]
      : []),
    ...(base
      ? [
          {
            label: `default (${base.confirmAfterS !== undefined ? 'confirmed, ' : ''}${base.datapointsToAlarm} of ${base.evaluationPeriods})${slow}`,
            profile: base,
            model: slowInvoke,
          },
          ...(base.confirmAfterS !== undefined ? confirmedRows(base, slow, slowInvoke) : []),
          {
            label: `default, 2 of 3 without confirmation${slow}`,
            profile: { ...base, ...without, datapointsToAlarm: 2, evaluationPeriods: 3 },
            model: slowInvoke,
          },
        ]
      : []),
    ...(fastProfile
      ? [
          {
            label: `fast (${fastProfile.datapointsToAlarm} of ${fastProfile.evaluationPeriods})${slow}`,
            profile: fastProfile,
            model: slowInvoke,
          },
        ]
      : []),
  ];
  const flap = flapProfiles.map((f) => ({
    key: f.key,
    label: f.label,
    blips: FLAP_COLUMNS_S.map((blipS) => ({
      blipS,
      ...simulate(f.profile, { blipS }, trials, f.model, 3),
    })),
  }));

  const tables: Table[] = [
    {
      title: `Failure to page (onset → ALARM), ${int(trials)} simulated onsets per row, from the synthesized ${synth.configFile}`,
      columns: [
        'timing profile (schedule, alarm)',
        'monitors',
        'error median',
        'error p95',
        'hang median',
        'hang p95',
      ],
      align: ['left', 'left', 'right', 'right', 'right', 'right'],
      rows,
      notes: [
        `"error": the endpoint answers wrongly or refuses (a probe ends in ${DEFAULT_MODEL.answeredCheck} s); "hang": it never answers (a probe ends at its deadline)`,
        `model: invocation delay ${DEFAULT_MODEL.invokeDelay.join('–')} s; ingestion delay ${DEFAULT_MODEL.ingestDelay.join('–')} s; a datapoint is timestamped at the check's end, or with confirmation at the first probe's start (breaching only if the second probe, max(start + afterMs, end), fails too; flushed when it ends); standard alarms evaluated every 60 s (high-resolution every 10 s) at a random offset; each alarm's EvaluationWindow read from the template (absent = SlidingWindow, CloudWatch's default: at an evaluation at t, period k holds the datapoints stamped in [t − (k+1)P, t − kP) that have arrived by t; WallClockWindow: clock-aligned periods, only ended ones evaluated); evaluation range = EvaluationPeriods + ${DEFAULT_MODEL.rangeExtra}, missing data filled only when fewer real points than EvaluationPeriods`,
        `fast mode: the scheduled invocation (t0) probes slot 0 at once; slots k = 1..${FAST_SLOTS - 1} are planned at t0 + ${FAST_SLOT_S} s x k and start ${DEFAULT_MODEL.fastDeliveryDelay.join('–')} s after it (SQS and the event source mapping), each datapoint stamped with its slot's planned start; a slot more than ${FAST_SLOT_S} s late is dropped`,
        `targets: default HTTP monitor, standard mode, median ≤ ${MAX_STANDARD_MEDIAN_S} s; fast mode median ≤ ${MAX_FAST_MEDIAN_S} s`,
        'changed on 2026-12-04: the model before assumed clock-aligned periods evaluated only once ended; CloudWatch documents a sliding window as the default ("If you don\'t specify EvaluationWindow ..., the alarm uses a sliding window ... it detects breaches as soon as data points cross your threshold", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html), and Vigil\'s alarms set none, so the wait for a period to end is gone; the wall-clock model stays as a sensitivity row',
        ...notes,
      ],
    },
  ];
  if (base) {
    tables.push({
      title: `Sensitivity of the default profile (${describe(base)}), endpoint error`,
      columns: ['assumption', 'median', 'p95'],
      align: ['left', 'right', 'right'],
      rows: defaultSensitivity.map((s) => [s.label, duration(s.stats.median), duration(s.stats.p95)]),
    });
  }
  if (fastProfile) {
    tables.push({
      title: `Sensitivity of fast mode (${describe(fastProfile)}), endpoint error`,
      columns: ['assumption', 'median', 'p95'],
      align: ['left', 'right', 'right'],
      rows: fastSensitivity.map((s) => [s.label, duration(s.stats.median), duration(s.stats.p95)]),
    });
  }
  tables.push({
    title: `Blips: the endpoint fails (answers wrongly) for D s, then recovers; how often it pages, ${int(trials)} blips per cell`,
    columns: ['profile', ...FLAP_COLUMNS_S.map((b) => (b === 0 ? 'no failure' : `${b} s blip`))],
    align: ['left', ...FLAP_COLUMNS_S.map(() => 'right' as const)],
    rows: flap.map((f) => [f.label, ...f.blips.map(pages)]),
    notes: [
      'a blip at a random time; a probe that starts inside it fails. With confirmation, the second probe starts afterMs after the first: a blip shorter than that never fails both',
      "fast mode's next probe is its confirmation: two failures in a row need a blip longer than the 10 s between slots",
      "no failure: the same ten-odd minutes with the endpoint healthy throughout. A page there is the invocation delay moving checks whose phase sits within it of the sliding window's edges (the evaluation's phase, fixed per alarm) in and out of a period: some periods are empty, and an alarm that fills missing periods as breaching (fewer real points than EvaluationPeriods in its range) pages",
      `the rows ending "${slow}": the same with invocation delay 0–5 s instead of 0–1 s (EventBridge Scheduler only promises "60 second precision")`,
    ],
  });

  const error = (p: TimingProfile | undefined) =>
    p ? simulate(p, 'error', trials, DEFAULT_MODEL, 1).stats : undefined;
  const hang = (p: TimingProfile | undefined) =>
    p ? simulate(p, 'hang', trials, DEFAULT_MODEL, 2).stats : undefined;
  const latencyTarget = (
    figure: string,
    s: Stats | undefined,
    max: number,
    missing: string,
  ): TargetCheck => ({
    figure,
    target: `median ≤ ${max} s`,
    value: s ? `${fixed(s.median, 1)} / ${fixed(s.p95, 1)} s` : missing,
    met: s ? s.median <= max : undefined,
    deterministic: true,
  });
  const fastLabel = `fast mode${fastVariant ? ' (variant)' : ''}`;
  const flapTarget = (label: string, key: 'default' | 'fast'): TargetCheck => {
    const f = flap.find((row) => row.key === key);
    return {
      figure: `pages with no failure / on a ${BLIPS_S.join(' / ')} s blip, ${label}`,
      target: 'never',
      value: f ? f.blips.map((b) => (b.alarmed === 0 ? 'never' : pages(b))).join(' / ') : '—',
      met: f ? f.blips.every((b) => b.alarmed === 0) : undefined,
      deterministic: true,
    };
  };
  const targets: TargetCheck[] = [
    latencyTarget(
      'failure to page, default HTTP monitor, standard (median / p95; endpoint error)',
      error(base),
      MAX_STANDARD_MEDIAN_S,
      'no default-profile monitor',
    ),
    latencyTarget(
      'failure to page, default HTTP monitor, standard (median / p95; endpoint hangs)',
      hang(base),
      MAX_STANDARD_MEDIAN_S,
      '—',
    ),
    latencyTarget(
      `failure to page, ${fastLabel} (median / p95; endpoint error)`,
      error(fastProfile),
      MAX_FAST_MEDIAN_S,
      'no fast monitor',
    ),
    latencyTarget(
      `failure to page, ${fastLabel} (median / p95; endpoint hangs)`,
      hang(fastProfile),
      MAX_FAST_MEDIAN_S,
      '—',
    ),
    ...(base ? [flapTarget('default HTTP monitor', 'default')] : []),
    ...(fastProfile ? [flapTarget(fastLabel, 'fast')] : []),
  ];
  return {
    id: 'page-latency',
    title: '4. Failure-to-page latency (simulated from the synthesized template)',
    deterministic: true,
    tables,
    targets,
    data: {
      trials,
      model: DEFAULT_MODEL,
      synthMs: synth.synthMs,
      profiles: figures,
      sensitivity: defaultSensitivity,
      fastSensitivity,
      flap,
      notes,
    },
  };
}

if (isMain(import.meta.url)) await runStandalone(benchPageLatency);
