/**
 * One page per incident: service composites, which alarms page by themselves, and how a dependant
 * service's pages are held while its dependency is down.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, SEVERITIES, type Severity } from '../../lib/config/index.ts';
import { ServiceIncident } from '../../lib/constructs/service-incident.ts';
import { deploymentIssues } from '../../lib/monitors/deployment-checks.ts';
import {
  anyOfRule,
  COMPOSITE_MAX_ALARMS,
  COMPOSITE_MAX_RULE_CHARS,
  compositeChunks,
  type IncidentMember,
  IncidentPlan,
  suppressionTiming,
} from '../../lib/paging/incident-plan.ts';
import { SeverityActionStrategy } from '../../lib/paging/severity-action-strategy.ts';
import { incidentConfig, incidentConfigInput } from '../support/configs.ts';
import { logicalId, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(incidentConfig);
});

const composite = (name: string) =>
  propertiesNamed(synth.template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName', name);
const alarm = (name: string) => propertiesNamed(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName', name);
const rawTopic = (severity: Severity) => [{ Ref: logicalId(synth.stack.paging.topics[severity]) }];
const composites = () =>
  Object.values(synth.template.findResources('AWS::CloudWatch::CompositeAlarm')).map(
    (r) => (r as { Properties: { AlarmName: string } }).Properties.AlarmName,
  );

describe('which services page through composites', () => {
  it('groups services with two or more monitors, with dependencies, or depended on; not a lone monitor', () => {
    expect([...IncidentPlan.of(incidentConfig).grouped].sort()).toEqual(['api', 'db', 'web']);
    expect(composites().filter((n) => n.includes('-service-blog'))).toEqual([]);
  });

  it('orders services after their dependencies', () => {
    expect(IncidentPlan.of(incidentConfig).services).toEqual(['db', 'api', 'web', 'blog']);
  });
});

describe('health composites', () => {
  it('is ALARM when any alarm of the service is (monitors, then each monitor aspects), and takes no actions', () => {
    expect(composite('vigil-shop-service-api')).toEqual({
      AlarmName: 'vigil-shop-service-api',
      AlarmDescription: expect.stringMatching(/^api: ALARM while any of its 5 alarms is\. Takes no actions/),
      AlarmRule:
        '(ALARM("vigil-shop-api-health") OR ALARM("vigil-shop-api-orders") OR ALARM("vigil-shop-api-orders-warning") OR ALARM("vigil-shop-api-orders-dead-letters") OR ALARM("vigil-shop-api-slow"))',
    });
    expect(composite('vigil-shop-service-db').AlarmRule).toBe(
      '(ALARM("vigil-shop-db-health") OR ALARM("vigil-shop-db-backups"))',
    );
    expect(composite('vigil-shop-service-web').AlarmRule).toBe('(ALARM("vigil-shop-web-home"))');
  });

  it('is created after the alarms its rule names (a rule may only name existing alarms)', () => {
    const health = synth.template.findResources('AWS::CloudWatch::CompositeAlarm', {
      Properties: { AlarmName: 'vigil-shop-service-db' },
    });
    const dependsOn = (Object.values(health)[0] as { DependsOn: string[] }).DependsOn;
    const ids = ['db-health', 'db-backups'].map((m) =>
      logicalId(synth.stack.monitors.get(m)?.alarm as cloudwatch.Alarm),
    );
    expect(dependsOn).toEqual(expect.arrayContaining(ids));
  });
});

describe('paging composites', () => {
  it('has one per severity present, naming exactly that severity alarms, paging its topic on ALARM and OK', () => {
    const expected: Record<string, [Severity, string]> = {
      'vigil-shop-service-api-P1': ['P1', '(ALARM("vigil-shop-api-health"))'],
      'vigil-shop-service-api-P2': [
        'P2',
        '(ALARM("vigil-shop-api-orders") OR ALARM("vigil-shop-api-orders-dead-letters"))',
      ],
      'vigil-shop-service-api-P3': [
        'P3',
        '(ALARM("vigil-shop-api-orders-warning") OR ALARM("vigil-shop-api-slow"))',
      ],
      'vigil-shop-service-db-P1': ['P1', '(ALARM("vigil-shop-db-health"))'],
      'vigil-shop-service-db-P2': ['P2', '(ALARM("vigil-shop-db-backups"))'],
      'vigil-shop-service-web-P2': ['P2', '(ALARM("vigil-shop-web-home"))'],
    };
    for (const [name, [severity, rule]] of Object.entries(expected)) {
      expect(composite(name), name).toMatchObject({
        AlarmRule: rule,
        AlarmActions: rawTopic(severity),
        OKActions: rawTopic(severity),
      });
      expect(composite(name).InsufficientDataActions).toBeUndefined();
    }
    expect(
      composites()
        .filter((n) => /-P\d$/.test(n))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it('leaves the member alarms of a grouped service without actions of their own', () => {
    for (const name of [
      'vigil-shop-db-health',
      'vigil-shop-db-backups',
      'vigil-shop-api-health',
      'vigil-shop-api-orders',
      'vigil-shop-api-orders-warning',
      'vigil-shop-api-orders-dead-letters',
      'vigil-shop-api-slow',
      'vigil-shop-web-home',
    ]) {
      const props = alarm(name);
      expect([props.AlarmActions, props.OKActions, props.InsufficientDataActions], name).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it('lets a single-monitor service without dependencies page from its own alarm', () => {
    expect(alarm('vigil-shop-blog-home')).toMatchObject({
      AlarmActions: rawTopic('P4'),
      OKActions: rawTopic('P4'),
      TreatMissingData: 'breaching',
    });
  });
});

describe('dependencies', () => {
  it("holds a dependant's pages while its one dependency's health composite is in ALARM", () => {
    const health = logicalId(synth.stack.incidents.get('db')?.health as cloudwatch.CompositeAlarm);
    for (const severity of ['P1', 'P2', 'P3'] as const) {
      expect(composite(`vigil-shop-service-api-${severity}`).ActionsSuppressor).toEqual({
        'Fn::GetAtt': [health, 'Arn'],
      });
    }
  });

  it("waits a minute past the dependency's detection, and holds pages until the dependant's slowest alarm can clear", () => {
    // Detection is period x M, recovery period x (N - M + 1). db-health (confirmed HTTP, 1 of 1)
    // detects in 60 s, as soon as any api alarm: no lag, one minute of slack (the lag itself is
    // in the suppressionTiming tests below).
    // api P1: api-health (1 of 1) needs 60 s of passing checks to clear after db recovers, + 60 s.
    expect(composite('vigil-shop-service-api-P1')).toMatchObject({
      ActionsSuppressorWaitPeriod: 60,
      ActionsSuppressorExtensionPeriod: 120,
    });
    // api P2: the queue (2 of 3) and its dead letters (1 of 2) each clear in 2 x 60 s, + 60 s.
    expect(composite('vigil-shop-service-api-P2')).toMatchObject({
      ActionsSuppressorWaitPeriod: 60,
      ActionsSuppressorExtensionPeriod: 180,
    });
    // api P3: api-slow (5 min, 1 of 1) needs 300 s + 60 s.
    expect(composite('vigil-shop-service-api-P3')).toMatchObject({
      ActionsSuppressorWaitPeriod: 60,
      ActionsSuppressorExtensionPeriod: 360,
    });
  });

  it('suppresses with a composite of the dependencies health composites (no actions) when there are several', () => {
    expect(composite('vigil-shop-service-web-DEPS')).toEqual({
      AlarmName: 'vigil-shop-service-web-DEPS',
      AlarmDescription: expect.stringContaining('api, db'),
      AlarmRule: '(ALARM("vigil-shop-service-api") OR ALARM("vigil-shop-service-db"))',
    });
    const deps = logicalId(
      synth.stack.incidents
        .get('web')
        ?.composites.get('vigil-shop-service-web-DEPS') as cloudwatch.CompositeAlarm,
    );
    expect(composite('vigil-shop-service-web-P2').ActionsSuppressor).toEqual({ 'Fn::GetAtt': [deps, 'Arn'] });
  });

  it('does not suppress a service without dependencies', () => {
    for (const name of ['vigil-shop-service-db-P1', 'vigil-shop-service-db-P2']) {
      expect(composite(name).ActionsSuppressor, name).toBeUndefined();
    }
  });
});

describe('suppressionTiming', () => {
  const m = (detectSeconds: number, recoverSeconds: number): IncidentMember => ({
    alarmName: 'x',
    severity: 'P1',
    monitor: 'x',
    detectSeconds,
    recoverSeconds,
  });

  it('waits the slowest dependency soonest detection minus the own soonest, plus a minute', () => {
    expect(suppressionTiming([m(120, 120)], [[m(300, 0), m(900, 0)], [m(180, 0)]])).toEqual({
      waitSeconds: 300 - 120 + 60,
      extensionSeconds: 180,
    });
  });

  it('keeps the wait between one and ten minutes, since every page of the dependant pays it', () => {
    expect(suppressionTiming([m(600, 60)], [[m(60, 0)]]).waitSeconds).toBe(60);
    expect(suppressionTiming([m(60, 60)], [[m(7200, 0)]]).waitSeconds).toBe(600);
  });

  it('keeps the extension between one and fifteen minutes', () => {
    expect(suppressionTiming([m(60, 7200)], [[m(60, 0)]]).extensionSeconds).toBe(900);
  });
});

describe('composite rule limits', () => {
  const names = (n: number, length = 20) =>
    Array.from({ length: n }, (_, i) => `vigil-p-${String(i).padStart(length - 8, '0')}`);

  it('keeps a rule that fits whole', () => {
    expect(compositeChunks(names(100))).toHaveLength(1);
  });

  it('splits at 100 alarms', () => {
    expect(compositeChunks(names(250)).map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it('splits at 10,240 characters before 100 alarms when names are long', () => {
    const chunks = compositeChunks(names(100, 150));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(COMPOSITE_MAX_ALARMS);
      expect(anyOfRule(chunk).length).toBeLessThanOrEqual(COMPOSITE_MAX_RULE_CHARS);
    }
    expect(chunks.flat()).toEqual(names(100, 150));
  });

  it('builds parts without actions, and a paging composite over the parts, for a 150-alarm service', () => {
    const stack = new Stack(new App(), 'Big');
    const topics = Object.fromEntries(SEVERITIES.map((s) => [s, new sns.Topic(stack, s)])) as Record<
      Severity,
      sns.Topic
    >;
    const members: IncidentMember[] = names(150).map((alarmName) => ({
      alarmName,
      severity: 'P2',
      monitor: alarmName,
      detectSeconds: 120,
      recoverSeconds: 120,
    }));
    const alarms = new Map(
      members.map((mb) => [
        mb.alarmName,
        new cloudwatch.Alarm(stack, mb.alarmName, {
          alarmName: mb.alarmName,
          metric: new cloudwatch.Metric({ namespace: 'Vigil', metricName: 'Success' }),
          threshold: 1,
          evaluationPeriods: 1,
        }),
      ]),
    );
    new ServiceIncident(stack, 'Big', {
      project: 'p',
      service: 'big',
      members,
      alarms,
      paging: new SeverityActionStrategy(topics),
    });
    const template = Template.fromStack(stack);
    const get = (name: string) =>
      propertiesNamed(template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName', name);
    expect(get('vigil-p-service-big').AlarmRule).toBe(
      '(ALARM("vigil-p-service-big-PART1") OR ALARM("vigil-p-service-big-PART2"))',
    );
    expect(get('vigil-p-service-big-P2')).toMatchObject({
      AlarmRule: '(ALARM("vigil-p-service-big-P2-PART1") OR ALARM("vigil-p-service-big-P2-PART2"))',
      AlarmActions: [{ Ref: stack.getLogicalId(topics.P2.node.defaultChild as sns.CfnTopic) }],
    });
    const part = get('vigil-p-service-big-P2-PART2');
    expect(part.AlarmRule).toBe(anyOfRule(names(150).slice(100)));
    expect(part.AlarmActions).toBeUndefined();
  });
});

describe('names the stack would create twice', () => {
  it('refuses "vigil" as a service: it is the built-in service of Vigil own alarms', () => {
    const config = parseConfig({
      project: 'x',
      monitors: [{ kind: 'http', name: 'home', service: 'vigil', url: 'https://example.com/' }],
    });
    expect(deploymentIssues(config)).toEqual([
      { path: 'monitors[0].service', message: expect.stringMatching(/built-in service/) },
    ]);
  });

  it('refuses a monitor whose alarm name is a grouped service composite name', () => {
    const config = parseConfig({
      ...incidentConfigInput,
      monitors: [
        ...incidentConfigInput.monitors,
        { kind: 'http', name: 'service-api', url: 'https://example.com/' },
      ],
    });
    expect(deploymentIssues(config)).toEqual([
      {
        path: 'services.api',
        message: expect.stringMatching(
          /health composite .* vigil-shop-service-api, which monitors\[\d\]\.name/,
        ),
      },
    ]);
  });

  it('accepts the fixture', () => {
    expect(deploymentIssues(incidentConfig)).toEqual([]);
  });
});
