import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpCheckDeps, requestJson, runHttpCheck } from '../../lambdas/canary/checks/http-check.ts';
import type { CheckFailure, CheckResult } from '../../lambdas/canary/checks/result.ts';
import { type HttpMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type HttpMonitorInput, httpMonitorSchema } from '../../lib/config/schema.ts';
import { json, type RouteServer, startRouteServer } from '../support/route-server.ts';

// Issue 12 part 3: a credential an API wants in its URL is read from a secret at run time, and
// never shows in a result.

const API_KEY = 'AIzaSyVigil-query-secret-0001';

let srv: RouteServer;
/** Every request's path with its query, as the server saw it. */
const seen: string[] = [];

beforeAll(async () => {
  srv = await startRouteServer({
    '/health': (req, res) => {
      seen.push(req.url ?? '');
      json({ status: 'ok' })(req, res);
    },
    // Redirects keeping the query, as many gateways do, to a route that never answers.
    '/bounce': (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(302, { location: `/hang${new URL(req.url ?? '/', 'http://x').search}` });
      res.end();
    },
    '/hang': () => {},
  });
});

afterAll(async () => {
  await srv.close();
});

function monitor(path: string, overrides: Partial<HttpMonitorInput> = {}): HttpMonitor {
  return resolveMonitor(
    httpMonitorSchema.parse({ name: 'keyed-api', kind: 'http', url: srv.url(path), ...overrides }),
  ) as HttpMonitor;
}

const fromStore: HttpCheckDeps = {
  resolveSecret: async (ref) => {
    if ('ssmParameter' in ref && ref.ssmParameter === '/vigil/maps/api-key') return `${API_KEY}\n`;
    throw new Error(`no such secret ${JSON.stringify(ref)}`);
  },
};

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

describe('query parameters from a secret', () => {
  it('adds them to the URL at run time, trimmed, after the plain ones', async () => {
    const before = seen.length;
    const result = await runHttpCheck(
      monitor('/health?v=2', { query: { api_key: { ssmParameter: '/vigil/maps/api-key' }, region: 'eu' } }),
      fromStore,
    );
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(seen.slice(before)).toEqual([`/health?v=2&region=eu&api_key=${API_KEY}`]);
  });

  it('masks the value in every detail and URL the result carries', async () => {
    const f = failure(
      await runHttpCheck(
        monitor('/bounce', { query: { api_key: { ssmParameter: '/vigil/maps/api-key' } }, timeoutMs: 300 }),
        fromStore,
      ),
    );
    expect(f.reason).toBe('timeout');
    expect(f.finalUrl).toBe(srv.url('/hang?api_key=***'));
    expect(f.detail).toBe(`no answer within 300 ms at ${srv.url('/hang?api_key=***')}`);
    expect(JSON.stringify(f)).not.toContain(API_KEY);
  });

  it('fails as secret_unavailable naming the parameter and the secret, never asking the target', async () => {
    const before = seen.length;
    const f = failure(
      await runHttpCheck(
        monitor('/health', { query: { token: { secretsManager: 'vigil/missing' } } }),
        fromStore,
      ),
    );
    expect(f.reason).toBe('secret_unavailable');
    expect(f.detail).toBe(
      'query token: Secrets Manager secret vigil/missing is unavailable (no such secret {"secretsManager":"vigil/missing"})',
    );
    expect(seen.length).toBe(before);
  });

  it('works for the JSON endpoints queue and backup monitors read', async () => {
    const before = seen.length;
    const answer = await requestJson(
      'outbox',
      'queue',
      {
        url: srv.url('/health'),
        headers: {},
        query: { key: { ssmParameter: '/vigil/maps/api-key' } },
        timeoutMs: 2000,
      },
      fromStore,
    );
    expect(answer.ok).toBe(true);
    expect(seen.slice(before)).toEqual([`/health?key=${API_KEY}`]);
  });
});
