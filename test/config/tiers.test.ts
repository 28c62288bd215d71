import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config/index.ts';

const http = (name: string, over: Record<string, unknown> = {}) => ({
  kind: 'http' as const,
  name,
  url: `https://example.com/${name}`,
  ...over,
});

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('config was accepted');
}

describe('cost tiers in the config', () => {
  it('resolves the tier: monitor over service over defaults over "full"', () => {
    const config = parseConfig({
      project: 'p',
      defaults: { tier: 'lean' },
      services: { shop: { tier: 'grouped' } },
      monitors: [
        http('a'),
        http('b', { service: 'shop' }),
        http('c', { service: 'shop' }),
        http('d', { tier: 'full' }),
      ],
    });
    expect(config.monitors.map((m) => [m.name, m.tier])).toEqual([
      ['a', 'lean'],
      ['b', 'grouped'],
      ['c', 'grouped'],
      ['d', 'full'],
    ]);
    expect(parseConfig({ project: 'p', monitors: [http('a')] }).monitors[0]?.tier).toBe('full');
  });

  it('refuses queue aspects in lean, naming the path and the fix', () => {
    expect(
      issuesOf({
        project: 'p',
        monitors: [
          {
            kind: 'queue',
            name: 'orders',
            tier: 'lean',
            sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
            maxDepth: 100,
            warnDepth: 50,
            stalled: { minDepth: 1, checks: 3 },
            maxOldestMessageAgeSeconds: 600,
          },
        ],
      }),
    ).toEqual([
      "monitors[0].warnDepth: warnDepth (a QueueDepth alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
      "monitors[0].stalled: stalled (a QueueDepth alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
      "monitors[0].sqs.deadLetterQueue: sqs.deadLetterQueue (a DeadLetterDepth alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
      "monitors[0].maxOldestMessageAgeSeconds: maxOldestMessageAgeSeconds on SQS (an AWS/SQS oldest-message alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
    ]);
  });

  it('refuses fast mode and component metrics in lean or grouped', () => {
    expect(
      issuesOf({
        project: 'p',
        defaults: { tier: 'grouped' },
        monitors: [http('a', { fast: true }), http('b', { componentMetrics: true })],
      }),
    ).toEqual([
      "monitors[0].fast: fast mode (high-resolution Success and a 10 s alarm) needs metrics the grouped tier does not publish; use tier: 'full' for this monitor",
      "monitors[1].componentMetrics: componentMetrics (a ComponentHealthy metric per component) needs metrics the grouped tier does not publish; use tier: 'full' for this monitor",
    ]);
  });

  it('refuses a service mixing grouped and other tiers, and a grouped service in a dependency', () => {
    expect(
      issuesOf({
        project: 'p',
        services: { web: { dependsOn: ['db'] } },
        monitors: [
          http('a', { service: 'web', tier: 'grouped' }),
          http('b', { service: 'web' }),
          http('c', { service: 'db', tier: 'grouped' }),
        ],
      }),
    ).toEqual([
      'monitors[0].tier: service "web" mixes grouped and other tiers (monitors[1] are not grouped); a service has one FailedChecks alarm only when all its monitors are grouped: set the same tier on all of them, e.g. services.web.tier',
      "monitors[0].tier: grouped service \"web\" is in a dependency (dependsOn); holding pages needs composites over per-monitor alarms: use tier: 'lean' or 'full' for its monitors, or remove the dependency",
      "monitors[2].tier: grouped service \"db\" is in a dependency (dependsOn); holding pages needs composites over per-monitor alarms: use tier: 'lean' or 'full' for its monitors, or remove the dependency",
    ]);
  });

  it('names the tiers on a typo', () => {
    expect(issuesOf({ project: 'p', monitors: [http('a', { tier: 'cheap' })] })).toEqual([
      'monitors[0].tier: expected "full", "lean" or "grouped", got "cheap"',
    ]);
  });
});

describe('invocation sharing in the config', () => {
  it('resolves invocation: monitor over service over defaults over "shared"', () => {
    const config = parseConfig({
      project: 'p',
      defaults: { invocation: 'own' },
      services: { shop: { invocation: 'shared' } },
      monitors: [
        http('a'),
        http('b', { service: 'shop' }),
        http('c', { service: 'shop', invocation: 'own' }),
      ],
    });
    expect(config.monitors.map((m) => [m.name, m.invocation])).toEqual([
      ['a', 'own'],
      ['b', 'shared'],
      ['c', 'own'],
    ]);
    expect(parseConfig({ project: 'p', monitors: [http('a')] }).monitors[0]?.invocation).toBe('shared');
  });

  it('names the field and the values it takes when invocation is wrong', () => {
    expect(issuesOf({ project: 'p', monitors: [http('a', { invocation: 'alone' })] })).toEqual([
      'monitors[0].invocation: expected "shared" or "own", got "alone"',
    ]);
    expect(
      issuesOf({
        project: 'p',
        services: { s: { invocation: true } },
        monitors: [http('a', { service: 's' })],
      }),
    ).toEqual(['services.s.invocation: expected "shared" or "own", got true']);
  });
});
