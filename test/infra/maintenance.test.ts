/**
 * Maintenance windows: CloudWatch alarm mute rules on the windows' services. Alarms keep evaluating
 * and checks keep running; only actions are muted.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaintenanceMuteRules } from '../../lib/constructs/maintenance-mute-rules.ts';
import { incidentConfig } from '../support/configs.ts';
import { namesById, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
let alarmNames: Record<string, string>;
beforeAll(() => {
  synth = synthVigil(incidentConfig);
  alarmNames = {
    ...namesById(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName'),
    ...namesById(synth.template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName'),
  };
});

/** A mute rule's properties, its alarm names resolved from `{ Ref }` to the names they stand for. */
function rule(name: string) {
  const props = propertiesNamed(synth.template, 'AWS::CloudWatch::AlarmMuteRule', 'Name', name) as {
    Rule: unknown;
    MuteTargets: { AlarmNames: { Ref: string }[] };
    Description: string;
  };
  return {
    ...props,
    MuteTargets: { AlarmNames: props.MuteTargets.AlarmNames.map((r) => alarmNames[r.Ref] ?? `?${r.Ref}`) },
  };
}

describe('maintenance mute rules', () => {
  it('mutes every alarm of the window services, composites included, weekly in UTC for its length', () => {
    expect(rule('vigil-shop-mute-sunday-maintenance')).toMatchObject({
      Rule: { Schedule: { Expression: 'cron(0 2 * * SUN)', Duration: 'PT2H', Timezone: 'UTC' } },
      MuteTargets: {
        AlarmNames: [
          'vigil-shop-db-health',
          'vigil-shop-db-backups',
          'vigil-shop-service-db',
          'vigil-shop-service-db-P1',
          'vigil-shop-service-db-P2',
          'vigil-shop-api-health',
          'vigil-shop-api-orders',
          'vigil-shop-api-orders-warning',
          'vigil-shop-api-orders-dead-letters',
          'vigil-shop-api-slow',
          'vigil-shop-service-api',
          'vigil-shop-service-api-P1',
          'vigil-shop-service-api-P2',
          'vigil-shop-service-api-P3',
        ],
      },
    });
  });

  it('uses the window time zone and days, and names only alarms that exist (no composites for blog)', () => {
    const deploys = rule('vigil-shop-mute-deploys');
    expect(deploys.Rule).toEqual({
      Schedule: { Expression: 'cron(30 21 * * TUE,THU)', Duration: 'PT45M', Timezone: 'Europe/Istanbul' },
    });
    expect(deploys.MuteTargets.AlarmNames).toHaveLength(14 + 3 + 1);
    expect(deploys.MuteTargets.AlarmNames.slice(-4)).toEqual([
      'vigil-shop-web-home',
      'vigil-shop-service-web',
      'vigil-shop-service-web-P2',
      'vigil-shop-blog-home',
    ]);
    expect(deploys.Description).toMatch(/checks keep running/);
  });

  it("leaves Vigil's own alarms and the heartbeat unmuted", () => {
    const muted = Object.values(synth.template.findResources('AWS::CloudWatch::AlarmMuteRule')).flatMap(
      (r) =>
        (r as { Properties: { MuteTargets: { AlarmNames: { Ref: string }[] } } }).Properties.MuteTargets
          .AlarmNames,
    );
    expect(muted.map((r) => alarmNames[r.Ref]).filter((n) => n?.startsWith('vigil-shop-vigil-'))).toEqual([]);
  });

  it('keeps checking during a window: every monitor schedule stays enabled, with no window of its own', () => {
    const schedules = Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).map(
      (r) => (r as { Properties: { State: string } }).Properties.State,
    );
    expect(new Set(schedules)).toEqual(new Set(['ENABLED']));
  });

  it('splits a window of more than 100 alarms into rules -1, -2... with the same schedule', () => {
    const stack = new Stack(new App(), 'Many');
    const alarms = Array.from(
      { length: 230 },
      (_, i) =>
        new cloudwatch.Alarm(stack, `A${i}`, {
          alarmName: `a-${i}`,
          metric: new cloudwatch.Metric({ namespace: 'Vigil', metricName: 'Success' }),
          threshold: 1,
          evaluationPeriods: 1,
        }),
    );
    const window = incidentConfig.maintenance[0];
    if (!window) throw new Error('fixture has no window');
    new MaintenanceMuteRules(stack, 'Window', { project: 'p', window, alarms });
    const rules = Object.values(
      Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule'),
    ).map(
      (r) =>
        (r as { Properties: { Name: string; Rule: unknown; MuteTargets: { AlarmNames: unknown[] } } })
          .Properties,
    );
    expect(rules.map((r) => [r.Name, r.MuteTargets.AlarmNames.length])).toEqual([
      ['vigil-p-mute-sunday-maintenance-1', 100],
      ['vigil-p-mute-sunday-maintenance-2', 100],
      ['vigil-p-mute-sunday-maintenance-3', 30],
    ]);
    expect(new Set(rules.map((r) => JSON.stringify(r.Rule))).size).toBe(1);
  });
});
