import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpCheckDeps, requestJson, runHttpCheck } from '../../lambdas/canary/checks/http-check.ts';
import type { CheckFailure, CheckResult } from '../../lambdas/canary/checks/result.ts';
import { type HttpMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type HttpMonitorInput, httpMonitorSchema } from '../../lib/config/schema.ts';
import { type RouteServer, startRouteServer } from '../support/route-server.ts';

// Issue 12 part 1: a 200 whose health document says it is down fails as health_status.

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

/** A runbook-style document whose top-level status is the word in the URL (`/says?status=DOWN`). */
const says = (status: string) => ({
  status,
  checks: {
    database: { status: 'error', error: 'connect ECONNREFUSED 10.0.0.5:5432' },
    redis: { status: 'ok', latencyMs: 2 },
  },
});

/** application/health+json (draft-inadarei-api-health-check) with a failing database and an uptime. */
const HEALTH_JSON_FAIL = {
  status: 'fail',
  checks: {
    'postgres:responseTime': [
      {
        componentType: 'datastore',
        observedValue: 5003,
        observedUnit: 'ms',
        status: 'fail',
        output: 'connection timed out',
      },
    ],
    uptime: [{ componentType: 'system', observedValue: 120.9, observedUnit: 's', status: 'pass' }],
  },
};

let srv: RouteServer;

beforeAll(async () => {
  srv = await startRouteServer({
    '/says': (req, res) => {
      const word = new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? '';
      send(res, 200, says(word));
    },
    '/health+json/fail': (_req, res) => send(res, 200, HEALTH_JSON_FAIL, 'application/health+json'),
    '/health+json/warn': (_req, res) =>
      send(
        res,
        200,
        {
          status: 'warn',
          checks: {
            'memory:utilization': [
              { observedValue: 93, observedUnit: 'percent', status: 'warn', output: 'heap near limit' },
            ],
            'postgres:responseTime': [{ observedValue: 12, observedUnit: 'ms', status: 'pass' }],
          },
        },
        'application/health+json',
      ),
    // No top-level status: the components are the verdict.
    '/components-only': (_req, res) =>
      send(res, 200, {
        checks: {
          database: { status: 'ok' },
          redis: { status: 'down', error: 'NOAUTH Authentication required' },
        },
      }),
    // A healthy top-level status with an optional component down (whatsapp-ai-assistant's WAHA).
    '/healthy-waha-down': (_req, res) =>
      send(res, 200, {
        status: 'healthy',
        services: { database: { status: 'up' }, waha: { status: 'down', error: 'ECONNREFUSED' } },
      }),
    '/unhealthy-503': (_req, res) => send(res, 503, says('unhealthy')),
  });
});

afterAll(async () => {
  await srv.close();
});

function monitor(path: string, overrides: Partial<HttpMonitorInput> = {}): HttpMonitor {
  return resolveMonitor(
    httpMonitorSchema.parse({ name: 'says-down', kind: 'http', url: srv.url(path), ...overrides }),
  ) as HttpMonitor;
}

const noSecrets: HttpCheckDeps = {
  resolveSecret: () => Promise.reject(new Error('this test uses no secrets')),
};

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

describe('a 200 whose health document says it is down', () => {
  it.each(['fail', 'FAIL', 'down', 'Down', 'error', 'ERROR', 'unhealthy', 'Unhealthy'])(
    'fails a 200 saying %j as health_status, naming the failing component',
    async (word) => {
      const f = failure(await runHttpCheck(monitor(`/says?status=${word}`), noSecrets));
      expect(f).toMatchObject({ reason: 'health_status', statusCode: 200, overallStatus: word });
      expect(f.detail).toBe(
        `health document says ${JSON.stringify(word)}: database error (connect ECONNREFUSED 10.0.0.5:5432)`,
      );
    },
  );

  it('fails an application/health+json "fail" and reads only the responseTime entry as a latency', async () => {
    const f = failure(await runHttpCheck(monitor('/health+json/fail'), noSecrets));
    expect(f.reason).toBe('health_status');
    expect(f.detail).toBe('health document says "fail": postgres:responseTime fail (connection timed out)');
    expect(f.components).toEqual([
      {
        name: 'postgres:responseTime',
        state: 'unhealthy',
        status: 'fail',
        latencyMs: 5003,
        detail: 'connection timed out',
      },
      // 120.9 s of uptime is how long the process has run, not a 120,900 ms latency.
      { name: 'uptime', state: 'healthy', status: 'pass', detail: 'observed 120.9 s' },
    ]);
  });

  it('passes "warn" with a note naming the degraded component', async () => {
    const result = await runHttpCheck(monitor('/health+json/warn'), noSecrets);
    expect(result).toMatchObject({
      ok: true,
      overallStatus: 'warn',
      detail: 'health document says "warn": memory:utilization warn (heap near limit)',
    });
  });

  it('fails a document without a top-level status when a component is down', async () => {
    const f = failure(await runHttpCheck(monitor('/components-only'), noSecrets));
    expect(f.reason).toBe('health_status');
    expect(f.detail).toBe(
      'health document (no overall status) reports down: redis down (NOAUTH Authentication required)',
    );
  });

  it('passes a component down under a healthy top-level status, with a note: the service judged it optional', async () => {
    const result = await runHttpCheck(monitor('/healthy-waha-down'), noSecrets);
    expect(result).toMatchObject({
      ok: true,
      detail: 'health document says "healthy" but lists down: waha down (ECONNREFUSED)',
    });
  });

  it('passes any 2xx when the monitor opts out with healthStatus: false', async () => {
    const down = await runHttpCheck(monitor('/says?status=down', { healthStatus: false }), noSecrets);
    expect(down).toMatchObject({ ok: true, statusCode: 200, overallStatus: 'down' });
    expect(down.ok && down.detail).toBeUndefined();
    const parts = await runHttpCheck(monitor('/components-only', { healthStatus: false }), noSecrets);
    expect(parts.ok).toBe(true);
  });

  it('comes before the assertions, which still ride along for the page', async () => {
    const f = failure(
      await runHttpCheck(
        monitor('/says?status=unhealthy', {
          assertions: [
            { path: 'checks.database.status', equals: 'ok' },
            { path: 'checks.redis.status', equals: 'ok' },
          ],
        }),
        noSecrets,
      ),
    );
    expect(f.reason).toBe('health_status');
    expect(f.assertions).toEqual([
      { path: 'checks.database.status', operator: 'equals', expected: 'ok', actual: 'error' },
    ]);
  });

  it('leaves a 503 as http_status: the status is the news', async () => {
    const f = failure(await runHttpCheck(monitor('/unhealthy-503'), noSecrets));
    expect(f).toMatchObject({ reason: 'http_status', overallStatus: 'unhealthy' });
  });

  it('does not judge the body a queue or backup endpoint is read for', async () => {
    const answer = await requestJson(
      'outbox',
      'queue',
      { url: srv.url('/says?status=down'), headers: {}, timeoutMs: 2000 },
      noSecrets,
    );
    expect(answer.ok).toBe(true);
  });

  it('is on unless turned off: the resolved monitor carries healthStatus only when false', () => {
    expect(monitor('/says').healthStatus).toBeUndefined();
    expect(monitor('/says', { healthStatus: false }).healthStatus).toBe(false);
  });
});
