/**
 * The sweep's decisions on a fake clock: reminders on their boundaries only, and the pages a
 * maintenance window held, released once when it closes.
 */
import { describe, expect, it } from 'vitest';
import { isPagingAlarm, reminderHours } from '../../lambdas/pager/catalog.ts';
import type { AlarmFacts } from '../../lambdas/pager/events.ts';
import { type MuteRule, planSweep, reminderDue, sweepInterval } from '../../lambdas/pager/sweep.ts';
import { catalog, catalogWithoutComposites } from './fixtures.ts';

function inAlarm(name: string, since: string): AlarmFacts {
  return { name, state: 'ALARM', reason: 'Threshold Crossed', since: new Date(since) };
}

/** Every 15-minute sweep from `from` to `to`, each starting a few seconds late as Lambda does. */
function sweepsBetween(from: string, to: string): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 15 * 60_000) out.push(new Date(t + 2_345));
  return out;
}

const sundayWindow: MuteRule = {
  name: 'vigil-ops-mute-sunday-maintenance',
  schedule: { expression: 'cron(0 2 * * SUN)', duration: 'PT2H', timezone: 'UTC' },
  alarmNames: ['vigil-ops-service-madef-P1', 'vigil-ops-service-madef-P2', 'vigil-ops-madef-api-health'],
};

describe('sweep interval', () => {
  it('is the last whole sweep period, whatever second the sweep starts', () => {
    expect(sweepInterval(new Date('2026-03-01T10:15:02.345Z'), 15)).toEqual({
      start: new Date('2026-03-01T10:00:00Z'),
      end: new Date('2026-03-01T10:15:00Z'),
    });
    expect(sweepInterval(new Date('2026-03-01T10:29:59Z'), 15).end).toEqual(new Date('2026-03-01T10:15:00Z'));
  });
});

describe('reminders', () => {
  it('fires a 4 h reminder once per boundary, not on every sweep', () => {
    const since = new Date('2026-03-01T10:02:30Z');
    const fired = sweepsBetween('2026-03-01T10:15:00Z', '2026-03-01T22:00:00Z')
      .filter((now) => reminderDue(since, 4, sweepInterval(now, 15)))
      .map((now) => now.toISOString());
    expect(fired).toEqual(['2026-03-01T14:15:02.345Z', '2026-03-01T18:15:02.345Z']);
  });

  it('fires on a boundary that falls exactly on the end of an interval, and only then', () => {
    const since = new Date('2026-03-01T10:00:00Z');
    expect(reminderDue(since, 4, sweepInterval(new Date('2026-03-01T14:00:05Z'), 15))).toBe(true);
    expect(reminderDue(since, 4, sweepInterval(new Date('2026-03-01T14:15:05Z'), 15))).toBe(false);
    expect(reminderDue(since, 4, sweepInterval(new Date('2026-03-01T13:59:59Z'), 15))).toBe(false);
  });

  it('never fires for 0 hours', () => {
    expect(reminderDue(new Date(0), 0, sweepInterval(new Date('2026-03-01T14:00:05Z'), 15))).toBe(false);
  });

  it('reminds P1/P2 every 4 h by default and P3 never', () => {
    expect(reminderHours(catalog, 'vigil-ops-service-madef-P1')).toBe(4);
    expect(reminderHours(catalog, 'vigil-ops-service-whatsapp-P2')).toBe(4);
    expect(reminderHours(catalog, 'vigil-ops-service-whatsapp-P3')).toBe(0);
    expect(reminderHours(catalog, 'vigil-ops-wa-outbox-warning')).toBe(0);
    expect(reminderHours(catalog, 'vigil-ops-wa-outbox-dead-letters')).toBe(4);
    expect(reminderHours(catalog, 'vigil-ops-vigil-heartbeat')).toBe(0);
  });

  it('sends no P3 reminder, however long the warning lasts', () => {
    const alarms = [
      inAlarm('vigil-ops-wa-outbox-warning', '2026-03-01T02:00:00Z'),
      inAlarm('vigil-ops-service-whatsapp-P3', '2026-03-01T02:00:00Z'),
    ];
    for (const now of sweepsBetween('2026-03-01T02:15:00Z', '2026-03-02T02:00:00Z')) {
      expect(planSweep(catalog, alarms, [], sweepInterval(now, 15)).reminders).toEqual([]);
    }
  });

  it("reminds through the service's paging composite, not its members", () => {
    const alarms = [
      inAlarm('vigil-ops-madef-api-health', '2026-03-01T10:02:00Z'),
      inAlarm('vigil-ops-service-madef', '2026-03-01T10:02:10Z'),
      inAlarm('vigil-ops-service-madef-P1', '2026-03-01T10:02:10Z'),
    ];
    const plan = planSweep(catalog, alarms, [], sweepInterval(new Date('2026-03-01T14:15:00Z'), 15));
    expect(plan.reminders.map((a) => a.name)).toEqual(['vigil-ops-service-madef-P1']);
  });

  it('reminds through a monitor alarm when its service has no composite, or the listed one is not in ALARM', () => {
    const alarms = [inAlarm('vigil-ops-madef-api-health', '2026-03-01T10:02:00Z')];
    const interval = sweepInterval(new Date('2026-03-01T14:15:00Z'), 15);
    expect(planSweep(catalogWithoutComposites, alarms, [], interval).reminders.map((a) => a.name)).toEqual([
      'vigil-ops-madef-api-health',
    ]);
    expect(planSweep(catalog, alarms, [], interval).reminders.map((a) => a.name)).toEqual([
      'vigil-ops-madef-api-health',
    ]);
    expect(isPagingAlarm(catalog, 'vigil-ops-madef-api-health')).toBe(false);
    expect(isPagingAlarm(catalog, 'vigil-ops-service-madef')).toBe(false);
  });

  it('holds reminders while a maintenance window is open', () => {
    // In ALARM since Saturday 22:02; the 4 h boundary, Sunday 02:02, is inside the window.
    const alarms = [inAlarm('vigil-ops-service-madef-P1', '2026-02-28T22:02:00Z')];
    const plan = planSweep(
      catalog,
      alarms,
      [sundayWindow],
      sweepInterval(new Date('2026-03-01T02:15:00Z'), 15),
    );
    expect(plan.reminders).toEqual([]);
    expect(plan.held).toEqual([]);
  });
});

