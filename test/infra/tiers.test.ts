import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { buildPagerCatalog, serviceAlarmNames } from '../../lib/paging/catalog.ts';
import { addVigilStacks } from '../../lib/vigil-app.ts';
import { monitorsInSchedule, type Synthesized, synthVigil } from '../support/synth.ts';

const http = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'http' as const,
  name,
  url: `https://example.com/${name}`,
  ...over,
});

/** Alarm names of the template, Vigil's own watchers left out. */
function monitorAlarmNames(synth: Synthesized): string[] {
  return Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))
    .map((r) => String(r.Properties?.AlarmName))
    .filter((n) => !n.includes('-vigil-'))
    .sort();
}

describe('lean tier', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthVigil(
      parseConfig({
        project: 't',
        defaults: { tier: 'lean' },
        monitors: [
          http('api', { maxLatencyMs: 2000 }),
          { kind: 'queue', name: 'jobs', sqs: { queue: 'jobs' }, maxDepth: 10 },
        ],
      }),
    );
  });

  it('gives each monitor one Success alarm, missing data breaching, and no other alarm', () => {
    expect(monitorAlarmNames(synth)).toEqual(['vigil-t-api', 'vigil-t-jobs']);
    const [api] = Object.values(
      synth.template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'vigil-t-api' } }),
    );
    expect(api?.Properties).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'Success',
      Dimensions: [{ Name: 'Monitor', Value: 'api' }],
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('mentions LatencyMs and the queue measurements nowhere in the template (alarms, dashboards)', () => {
    // The schedule's payload carries the config's `maxLatencyMs` (a check rule, not a metric).
    const json = JSON.stringify(synth.template.toJSON()).replaceAll('maxLatencyMs', '');
    expect(json).not.toContain('LatencyMs');
    expect(json).not.toContain('QueueDepth');
  });
});

describe('grouped tier', () => {
  const config = parseConfig({
    project: 't',
    services: { shop: { tier: 'grouped' } },
    monitors: [
      ...Array.from({ length: 20 }, (_, i) =>
        http(`shop-${i + 1}`, {
          service: 'shop',
          severity: i === 7 ? 'P1' : 'P3',
          schedule: 'rate(1 minute)',
          // Unconfirmed: the kind's 2 of 3.
          confirm: false,
        }),
      ),
      // Its 1 of 4 against the others' 2 of 3: the smallest M (1) and the smallest N (3) come from
      // different monitors.
      http('shop-hourly', {
        service: 'shop',
        schedule: 'rate(5 minutes)',
        alarm: { datapointsToAlarm: 1, evaluationPeriods: 4 },
      }),
    ],
  });
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthVigil(config);
  });

  it('gives the service exactly one alarm: Sum of FailedChecks {Service} >= 1, strictest M of N (smallest M, smallest N >= M), missing data breaching', () => {
    expect(monitorAlarmNames(synth)).toEqual(['vigil-t-service-shop-grouped']);
    const [grouped] = Object.values(
      synth.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'vigil-t-service-shop-grouped' },
      }),
    );
    expect(grouped?.Properties).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'FailedChecks',
      Dimensions: [{ Name: 'Service', Value: 'shop' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      DatapointsToAlarm: 1,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
    });
    // The highest severity among its monitors pages: P1's raw topic.
    expect(JSON.stringify(grouped?.Properties?.AlarmActions)).toContain('P1');
  });

  it('makes no per-monitor alarm, no composite, and still schedules every check', () => {
    expect(synth.template.findResources('AWS::CloudWatch::CompositeAlarm')).toEqual({});
    // The twenty one-minute checks share one invocation; the five-minute one has its own schedule.
    const payloads = Object.values(synth.template.findResources('AWS::Scheduler::Schedule'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => String(p.Name).startsWith('shop.'))
      .map(monitorsInSchedule);
    expect(payloads.map((names) => names.length).sort((a, b) => a - b)).toEqual([1, 20]);
    expect(payloads.flat().sort()).toEqual(config.monitors.map((m) => m.name).sort());
    expect(JSON.stringify(synth.template.toJSON())).not.toContain('"MetricName":"Success"');
  });

  it('lists the grouped alarm in the pager catalog and for mute rules under its service', () => {
    const catalog = buildPagerCatalog(config);
    expect(catalog.alarms['vigil-t-service-shop-grouped']).toEqual({
      type: 'service',
      service: 'shop',
      severity: 'P1',
      grouped: true,
    });
    expect(Object.keys(catalog.alarms)).toEqual(['vigil-t-service-shop-grouped']);
    expect(serviceAlarmNames(config, 'shop')).toEqual(['vigil-t-service-shop-grouped']);
  });
});

describe('grouped tier across split stacks', () => {
  it('puts the one grouped alarm in part 1 of the service, and no per-monitor alarm in any part', () => {
    const config = parseConfig({
      project: 't',
      services: { shop: { tier: 'grouped' } },
      // Own invocations: 60 schedules, more than one stack of 40 holds.
      monitors: Array.from({ length: 60 }, (_, i) =>
        http(`shop-${i + 1}`, { service: 'shop', invocation: 'own' }),
      ),
    });
    const stacks = addVigilStacks(new App(), { config, budget: 40 });
    expect(stacks.monitorStacks.length).toBeGreaterThan(1);
    const alarmsByStack = stacks.monitorStacks.map((s) =>
      Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm')).map((r) =>
        String(r.Properties?.AlarmName),
      ),
    );
    expect(alarmsByStack.flat()).toEqual(['vigil-t-service-shop-grouped']);
    const part1 = stacks.monitorStacks.find((s) => s.share.part === 1);
    if (!part1) throw new Error('no part 1');
    expect(Object.values(Template.fromStack(part1).findResources('AWS::CloudWatch::Alarm'))).toMatchObject([
      { Properties: { MetricName: 'FailedChecks', Dimensions: [{ Name: 'Service', Value: 'shop' }] } },
    ]);
  });
});
