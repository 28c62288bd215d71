/**
 * Monitors sharing one canary invocation (docs/adr/0008-shared-invocations.md): which monitors share,
 * how the schedules are named and what they carry, and that the names stay put as monitors come and go.
 */
import { describe, expect, it } from 'vitest';
import { parseCanaryRequest, parseConfig, toGroupEvent } from '../../lib/config/index.ts';
import { invocationGroups } from '../../lib/monitors/invocation-groups.ts';
import { monitorsInSchedule, synthVigil } from '../support/synth.ts';

const http = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'http' as const,
  name,
  url: `https://example.com/${name}`,
  ...over,
});

const input = {
  project: 'acme',
  services: { billing: { invocation: 'own' as const } },
  monitors: [
    http('api-health', { service: 'api' }),
    http('api-orders', { service: 'api' }),
    http('api-slow', { service: 'api', schedule: 'rate(5 minutes)' }),
    http('api-fast', { service: 'api', fast: true }),
    http('api-alone', { service: 'api', invocation: 'own' }),
    http('web-home', { service: 'web' }),
    { kind: 'queue', name: 'api-outbox', service: 'api', sqs: { queue: 'outbox' }, maxDepth: 100 },
    http('billing-health', { service: 'billing' }),
    http('api-retired', { service: 'api', enabled: false }),
  ],
};
const config = parseConfig(input);
const enabled = config.monitors.filter((m) => m.enabled);

describe('invocation groups', () => {
  it("shares an invocation within a service, schedule and mode; 'own' at any level opts out", () => {
    const groups = invocationGroups(enabled);
    expect(groups.map((g) => [g.invocation, g.monitors.map((m) => m.name)])).toEqual([
      ['shared', ['api-health', 'api-orders', 'api-outbox']],
      ['shared', ['api-slow']],
      ['shared', ['api-fast']],
      ['own', ['api-alone']],
      ['shared', ['web-home']],
      ['own', ['billing-health']],
    ]);
  });

  it("names a shared schedule <service>.<tag>.<n> and an own one after its monitor, all within Scheduler's 64", () => {
    const groups = invocationGroups(enabled);
    const names = groups.map((g) => g.scheduleName);
    expect(names[0]).toMatch(/^api\.[0-9a-f]{6}\.1$/);
    expect(names[1]).toMatch(/^api\.[0-9a-f]{6}\.1$/);
    expect(names[1]).not.toBe(names[0]);
    expect(names[3]).toBe('api-alone');
    expect(new Set(names).size).toBe(names.length);

    const long = 'a'.repeat(64);
    const [cut] = invocationGroups(parseConfig({ project: 'p', monitors: [http(long)] }).monitors);
    expect(cut?.scheduleName).toHaveLength(64);
    expect(cut?.scheduleName).toMatch(/^a+\.[0-9a-f]{6}\.1$/);
  });

  it('splits a big group into numbered chunks of at most the limit, in config order', () => {
    const many = parseConfig({
      project: 'p',
      monitors: Array.from({ length: 7 }, (_, i) => http(`m-${i + 1}`, { service: 's' })),
    }).monitors;
    const groups = invocationGroups(many, { maxPerInvocation: 3 });
    expect(groups.map((g) => g.monitors.map((m) => m.name))).toEqual([
      ['m-1', 'm-2', 'm-3'],
      ['m-4', 'm-5', 'm-6'],
      ['m-7'],
    ]);
    expect(groups.map((g) => g.scheduleName.split('.').at(-1))).toEqual(['1', '2', '3']);
    // A later part of a split service names its own chunks.
    expect(invocationGroups(many, { part: 2, maxPerInvocation: 3 })[0]?.scheduleName).toMatch(/\.p2-1$/);
  });

  it('keeps every schedule name when a monitor is added at the end of a service', () => {
    const grown = parseConfig({
      ...input,
      monitors: [...input.monitors, http('api-new', { service: 'api' })],
    });
    const before = invocationGroups(enabled);
    const after = invocationGroups(grown.monitors.filter((m) => m.enabled));
    // The same schedules, named as before; the newcomer joins the one-minute group of its service.
    expect(after.map((g) => g.scheduleName)).toEqual(before.map((g) => g.scheduleName));
    expect(after[0]?.monitors.map((m) => m.name)).toEqual([
      'api-health',
      'api-orders',
      'api-outbox',
      'api-new',
    ]);
  });
});

describe('shared schedules in the stack', () => {
  const synth = synthVigil(config);
  const schedules = Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).map(
    (r) => (r as { Properties: Record<string, unknown> }).Properties,
  );
  const checks = schedules.filter((p) => monitorsInSchedule(p).length > 0);

  it('makes one schedule per invocation group, checking every enabled monitor exactly once', () => {
    expect(checks).toHaveLength(6);
    const checked = checks.flatMap(monitorsInSchedule).sort();
    expect(checked).toEqual(enabled.map((m) => m.name).sort());
  });

  it('sends a shared group as { monitors } the canary parses back to the same monitors, an own one as { monitor }', () => {
    const group = checks.find((p) => monitorsInSchedule(p).includes('api-orders'));
    if (!group) throw new Error('no schedule checks api-orders');
    const input = JSON.parse((group.Target as { Input: string }).Input);
    expect(parseCanaryRequest(input)).toEqual({
      shape: 'monitors',
      monitors: enabled.filter((m) => ['api-health', 'api-orders', 'api-outbox'].includes(m.name)),
    });
    expect(group).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 } },
    });

    const own = checks.find((p) => p.Name === 'billing-health');
    if (!own) throw new Error('no schedule named billing-health');
    expect(parseCanaryRequest(JSON.parse((own.Target as { Input: string }).Input))).toEqual({
      shape: 'monitor',
      monitor: enabled.find((m) => m.name === 'billing-health'),
    });
  });

  it('keeps each monitor its own alarm, whatever schedule it rides', () => {
    for (const name of ['api-health', 'api-orders', 'api-slow', 'api-alone', 'billing-health']) {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `vigil-acme-${name}`,
        Dimensions: [{ Name: 'Monitor', Value: name }],
      });
    }
  });

  it("keeps an own monitor's schedule where it always was, under its HealthMonitor", () => {
    const ids = Object.entries(synth.template.findResources('AWS::Scheduler::Schedule'))
      .filter(([, r]) => (r as { Properties: { Name: string } }).Properties.Name === 'api-alone')
      .map(([id]) => id);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^Monitorapialone/);
  });
});

describe('payload size', () => {
  it("starts a new chunk before a payload would pass Scheduler's input limit", () => {
    const monitors = parseConfig({
      project: 'p',
      monitors: Array.from({ length: 6 }, (_, i) =>
        http(`m-${i + 1}`, { service: 's', body: 'x'.repeat(300) }),
      ),
    }).monitors;
    const groups = invocationGroups(monitors, { maxPayloadBytes: 1_000 });
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(Buffer.byteLength(JSON.stringify(toGroupEvent(g.monitors)))).toBeLessThanOrEqual(1_000);
    }
    expect(groups.flatMap((g) => g.monitors.map((m) => m.name))).toEqual(monitors.map((m) => m.name));
  });
});
