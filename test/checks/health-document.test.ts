import { describe, expect, it } from 'vitest';
import {
  componentState,
  extractComponents,
  healthVerdict,
} from '../../lambdas/canary/checks/health-document.ts';
import {
  HEALTH_JSON,
  MADEF_DEGRADED,
  MADEF_HEALTHY,
  WHATSAPP_ASSISTANT_HEALTH,
} from '../support/http-fixtures.ts';

describe('extractComponents', () => {
  it('reads madef checks.*, skipping entries without a status (memory)', () => {
    expect(extractComponents(MADEF_HEALTHY)).toEqual({
      overallStatus: 'healthy',
      components: [
        { name: 'database', state: 'healthy', status: 'ok', latencyMs: 4 },
        { name: 'redis', state: 'healthy', status: 'not_configured' },
        { name: 'whatsapp', state: 'healthy', status: 'ok' },
      ],
    });
  });

  it('reads latency and error details of failing madef components', () => {
    expect(extractComponents(MADEF_DEGRADED)?.components).toEqual([
      {
        name: 'database',
        state: 'unhealthy',
        status: 'error',
        latencyMs: 5001,
        detail: 'connect ETIMEDOUT 10.0.0.5:5432',
      },
      { name: 'redis', state: 'healthy', status: 'ok', latencyMs: 2 },
      { name: 'whatsapp', state: 'unhealthy', status: 'disconnected', detail: 'connected: false' },
    ]);
  });

  it('reads whatsapp-ai-assistant services.* with responseTime', () => {
    const doc = extractComponents(WHATSAPP_ASSISTANT_HEALTH);
    expect(doc?.overallStatus).toBe('healthy');
    expect(doc?.components.map((c) => [c.name, c.state, c.latencyMs])).toEqual([
      ['database', 'healthy', 45],
      ['redis', 'healthy', undefined],
      ['inngest', 'healthy', undefined],
      ['waha', 'unhealthy', 120],
    ]);
  });

  it('reads application/health+json: one component per check entry, ms observations as latency', () => {
    expect(extractComponents(HEALTH_JSON)).toEqual({
      overallStatus: 'warn',
      components: [
        { name: 'postgres:responseTime', state: 'healthy', status: 'pass', latencyMs: 250 },
        { name: 'memory:utilization/node-1', state: 'degraded', status: 'warn', detail: 'heap near limit' },
        {
          name: 'memory:utilization/node-2',
          state: 'healthy',
          status: 'pass',
          detail: 'observed 40 percent',
        },
      ],
    });
  });

  it('converts health+json seconds to ms and names unnamed instances by position', () => {
    const doc = extractComponents({
      status: 'fail',
      checks: {
        'api:responseTime': [
          { observedValue: 1.5, observedUnit: 's', status: 'fail' },
          { observedValue: 0.2, observedUnit: 's', status: 'pass' },
        ],
      },
    });
    expect(doc?.components).toEqual([
      { name: 'api:responseTime/0', state: 'unhealthy', status: 'fail', latencyMs: 1500 },
      { name: 'api:responseTime/1', state: 'healthy', status: 'pass', latencyMs: 200 },
    ]);
  });

  it('takes durationMs, latencyMs, and a nested error message', () => {
    expect(
      extractComponents({
        checks: {
          queue: { status: 'degraded', durationMs: 30, message: 'backlog 1200' },
          cache: { status: 'DOWN', latencyMs: 7, error: { message: 'NOAUTH' } },
          s3: { status: 'maintenance', details: { reason: 'planned' } },
          flag: { status: true },
        },
      })?.components,
    ).toEqual([
      { name: 'queue', state: 'degraded', status: 'degraded', latencyMs: 30, detail: 'backlog 1200' },
      { name: 'cache', state: 'unhealthy', status: 'DOWN', latencyMs: 7, detail: 'NOAUTH' },
      { name: 's3', state: 'unknown', status: 'maintenance', detail: 'planned' },
      { name: 'flag', state: 'healthy', status: 'true' },
    ]);
  });

  it('treats ai-muhasebi /healthz and /readyz as documents without components', () => {
    expect(extractComponents({ status: 'ok', service: 'backend-api' })).toEqual({
      overallStatus: 'ok',
      components: [],
    });
    expect(
      extractComponents({ status: 'not_ready', details: { error: 'Database connection failed' } }),
    ).toEqual({
      overallStatus: 'not_ready',
      components: [],
    });
  });

  it.each([
    ['a string', 'ok'],
    ['an array', [{ status: 'ok' }]],
    ['null', null],
    ['an API answer whose status is not a health word', { status: 'success', data: [] }],
    ['an object without any status', { checks: { memory: { percentage: 40 } } }],
    ['a checks array', { checks: [{ status: 'ok' }] }],
  ])('returns undefined for %s', (_, body) => {
    expect(extractComponents(body)).toBeUndefined();
  });
});

