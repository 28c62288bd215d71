import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpCheckDeps, requestJson } from '../../lambdas/canary/checks/http-check.ts';
import type { JsonEndpoint } from '../../lib/config/resolve.ts';
import { json, type RouteServer, startRouteServer } from '../support/route-server.ts';

let srv: RouteServer;

beforeAll(async () => {
  srv = await startRouteServer({
    '/depth': json({ pending: 4 }),
    '/null': json(null),
    '/moved': (_req, res) => {
      res.writeHead(302, { location: '/depth' });
      res.end();
    },
    // JSON served as text/plain: the content-type does not decide, the body does.
    '/plain': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('{"pending":2}');
    },
    '/no-content': (_req, res) => {
      res.writeHead(204);
      res.end();
    },
    '/broken': json('{"pending": 4,'),
  });
});

afterAll(async () => {
  await srv?.close();
});

const deps: HttpCheckDeps = { resolveSecret: () => Promise.reject(new Error('no secrets here')) };
const endpoint = (path: string): JsonEndpoint => ({ url: srv.url(path), headers: {}, timeoutMs: 2000 });

describe('requestJson (the HTTP engine, asked for JSON)', () => {
  it('returns the parsed body and the result fields, under the caller’s monitor name and kind', async () => {
    const answer = await requestJson('outbox', 'queue', endpoint('/depth'), deps);
    if (!answer.ok) throw new Error(answer.result.detail);
    expect(answer.json).toEqual({ pending: 4 });
    expect(answer.statusCode).toBe(200);
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
    expect(answer.base).toMatchObject({ monitor: 'outbox', kind: 'queue', statusCode: 200, attempts: 1 });
    expect(answer.base).not.toHaveProperty('ok');
  });

  it('returns a JSON null as a value, not as a failure', async () => {
    const answer = await requestJson('outbox', 'queue', endpoint('/null'), deps);
    expect(answer).toMatchObject({ ok: true, json: null });
  });

  it('follows redirects and reports the final URL', async () => {
    const answer = await requestJson('outbox', 'queue', endpoint('/moved'), deps);
    if (!answer.ok) throw new Error(answer.result.detail);
    expect(answer.json).toEqual({ pending: 4 });
    expect(answer.base.finalUrl).toBe(srv.url('/depth'));
  });

  it('reads JSON whatever the content-type says', async () => {
    const answer = await requestJson('outbox', 'queue', endpoint('/plain'), deps);
    expect(answer).toMatchObject({ ok: true, json: { pending: 2 } });
  });

  it('fails an empty 204 and a broken body as bad_json', async () => {
    const empty = await requestJson('outbox', 'queue', endpoint('/no-content'), deps);
    expect(empty).toMatchObject({
      ok: false,
      result: {
        ok: false,
        reason: 'bad_json',
        detail: 'body is not JSON (no content-type, empty)',
        kind: 'queue',
      },
    });
    const broken = await requestJson('db', 'backup', endpoint('/broken'), deps);
    expect(broken).toMatchObject({
      ok: false,
      result: {
        reason: 'bad_json',
        detail: 'body is not JSON (application/json, starts "{\\"pending\\": 4,")',
        kind: 'backup',
      },
    });
  });

  it('fails a 404 as http_status', async () => {
    const answer = await requestJson('outbox', 'queue', endpoint('/missing'), deps);
    expect(answer).toMatchObject({
      ok: false,
      result: { reason: 'http_status', statusCode: 404, detail: 'HTTP 404 Not Found, expected 2xx' },
    });
  });
});
