import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpCheckDeps, runHttpCheck } from '../../lambdas/canary/checks/http-check.ts';
import type { CheckFailure, CheckResult } from '../../lambdas/canary/checks/result.ts';
import { ConfigError, type HttpMonitor, parseConfig, resolveMonitor } from '../../lib/config/resolve.ts';
import { type HttpMonitorInput, httpMonitorSchema, TEXT_MATCH_MAX_BYTES } from '../../lib/config/schema.ts';
import { type RouteServer, startRouteServer } from '../support/route-server.ts';

// Issue 12 part 2: bodies that are not a JSON object, against a real server.

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type });
  res.end(body);
}

const WELCOME_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Acme</title></head>\n<body><h1>Welcome to Acme</h1>\n<p>Sign in</p></body></html>\n';
const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502</title></head>\n<body><h1>Bad Gateway</h1><p>nginx</p></body></html>\n';

let srv: RouteServer;

beforeAll(async () => {
  srv = await startRouteServer({
    '/welcome': (_req, res) => send(res, 'text/html; charset=utf-8', WELCOME_PAGE),
    '/bad-gateway': (_req, res) => send(res, 'text/html; charset=utf-8', BAD_GATEWAY_PAGE),
    '/ok': (_req, res) => send(res, 'text/plain', 'OK\n'),
    '/down': (_req, res) => send(res, 'text/plain', 'DOWN: database unreachable'),
    '/number': (_req, res) => send(res, 'application/json', '42'),
    '/array': (_req, res) =>
      send(res, 'application/json', '[{"id":1,"state":"running"},{"id":2,"state":"running"}]'),
    '/mode': (_req, res) => send(res, 'application/json', '{"mode":"maintenance"}'),
    // The word is 1 KiB past what a text assertion searches.
    '/late-word': (_req, res) =>
      send(res, 'text/html', `<html><body>${'x'.repeat(TEXT_MATCH_MAX_BYTES + 1024)}Welcome</body></html>`),
  });
});

afterAll(async () => {
  await srv.close();
});

function monitor(path: string, assertions: HttpMonitorInput['assertions']): HttpMonitor {
  return resolveMonitor(
    httpMonitorSchema.parse({ name: 'body', kind: 'http', url: srv.url(path), assertions }),
  ) as HttpMonitor;
}

const noSecrets: HttpCheckDeps = {
  resolveSecret: () => Promise.reject(new Error('this test uses no secrets')),
};

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