describe('pages held by a maintenance window', () => {
  const breachedInside = inAlarm('vigil-ops-service-madef-P1', '2026-03-01T02:40:00Z');

  it('pages, 10 min after the window closed, an alarm that went to ALARM inside it', () => {
    const plan = planSweep(
      catalog,
      [breachedInside],
      [sundayWindow],
      sweepInterval(new Date('2026-03-01T04:10:00Z'), 15),
    );
    expect(plan.held).toEqual([
      {
        alarm: breachedInside,
        heldBy: {
          window: 'sunday-maintenance',
          start: new Date('2026-03-01T02:00:00Z'),
          end: new Date('2026-03-01T04:00:00Z'),
        },
      },
    ]);
    expect(plan.reminders).toEqual([]);
  });

  it('does not page for a window that closed an hour ago (that sweep already did)', () => {
    const plan = planSweep(
      catalog,
      [breachedInside],
      [sundayWindow],
      sweepInterval(new Date('2026-03-01T05:00:01Z'), 15),
    );
    expect(plan.held).toEqual([]);
  });

  it('pages once across consecutive sweeps', () => {
    const released = sweepsBetween('2026-03-01T02:15:00Z', '2026-03-01T08:00:00Z').filter(
      (now) => planSweep(catalog, [breachedInside], [sundayWindow], sweepInterval(now, 15)).held.length > 0,
    );
    expect(released.map((d) => d.toISOString())).toEqual(['2026-03-01T04:00:02.345Z']);
  });

  it('leaves alarms that were already in ALARM before the window (paged then) and untargeted ones', () => {
    const before = inAlarm('vigil-ops-service-madef-P1', '2026-03-01T01:50:00Z');
    const untargeted = inAlarm('vigil-ops-service-whatsapp-P2', '2026-03-01T02:30:00Z');
    const plan = planSweep(
      catalog,
      [before, untargeted],
      [sundayWindow],
      sweepInterval(new Date('2026-03-01T04:10:00Z'), 15),
    );
    expect(plan.held).toEqual([]);
  });

  it("releases a member alarm's page only when no composite carries it", () => {
    const member = inAlarm('vigil-ops-madef-api-health', '2026-03-01T02:40:00Z');
    const interval = sweepInterval(new Date('2026-03-01T04:10:00Z'), 15);
    expect(
      planSweep(catalog, [member, breachedInside], [sundayWindow], interval).held.map((h) => h.alarm.name),
    ).toEqual(['vigil-ops-service-madef-P1']);
    expect(
      planSweep(catalogWithoutComposites, [member], [sundayWindow], interval).held.map((h) => h.alarm.name),
    ).toEqual(['vigil-ops-madef-api-health']);
  });

  it('releases a one-time `vigil mute` window the same way', () => {
    const mute: MuteRule = {
      name: 'vigil-ops-mute-deploy-42',
      schedule: { expression: 'at(2026-03-05T22:00)', duration: 'PT1H' },
      alarmNames: ['vigil-ops-service-madef-P1'],
    };
    const alarm = inAlarm('vigil-ops-service-madef-P1', '2026-03-05T22:10:00Z');
    const plan = planSweep(catalog, [alarm], [mute], sweepInterval(new Date('2026-03-05T23:05:00Z'), 15));
    expect(plan.held.map((h) => h.heldBy.window)).toEqual(['deploy-42']);
  });

  it('reports a rule whose schedule it cannot read, and still sends the other pages', () => {
    const broken: MuteRule = {
      ...sundayWindow,
      name: 'vigil-ops-mute-odd',
      schedule: { expression: 'rate(1 day)', duration: 'PT1H' },
    };
    const plan = planSweep(
      catalog,
      [breachedInside],
      [broken, sundayWindow],
      sweepInterval(new Date('2026-03-01T04:10:00Z'), 15),
    );
    expect(plan.unreadableRules).toEqual([
      {
        rule: 'vigil-ops-mute-odd',
        error: '"rate(1 day)" is neither cron(...) nor at(yyyy-MM-ddThh:mm); e.g. "cron(0 2 * * SUN)"',
      },
    ]);
    expect(plan.held).toHaveLength(1);
  });
});