describe('componentState', () => {
  it.each([
    ['ok', 'healthy'],
    ['up', 'healthy'],
    ['pass', 'healthy'],
    ['Healthy', 'healthy'],
    ['ready', 'healthy'],
    ['configured', 'healthy'],
    ['not_configured', 'healthy'],
    ['connected', 'healthy'],
    ['true', 'healthy'],
    ['warn', 'degraded'],
    ['degraded', 'degraded'],
    ['error', 'unhealthy'],
    ['down', 'unhealthy'],
    ['fail', 'unhealthy'],
    ['unhealthy', 'unhealthy'],
    ['not_ready', 'unhealthy'],
    ['disconnected', 'unhealthy'],
    ['false', 'unhealthy'],
    [' ERROR ', 'unhealthy'],
    ['starting', 'unknown'],
  ])('maps %j to %s', (status, state) => {
    expect(componentState(status)).toBe(state);
  });
});

describe('healthVerdict', () => {
  it('fails on a top-level status that means down, naming the components that are down', () => {
    const doc = extractComponents(MADEF_DEGRADED);
    expect(doc && healthVerdict(doc)).toEqual({
      ok: false,
      detail:
        'health document says "unhealthy": database error (connect ETIMEDOUT 10.0.0.5:5432), whatsapp disconnected (connected: false)',
    });
  });

  it('says when a failing document names no failing component', () => {
    expect(healthVerdict({ overallStatus: 'not_ready', components: [] })).toEqual({
      ok: false,
      detail: 'health document says "not_ready", naming no failing component',
    });
  });

  it('lists at most five components and counts the rest', () => {
    const components = Array.from({ length: 7 }, (_, i) => ({
      name: `c${i}`,
      state: 'unhealthy' as const,
      status: 'down',
    }));
    expect(healthVerdict({ overallStatus: 'DOWN', components })).toEqual({
      ok: false,
      detail: 'health document says "DOWN": c0 down, c1 down, c2 down, c3 down, c4 down and 2 more',
    });
  });

  it('passes warn with a note, a healthy document silently, and a component down under healthy with a note', () => {
    const warn = extractComponents(HEALTH_JSON);
    expect(warn && healthVerdict(warn)).toEqual({
      ok: true,
      note: 'health document says "warn": memory:utilization/node-1 warn (heap near limit)',
    });
    const healthy = extractComponents(MADEF_HEALTHY);
    expect(healthy && healthVerdict(healthy)).toEqual({ ok: true });
    const waha = extractComponents(WHATSAPP_ASSISTANT_HEALTH);
    expect(waha && healthVerdict(waha)).toEqual({
      ok: true,
      note: 'health document says "healthy" but lists down: waha down (ECONNREFUSED)',
    });
  });

  it('passes a status word it does not know, leaving the verdict to the status code', () => {
    expect(healthVerdict({ overallStatus: 'maintenance', components: [] })).toEqual({ ok: true });
  });
});

describe('latency in application/health+json', () => {
  it('is read only from a :responseTime or :latency entry, not from an uptime in seconds', () => {
    expect(
      extractComponents({
        status: 'pass',
        checks: {
          uptime: [{ componentType: 'system', observedValue: 120.9, observedUnit: 's', status: 'pass' }],
          'cpu:utilization': [{ observedValue: 12, observedUnit: 'ms', status: 'pass' }],
          'api:latency': [{ observedValue: 0.25, observedUnit: 's', status: 'pass' }],
        },
      })?.components,
    ).toEqual([
      { name: 'uptime', state: 'healthy', status: 'pass', detail: 'observed 120.9 s' },
      { name: 'cpu:utilization', state: 'healthy', status: 'pass', detail: 'observed 12 ms' },
      { name: 'api:latency', state: 'healthy', status: 'pass', latencyMs: 250 },
    ]);
  });
});
