/**
 * The confirmation probe's config (`confirm` on HTTP monitors) and the alarm defaults per kind
 * (docs/adr/0013-confirmed-failures.md): how they resolve, round-trip through the schedule's payload,
 * and fail with the path and the fix.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALARM,
  defaultAlarmFor,
  type Monitor,
  parseCanaryEvent,
  parseConfig,
  resolveAlarm,
  toCanaryEvent,
} from '../../lib/config/index.ts';
import { invocationDeadlineMs } from '../../lib/monitors/monitor-traits.ts';
import { problems } from '../support/config-problems.ts';

const http = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'http',
  name,
  url: `https://example.com/${name}`,
  ...over,
});
const queue = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'queue',
  name,
  sqs: { queue: name },
  maxDepth: 100,
  ...over,
});
const backup = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'backup',
  name,
  s3: { bucket: 'acme-backups', prefix: `${name}/` },
  ...over,
});
const command = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'command',
  name,
  instances: ['i-0123456789abcdef0'],
  command: 'systemctl is-active worker',
  ...over,
});

function monitors(list: Record<string, unknown>[], extra: Record<string, unknown> = {}): readonly Monitor[] {
  return parseConfig({ project: 'x', ...extra, monitors: list }).monitors;
}

const alarmOf = (m: Monitor | undefined) =>
  m && `${m.alarm.datapointsToAlarm} of ${m.alarm.evaluationPeriods}`;

describe('alarm defaults per kind', () => {
  it('defaults each kind as the ADR table says: confirmed http 1 of 1, unconfirmed 2 of 3, fast 2 of 3, queue 2 of 3, backup 1 of 1, command 2 of 3', () => {
    const resolved = monitors([
      http('standard'),
      http('unconfirmed', { confirm: false }),
      http('fast', { fast: true }),
      queue('orders'),
      backup('db-backup'),
      command('worker'),
    ]);
    expect(resolved.map((m) => [m.name, alarmOf(m)])).toEqual([
      ['standard', '1 of 1'],
      ['unconfirmed', '2 of 3'],
      ['fast', '2 of 3'],
      ['orders', '2 of 3'],
      ['db-backup', '1 of 1'],
      ['worker', '2 of 3'],
    ]);
    // The same table from the one function, for a monitor as written or as resolved.
    expect(defaultAlarmFor({ kind: 'http' })).toEqual({ datapointsToAlarm: 1, evaluationPeriods: 1 });
    expect(defaultAlarmFor({ kind: 'http', confirm: { afterMs: 2_000 } })).toEqual(DEFAULT_ALARM);
    expect(defaultAlarmFor({ kind: 'http', confirm: false })).toEqual({
      datapointsToAlarm: 2,
      evaluationPeriods: 3,
    });
    expect(defaultAlarmFor({ kind: 'http', fast: true })).toEqual({
      datapointsToAlarm: 2,
      evaluationPeriods: 3,
    });
    for (const m of resolved) expect(defaultAlarmFor(m)).toEqual(m.alarm);
  });

  it("puts the monitor's alarm over defaults.alarm over the kind's default, for every kind but fast", () => {
    const resolved = monitors(
      [
        http('standard'),
        backup('db-backup'),
        queue('orders', { alarm: { datapointsToAlarm: 3, evaluationPeriods: 5 } }),
        http('fast', { fast: true }),
      ],
      { defaults: { alarm: { datapointsToAlarm: 2, evaluationPeriods: 3 } } },
    );
    expect(resolved.map((m) => [m.name, alarmOf(m)])).toEqual([
      ['standard', '2 of 3'],
      ['db-backup', '2 of 3'],
      ['orders', '3 of 5'],
      // defaults.alarm is sized for one check a minute; a fast monitor keeps its 10 s default.
      ['fast', '2 of 3'],
    ]);
  });

  it('fills the half of M of N not given from the kind default, keeping M <= N', () => {
    const resolved = monitors([
      http('two-minutes', { alarm: { datapointsToAlarm: 2 } }),
      http('recovers-slowly', { alarm: { evaluationPeriods: 3 } }),
      queue('orders', { alarm: { evaluationPeriods: 1 } }),
      command('worker', { alarm: { datapointsToAlarm: 3 } }),
    ]);
    expect(resolved.map((m) => [m.name, alarmOf(m)])).toEqual([
      ['two-minutes', '2 of 2'],
      ['recovers-slowly', '1 of 3'],
      ['orders', '1 of 1'],
      ['worker', '3 of 3'],
    ]);
    expect(resolveAlarm({ datapointsToAlarm: 2, evaluationPeriods: 3 })).toEqual({
      datapointsToAlarm: 2,
      evaluationPeriods: 3,
    });
    // Later wins field by field: defaults.alarm's N with the monitor's M.
    expect(
      resolveAlarm(
        DEFAULT_ALARM,
        { evaluationPeriods: 5 },
        { datapointsToAlarm: 3, evaluationPeriods: undefined },
      ),
    ).toEqual({ datapointsToAlarm: 3, evaluationPeriods: 5 });
  });
});

describe('confirm', () => {
  it('resolves to { afterMs } (5000 by default) on standard HTTP monitors, false when off or fast', () => {
    const resolved = monitors([
      http('default'),
      http('on', { confirm: true }),
      http('empty', { confirm: {} }),
      http('slower', { confirm: { afterMs: 12_000 } }),
      http('off', { confirm: false }),
      http('fast', { fast: true }),
      http('fast-off', { fast: true, confirm: false }),
    ]);
    expect(resolved.map((m) => [m.name, m.kind === 'http' && m.confirm])).toEqual([
      ['default', { afterMs: 5_000 }],
      ['on', { afterMs: 5_000 }],
      ['empty', { afterMs: 5_000 }],
      ['slower', { afterMs: 12_000 }],
      ['off', false],
      ['fast', false],
      ['fast-off', false],
    ]);
  });

  it('round-trips through the schedule payload, which states it on standard monitors and leaves it out of fast ones', () => {
    const resolved = monitors([
      http('default'),
      http('slower', { confirm: { afterMs: 12_000 } }),
      http('off', { confirm: false }),
      http('fast', { fast: true }),
    ]);
    const payloads = resolved.map((m) => JSON.parse(JSON.stringify(toCanaryEvent(m))));
    expect(payloads.map((p) => p.monitor.confirm)).toEqual([
      { afterMs: 5_000 },
      { afterMs: 12_000 },
      false,
      undefined,
    ]);
    expect(payloads.map((p) => parseCanaryEvent(p))).toEqual(resolved);
  });

  it('refuses confirm with fast: true, naming the path and the fix', () => {
    expect(
      problems({
        project: 'x',
        monitors: [
          http('a', { fast: true, confirm: true }),
          http('b', { fast: true, confirm: { afterMs: 2_000 } }),
        ],
      }),
    ).toEqual([
      'monitors[0].confirm: a confirmation probe does not work with fast: true, whose next probe 10 s later is its confirmation (its alarm defaults to 2 of 3 ten-second periods); remove confirm, or drop fast: true to confirm inside a minute',
      'monitors[1].confirm: a confirmation probe does not work with fast: true, whose next probe 10 s later is its confirmation (its alarm defaults to 2 of 3 ten-second periods); remove confirm, or drop fast: true to confirm inside a minute',
    ]);
  });

  it('refuses afterMs outside 1000..30000 ms, saying why, and anything but a boolean or { afterMs }', () => {
    expect(
      problems({
        project: 'x',
        monitors: [
          http('a', { confirm: { afterMs: 999 } }),
          http('b', { confirm: { afterMs: 30_001 } }),
          http('c', { confirm: 'yes' }),
          http('d', { confirm: { after: 5_000 } }),
        ],
      }),
    ).toEqual([
      'monitors[0].confirm.afterMs: must be at least 1000 ms: a second probe sooner than 1 s after the first sees the same blip and confirms nothing',
      "monitors[1].confirm.afterMs: must be at most 30000 ms: the minute's datapoint waits for the second probe, and a later one reaches the alarm after 2 of 3 without confirmation would have paged (use confirm: false and an alarm of your own instead)",
      'monitors[2].confirm: must be true, false or { afterMs: 5000 } (whole ms after the first probe started, 1000..30000)',
      'monitors[3].confirm.after: unknown field; remove it',
    ]);
    expect(monitors([http('edge', { confirm: { afterMs: 1_000 } })])[0]).toMatchObject({
      confirm: { afterMs: 1_000 },
    });
  });

  it('refuses confirm on a queue, backup or command monitor, naming the path', () => {
    const lines = problems({
      project: 'x',
      monitors: [
        queue('orders', { confirm: true }),
        backup('db-backup', { confirm: false }),
        command('worker', { confirm: {} }),
      ],
    });
    expect(lines.map((l) => l.split(': ')[0])).toEqual([
      'monitors[0].confirm',
      'monitors[1].confirm',
      'monitors[2].confirm',
    ]);
    for (const line of lines) expect(line).toMatch(/: unknown field; known fields: name, /);
  });

  it("sizes the canary's deadline for the second probe: max(afterMs, timeoutMs) + timeoutMs", () => {
    const [standard, slow, late, off, fast] = monitors([
      http('standard'),
      http('slow', { timeoutMs: 20_000 }),
      http('late', { confirm: { afterMs: 30_000 } }),
      http('off', { confirm: false }),
      http('fast', { fast: true }),
    ]);
    if (!standard || !slow || !late || !off || !fast) throw new Error('missing monitors');
    expect(invocationDeadlineMs(standard)).toBe(10_000 + 10_000);
    expect(invocationDeadlineMs(slow)).toBe(20_000 + 20_000);
    expect(invocationDeadlineMs(late)).toBe(30_000 + 10_000);
    expect(invocationDeadlineMs(off)).toBe(10_000);
    // The fast branch is fast mode's own (one probe plus the send), untouched by confirm.
    expect(invocationDeadlineMs(fast)).toBeLessThan(10_000 + 10_000);
  });
});

describe('fast mode in the lean tier', () => {
  it('allows fast mode in lean (a high-resolution Success is all its alarm reads), still refuses it in grouped', () => {
    const [fast] = monitors([http('a', { fast: true, tier: 'lean' })]);
    expect(fast).toMatchObject({
      tier: 'lean',
      fast: true,
      alarm: { datapointsToAlarm: 2, evaluationPeriods: 3 },
    });
    expect(problems({ project: 'x', monitors: [http('a', { fast: true, tier: 'grouped' })] })).toEqual([
      "monitors[0].fast: fast mode (high-resolution Success and a 10 s alarm) needs metrics the grouped tier does not publish; use tier: 'full' for this monitor",
    ]);
  });
});