describe('text: true matches the raw body, whatever its type', () => {
  it('passes an HTML page that contains its words', async () => {
    const result = await runHttpCheck(
      monitor('/welcome', [{ text: true, contains: 'Welcome to Acme' }]),
      noSecrets,
    );
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("fails a proxy's error page served with 200, quoting it", async () => {
    const f = failure(
      await runHttpCheck(monitor('/bad-gateway', [{ text: true, contains: 'Welcome to Acme' }]), noSecrets),
    );
    expect(f.reason).toBe('assertion_failed');
    expect(f.detail).toBe(
      'body text: expected to contain "Welcome to Acme" in the first 64 KiB, got "<!DOCTYPE html> <html><head><title>502</title></h…"',
    );
    expect(f.assertions).toEqual([
      {
        path: 'body text',
        operator: 'contains',
        expected: 'Welcome to Acme',
        actual: '<!DOCTYPE html> <html><head><title>502</title></h…',
      },
    ]);
  });

  it('fails notContains, quoting the words around the unwanted string', async () => {
    const f = failure(
      await runHttpCheck(monitor('/bad-gateway', [{ text: true, notContains: 'Bad Gateway' }]), noSecrets),
    );
    expect(f.detail).toBe(
      'body text: expected not to contain "Bad Gateway", got "…e></head> <body><h1>Bad Gateway</h1><p>nginx</p><…"',
    );
  });

  it('matches a plain-text "OK" with a pattern, and fails anything else', async () => {
    const ok = await runHttpCheck(monitor('/ok', [{ text: true, matches: '^OK\\s*$' }]), noSecrets);
    expect(ok.ok).toBe(true);
    const f = failure(await runHttpCheck(monitor('/down', [{ text: true, matches: '^OK\\s*$' }]), noSecrets));
    expect(f).toMatchObject({ reason: 'assertion_failed' });
    expect(f.detail).toBe(
      'body text: expected to match /^OK\\s*$/ in the first 64 KiB, got "DOWN: database unreachable"',
    );
  });

  it('searches only the first 64 KiB, and says so', async () => {
    const f = failure(
      await runHttpCheck(monitor('/late-word', [{ text: true, contains: 'Welcome' }]), noSecrets),
    );
    expect(f.detail).toMatch(
      /^body text: expected to contain "Welcome" in the first 64 KiB, got "<html><body>x+…"$/,
    );
  });

  it('needs no JSON: a text assertion on HTML is not bad_json, a path assertion still is', async () => {
    const f = failure(
      await runHttpCheck(
        monitor('/welcome', [
          { text: true, contains: 'Welcome' },
          { path: 'status', equals: 'ok' },
        ]),
        noSecrets,
      ),
    );
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe('body is not JSON (text/html, starts "<!DOCTYPE html> <html><head><title>Acme<")');
  });
});

describe('path "$" is the whole JSON body', () => {
  it('compares a bare number', async () => {
    expect((await runHttpCheck(monitor('/number', [{ path: '$', lt: 100 }]), noSecrets)).ok).toBe(true);
    const f = failure(await runHttpCheck(monitor('/number', [{ path: '$', gte: 100 }]), noSecrets));
    expect(f).toMatchObject({ reason: 'assertion_failed', detail: '$: expected >= 100, got 42' });
  });

  it("measures a top-level array's length and reaches into its items", async () => {
    const f = failure(await runHttpCheck(monitor('/array', [{ path: '$', length: { gte: 3 } }]), noSecrets));
    expect(f.detail).toBe('$: expected length >= 3, got length 2');
    const items = await runHttpCheck(
      monitor('/array', [
        { path: '$[0].id', equals: 1 },
        { path: '$[1].state', equals: 'running' },
      ]),
      noSecrets,
    );
    expect(items.ok).toBe(true);
  });
});

describe('notEquals', () => {
  it('fails on the value it rules out, and on a missing value', async () => {
    const f = failure(
      await runHttpCheck(monitor('/mode', [{ path: 'mode', notEquals: 'maintenance' }]), noSecrets),
    );
    expect(f).toMatchObject({
      reason: 'assertion_failed',
      detail: 'mode: expected anything but "maintenance", got "maintenance"',
    });
    const missing = failure(
      await runHttpCheck(monitor('/mode', [{ path: 'state', notEquals: 'down' }]), noSecrets),
    );
    expect(missing.detail).toBe('state: expected anything but "down", missing');
  });

  it('passes any other value', async () => {
    expect((await runHttpCheck(monitor('/mode', [{ path: 'mode', notEquals: 'down' }]), noSecrets)).ok).toBe(
      true,
    );
  });
});

describe('the config says how to write them', () => {
  function problems(monitor: Record<string, unknown>): string[] {
    try {
      parseConfig({ project: 'x', monitors: [monitor] });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected the config to be rejected');
  }
  const http = (assertions: unknown[]) => ({
    name: 'web',
    kind: 'http',
    url: 'https://a.example.com/',
    assertions,
  });

  it('wants a path or text: true, not both and not neither', () => {
    expect(problems(http([{ contains: 'OK' }]))).toEqual([
      'monitors[0].assertions[0]: needs a path into the JSON body, e.g. { path: "checks.database.status", equals: "ok" } ("$" is the whole body), or text: true for the raw body, e.g. { text: true, contains: "OK" }',
    ]);
    expect(problems(http([{ path: 'status', text: true, contains: 'OK' }]))).toEqual([
      'monitors[0].assertions[0]: has both path and text; use path for a JSON value or text: true for the raw body, one per assertion',
    ]);
  });

  it('points a text operator on a path, and a JSON operator on text, to the right form', () => {
    expect(problems(http([{ path: 'status', contains: 'ok' }]))).toEqual([
      'monitors[0].assertions[0]: contains searches the raw body: use { text: true, contains: "ok" }; for a JSON string at a path use matches',
    ]);
    expect(problems(http([{ text: true, equals: 'OK' }]))).toEqual([
      'monitors[0].assertions[0]: text: true searches the raw body and takes contains, notContains or matches, not equals; for a JSON value use a path, e.g. { path: "$", equals: ... }',
    ]);
    expect(problems(http([{ text: true }]))).toEqual([
      'monitors[0].assertions[0]: needs one operator: contains, notContains or matches, e.g. { text: true, contains: "OK" }',
    ]);
  });

  it('keeps text: true to HTTP bodies', () => {
    expect(
      problems({
        name: 'worker',
        kind: 'command',
        instances: ['i-0123456789abcdef0'],
        command: 'echo OK',
        assertions: [{ text: true, contains: 'OK' }],
      }),
    ).toEqual([
      "monitors[0].assertions[0].text: text: true is for HTTP bodies; a command's stdout is parsed as JSON, so use a path",
    ]);
  });
});
