import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPT,
  CANARY_VERSION,
  classifyError,
  type HttpCheckDeps,
  runHttpCheck,
  USER_AGENT,
} from '../../lambdas/canary/checks/http-check.ts';
import { runCheck } from '../../lambdas/canary/checks/index.ts';
import type { CheckFailure, CheckResult } from '../../lambdas/canary/checks/result.ts';
import { aws } from '../../lambdas/shared/aws.ts';
import { type HttpMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type HttpMonitorInput, httpMonitorSchema, type SecretRef } from '../../lib/config/schema.ts';
import {
  closedPort,
  FIXTURE_TOKEN,
  type FixtureServer,
  HUGE_BYTES,
  startFixtureServer,
} from '../support/http-fixtures.ts';

let fx: FixtureServer;

beforeAll(async () => {
  fx = await startFixtureServer();
});

afterAll(async () => {
  await fx.close();
});

/** A resolved monitor, validated by the real schema so tests cannot build what config cannot. */
function monitor(path: string, overrides: Partial<HttpMonitorInput> = {}): HttpMonitor {
  return resolveMonitor(
    httpMonitorSchema.parse({ name: 'fixture', kind: 'http', url: fx.url(path), ...overrides }),
  ) as HttpMonitor;
}

const noSecrets: HttpCheckDeps = {
  resolveSecret: () => Promise.reject(new Error('this test uses no secrets')),
};

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

const MADEF_ASSERTIONS: HttpMonitorInput['assertions'] = [
  { path: 'status', equals: 'healthy' },
  { path: 'checks.database.status', equals: 'ok' },
  { path: 'checks.redis.status', oneOf: ['ok', 'not_configured'] },
  { path: 'checks.memory.percentage', lt: 85 },
];

describe('runHttpCheck against a real server', () => {
  it('passes a healthy madef /api/health and reports its components', async () => {
    const result = await runHttpCheck(monitor('/madef/health', { assertions: MADEF_ASSERTIONS }), noSecrets);
    expect(result).toMatchObject({
      ok: true,
      monitor: 'fixture',
      kind: 'http',
      statusCode: 200,
      attempts: 1,
    });
    expect(result.overallStatus).toBe('healthy');
    expect(result.components).toEqual([
      { name: 'database', state: 'healthy', status: 'ok', latencyMs: 4 },
      { name: 'redis', state: 'healthy', status: 'not_configured' },
      { name: 'whatsapp', state: 'healthy', status: 'ok' },
    ]);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeGreaterThanOrEqual(result.latencyMs ?? 0);
    expect(result.finalUrl).toBeUndefined();
    expect(Number.isNaN(Date.parse(result.checkedAt))).toBe(false);
  });

  it('fails a 503 as http_status, naming the status and what was expected', async () => {
    const f = failure(await runHttpCheck(monitor('/status/503'), noSecrets));
    expect(f.reason).toBe('http_status');
    expect(f.detail).toBe('HTTP 503 Service Unavailable, expected 2xx');
    expect(f.statusCode).toBe(503);
  });

  it('keeps the components of a 503 health document so the page can say which one broke', async () => {
    const f = failure(await runHttpCheck(monitor('/madef/health-down'), noSecrets));
    expect(f.reason).toBe('http_status');
    expect(f.overallStatus).toBe('unhealthy');
    expect(f.components).toContainEqual({
      name: 'database',
      state: 'unhealthy',
      status: 'error',
      latencyMs: 5001,
      detail: 'connect ETIMEDOUT 10.0.0.5:5432',
    });
  });

  it('reports every failed assertion of a 200 answer, each in a readable line', async () => {
    // healthStatus: false leaves the verdict to the assertions (test/checks/health-status.test.ts
    // covers the default, where the document's own "unhealthy" fails first).
    const f = failure(
      await runHttpCheck(
        monitor('/madef/health-degraded', { assertions: MADEF_ASSERTIONS, healthStatus: false }),
        noSecrets,
      ),
    );
    expect(f.reason).toBe('assertion_failed');
    expect(f.statusCode).toBe(200);
    expect(f.assertions).toEqual([
      { path: 'status', operator: 'equals', expected: 'healthy', actual: 'unhealthy' },
      { path: 'checks.database.status', operator: 'equals', expected: 'ok', actual: 'error' },
      { path: 'checks.memory.percentage', operator: 'lt', expected: 85, actual: 91 },
    ]);
    expect(f.detail).toBe(
      'status: expected "healthy", got "unhealthy"; checks.database.status: expected "ok", got "error"; checks.memory.percentage: expected < 85, got 91',
    );
    expect(f.components?.find((c) => c.name === 'whatsapp')).toEqual({
      name: 'whatsapp',
      state: 'unhealthy',
      status: 'disconnected',
      detail: 'connected: false',
    });
  });

  it('fails as slow when the answer comes after maxLatencyMs', async () => {
    const f = failure(await runHttpCheck(monitor('/slow?ms=250', { maxLatencyMs: 100 }), noSecrets));
    expect(f.reason).toBe('slow');
    expect(f.latencyMs).toBeGreaterThanOrEqual(250);
    expect(f.detail).toBe(`answered in ${f.latencyMs} ms, over the 100 ms limit`);
  });

  it('passes a slow-ish answer that stays under maxLatencyMs', async () => {
    const result = await runHttpCheck(monitor('/slow?ms=20', { maxLatencyMs: 2000 }), noSecrets);
    expect(result.ok).toBe(true);
  });

  it('times out a server that never answers at the configured timeout, not later', async () => {
    const started = performance.now();
    const f = failure(await runHttpCheck(monitor('/hang', { timeoutMs: 300 }), noSecrets));
    const measured = performance.now() - started;
    expect(f.reason).toBe('timeout');
    expect(f.detail).toBe('no answer within 300 ms');
    expect(f.attempts).toBe(1);
    expect(f.durationMs).toBeGreaterThanOrEqual(300);
    expect(f.durationMs).toBeLessThan(600);
    expect(measured).toBeGreaterThanOrEqual(299);
    expect(measured).toBeLessThan(600);
  });

  it('times out a body that never finishes, after its headers arrived', async () => {
    const f = failure(await runHttpCheck(monitor('/hang-body', { timeoutMs: 300 }), noSecrets));
    expect(f.reason).toBe('timeout');
    expect(f.statusCode).toBe(200);
    expect(f.detail).toMatch(
      /^HTTP 200 OK after \d+ ms, but the body was not complete within 300 ms \(10 bytes read\)$/,
    );
    expect(f.durationMs).toBeLessThan(600);
  });

  it('fails a connection reset as connection_reset, without a retry when retries are off', async () => {
    const f = failure(await runHttpCheck(monitor('/reset', { retryNetworkErrors: false }), noSecrets));
    expect(f.reason).toBe('connection_reset');
    expect(f.detail).toMatch(/ECONNRESET/);
    expect(f.attempts).toBe(1);
    expect(f.statusCode).toBeUndefined();
  });

  it('retries a reset once and reports both attempts when the second succeeds', async () => {
    const before = fx.requests.length;
    const result = await runHttpCheck(monitor('/flaky-reset?id=retry-once'), noSecrets);
    expect(result).toMatchObject({ ok: true, attempts: 2, statusCode: 200 });
    expect(fx.requests.length - before).toBe(2);
  });

  it('gives up after the one retry when the reset persists', async () => {
    const f = failure(await runHttpCheck(monitor('/reset'), noSecrets));
    expect(f.reason).toBe('connection_reset');
    expect(f.attempts).toBe(2);
  });

  it('does not retry a reset of a POST, which the server may have acted on', async () => {
    const f = failure(await runHttpCheck(monitor('/reset', { method: 'POST', body: '{}' }), noSecrets));
    expect(f.reason).toBe('connection_reset');
    expect(f.attempts).toBe(1);
  });

  it('fails a body cut off mid-way as connection_reset, after the headers', async () => {
    const f = failure(await runHttpCheck(monitor('/truncated'), noSecrets));
    expect(f.reason).toBe('connection_reset');
    expect(f.statusCode).toBe(200);
    expect(f.attempts).toBe(1);
    expect(f.detail).toMatch(/^HTTP 200 OK, then the body broke off after 10 bytes: /);
  });

  it('fails a refused connection as connection_refused, after one retry', async () => {
    const port = await closedPort();
    const m = { ...monitor('/'), url: `http://127.0.0.1:${port}/health` };
    const f = failure(await runHttpCheck(m, noSecrets));
    expect(f.reason).toBe('connection_refused');
    expect(f.detail).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(f.attempts).toBe(2);
  });

  it('fails HTML where JSON was expected as bad_json, showing the content type and how it starts', async () => {
    const f = failure(await runHttpCheck(monitor('/html', { assertions: MADEF_ASSERTIONS }), noSecrets));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe('body is not JSON (text/html, starts "<!DOCTYPE html> <html><head><title>Bad g")');
  });

  it('passes an HTML page when the monitor asserts nothing', async () => {
    const result = await runHttpCheck(monitor('/html'), noSecrets);
    expect(result.ok).toBe(true);
    expect(result.components).toBeUndefined();
  });

  it('fails an empty body as bad_json when assertions need JSON', async () => {
    const f = failure(
      await runHttpCheck(monitor('/empty', { assertions: [{ path: 'status', equals: 'ok' }] }), noSecrets),
    );
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe('body is not JSON (application/json, empty)');
  });

  it('stops reading a 64 MiB streamed body at the cap, with bounded memory', async () => {
    const rssBefore = process.memoryUsage().rss;
    const f = failure(
      await runHttpCheck(
        monitor('/huge', { maxBodyBytes: 1024 * 1024, assertions: [{ path: 'status', equals: 'ok' }] }),
        noSecrets,
      ),
    );
    expect(f.reason).toBe('too_large');
    expect(f.detail).toBe('body over the 1048576-byte limit; stopped reading');
    // Give the server a moment to notice the closed socket.
    await new Promise((r) => setTimeout(r, 100));
    expect(fx.huge.finished).toBe(false);
    expect(fx.huge.closedEarly).toBe(true);
    // Socket buffers hold a few MiB at most; anything near 64 MiB means the check kept reading.
    expect(fx.huge.bytesWritten).toBeLessThan(HUGE_BYTES / 4);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024);
  });

  it('fails a declared Content-Length over the cap without reading the body', async () => {
    const f = failure(await runHttpCheck(monitor('/huge-declared'), noSecrets));
    expect(f.reason).toBe('too_large');
    expect(f.detail).toBe(`Content-Length ${HUGE_BYTES} bytes is over the 1048576-byte limit; not read`);
  });

  it('fails a redirect loop as redirect_loop', async () => {
    const f = failure(await runHttpCheck(monitor('/loop/a'), noSecrets));
    expect(f.reason).toBe('redirect_loop');
    expect(f.detail).toBe('redirect loop: HTTP 302 Found to /loop/a was already visited');
    expect(f.finalUrl).toBe(fx.url('/loop/b'));
  });

  it('fails more redirects than maxRedirects as redirect_loop', async () => {
    const f = failure(await runHttpCheck(monitor('/chain?n=3', { maxRedirects: 2 }), noSecrets));
    expect(f.reason).toBe('redirect_loop');
    expect(f.detail).toBe('more than 2 redirects (last: HTTP 301 Moved Permanently to /madef/health)');
  });

  it('follows a relative redirect to a healthy page and reports the final URL', async () => {
    const result = await runHttpCheck(monitor('/moved', { assertions: MADEF_ASSERTIONS }), noSecrets);
    expect(result).toMatchObject({ ok: true, statusCode: 200, finalUrl: fx.url('/madef/health') });
  });

  it('follows a chain within maxRedirects', async () => {
    const result = await runHttpCheck(monitor('/chain?n=3', { maxRedirects: 3 }), noSecrets);
    expect(result).toMatchObject({ ok: true, finalUrl: fx.url('/madef/health') });
  });

  it('treats a redirect as the answer when maxRedirects is 0', async () => {
    const f = failure(await runHttpCheck(monitor('/moved', { maxRedirects: 0 }), noSecrets));
    expect(f.reason).toBe('http_status');
    expect(f.detail).toBe('HTTP 302 Found (to madef/health), expected 2xx');
  });

  it('turns a POST into a GET on 303, and keeps the method and body on 307', async () => {
    const seeOther = await runHttpCheck(
      monitor('/see-other', {
        method: 'POST',
        body: '{"ping":1}',
        assertions: [{ path: 'method', equals: 'GET' }],
      }),
      noSecrets,
    );
    expect(seeOther.ok).toBe(true);
    const temporary = await runHttpCheck(
      monitor('/temporary', {
        method: 'POST',
        body: '{"ping":1}',
        assertions: [
          { path: 'method', equals: 'POST' },
          { path: 'body', equals: '{"ping":1}' },
        ],
      }),
      noSecrets,
    );
    expect(temporary.ok).toBe(true);
  });

  it('sends the canary user-agent and accept headers, and the body with its length', async () => {
    const before = fx.requests.length;
    await runHttpCheck(
      monitor('/echo', {
        method: 'PUT',
        body: 'héllo',
        headers: { 'X-Trace': 'abc', 'content-type': 'text/plain' },
      }),
      noSecrets,
    );
    const req = fx.requests[before];
    expect(req?.method).toBe('PUT');
    expect(req?.body).toBe('héllo');
    expect(req?.headers).toMatchObject({
      'user-agent': USER_AGENT,
      accept: ACCEPT,
      'x-trace': 'abc',
      'content-length': '6',
      connection: 'close',
    });
  });

  it('keeps a user-agent the monitor sets itself', async () => {
    const before = fx.requests.length;
    await runHttpCheck(monitor('/echo', { headers: { 'User-Agent': 'uptime-probe' } }), noSecrets);
    expect(fx.requests[before]?.headers['user-agent']).toBe('uptime-probe');
  });

  it('sends an auth header read through resolveSecret, with its prefix', async () => {
    const asked: SecretRef[] = [];
    const deps: HttpCheckDeps = {
      resolveSecret: async (ref) => {
        asked.push(ref);
        return `${FIXTURE_TOKEN}\n`;
      },
    };
    const headers = { Authorization: { ssmParameter: '/vigil/madef/health-token', prefix: 'Bearer ' } };
    const result = await runHttpCheck(monitor('/auth', { headers, assertions: MADEF_ASSERTIONS }), deps);
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(asked).toEqual([{ ssmParameter: '/vigil/madef/health-token', prefix: 'Bearer ' }]);
  });

  it('gets a 401 from the same endpoint without the header', async () => {
    const f = failure(await runHttpCheck(monitor('/auth'), noSecrets));
    expect(f.reason).toBe('http_status');
    expect(f.detail).toBe('HTTP 401 Unauthorized, expected 2xx');
  });

  it('passes a 401 when expectStatus says 401 (an endpoint that must stay protected)', async () => {
    const result = await runHttpCheck(monitor('/auth', { expectStatus: [401] }), noSecrets);
    expect(result).toMatchObject({ ok: true, statusCode: 401 });
  });

  it('names several expected statuses in the detail', async () => {
    const f = failure(await runHttpCheck(monitor('/status/200', { expectStatus: [401, 403] }), noSecrets));
    expect(f.detail).toBe('HTTP 200 OK, expected 401 or 403');
  });

  it('fails as secret_unavailable, naming header and parameter but never a value, without calling the target', async () => {
    const before = fx.requests.length;
    const deps: HttpCheckDeps = {
      resolveSecret: () => Promise.reject(new Error('ParameterNotFound')),
    };
    const headers = {
      authorization: { ssmParameter: '/vigil/madef/health-token', prefix: 'Bearer ' },
      'x-plain': 'visible',
    };
    const f = failure(await runHttpCheck(monitor('/auth', { headers }), deps));
    expect(f.reason).toBe('secret_unavailable');
    expect(f.detail).toBe(
      'header authorization: SSM parameter /vigil/madef/health-token is unavailable (ParameterNotFound)',
    );
    expect(fx.requests.length).toBe(before);
  });

  it('never puts a resolved secret value into a failure', async () => {
    const deps: HttpCheckDeps = { resolveSecret: async () => 'TOP-SECRET-VALUE' };
    const headers = { authorization: { secretsManager: 'vigil/madef', jsonKey: 'token' } };
    const f = failure(await runHttpCheck(monitor('/auth', { headers }), deps));
    expect(f.reason).toBe('http_status');
    expect(JSON.stringify(f)).not.toContain('TOP-SECRET-VALUE');
  });

  it('fails a secret that is not a valid header value as network, once, without echoing it', async () => {
    const before = fx.requests.length;
    const deps: HttpCheckDeps = { resolveSecret: async () => 'line-one\nline-two' };
    const headers = { authorization: { ssmParameter: '/vigil/multiline' } };
    const f = failure(await runHttpCheck(monitor('/auth', { headers }), deps));
    expect(f.reason).toBe('network');
    expect(f.attempts).toBe(1);
    expect(f.detail).toContain('authorization');
    expect(JSON.stringify(f)).not.toContain('line-one');
    expect(fx.requests.length).toBe(before);
  });

  it('fails as secret_unavailable when the secret read outlasts the timeout', async () => {
    const deps: HttpCheckDeps = { resolveSecret: () => new Promise<string>(() => {}) };
    const headers = { authorization: { secretsManager: 'vigil/madef', jsonKey: 'token' } };
    const started = performance.now();
    const f = failure(await runHttpCheck(monitor('/auth', { headers, timeoutMs: 150 }), deps));
    expect(f.reason).toBe('secret_unavailable');
    expect(f.detail).toMatch(
      /^timed out after 15\d ms reading header authorization \(Secrets Manager secret vigil\/madef field "token"\)$/,
    );
    expect(performance.now() - started).toBeLessThan(450);
  });

  it('drops credentials when a redirect leaves the origin, and keeps the other headers', async () => {
    // 127.0.0.1 and localhost reach the same server but are different origins.
    const other = fx.url('/echo').replace('127.0.0.1', 'localhost');
    const before = fx.requests.length;
    const m = monitor(`/redirect-to?${new URLSearchParams({ to: other })}`, {
      headers: {
        Authorization: { ssmParameter: '/vigil/auth', prefix: 'Bearer ' },
        'x-api-key': { ssmParameter: '/vigil/key' },
        'x-keep': 'yes',
      },
    });
    const secrets: Record<string, string> = { '/vigil/auth': 'plain', '/vigil/key': 'k' };
    const result = await runHttpCheck(m, {
      resolveSecret: async (ref) => ('ssmParameter' in ref ? (secrets[ref.ssmParameter] ?? '') : ''),
    });
    expect(result).toMatchObject({ ok: true, finalUrl: other });
    const [first, second] = fx.requests.slice(before);
    expect(first?.headers).toMatchObject({
      authorization: 'Bearer plain',
      'x-api-key': 'k',
      'x-keep': 'yes',
    });
    expect(second?.headers['x-keep']).toBe('yes');
    expect(second?.headers.authorization).toBeUndefined();
    expect(second?.headers['x-api-key']).toBeUndefined();
  });

  it('returns application/health+json components with their measurements', async () => {
    const result = await runHttpCheck(monitor('/health+json'), noSecrets);
    expect(result.ok).toBe(true);
    expect(result.overallStatus).toBe('warn');
    expect(result.components).toEqual([
      { name: 'postgres:responseTime', state: 'healthy', status: 'pass', latencyMs: 250 },
      { name: 'memory:utilization/node-1', state: 'degraded', status: 'warn', detail: 'heap near limit' },
      { name: 'memory:utilization/node-2', state: 'healthy', status: 'pass', detail: 'observed 40 percent' },
    ]);
  });

  it('returns services.*.status components from the whatsapp-ai-assistant health document', async () => {
    const result = await runHttpCheck(
      monitor('/whatsapp/health', { assertions: [{ path: 'services.database.status', equals: 'up' }] }),
      noSecrets,
    );
    expect(result.ok).toBe(true);
    expect(result.components).toEqual([
      { name: 'database', state: 'healthy', status: 'up', latencyMs: 45 },
      { name: 'redis', state: 'healthy', status: 'up' },
      { name: 'inngest', state: 'healthy', status: 'configured' },
      { name: 'waha', state: 'unhealthy', status: 'down', latencyMs: 120, detail: 'ECONNREFUSED' },
    ]);
  });

  it('reads the bare status of an ai-muhasebi /readyz 503', async () => {
    const f = failure(await runHttpCheck(monitor('/readyz-down'), noSecrets));
    expect(f).toMatchObject({ reason: 'http_status', overallStatus: 'not_ready', components: [] });
  });

  it('fails a TLS handshake with a plain-HTTP server as tls', async () => {
    const m = { ...monitor('/'), url: fx.url('/madef/health').replace('http:', 'https:') };
    const f = failure(await runHttpCheck(m, noSecrets));
    expect(f.reason).toBe('tls');
    expect(f.attempts).toBe(1);
    expect(f.detail).toMatch(/EPROTO/);
  });

  it('never throws, even when the secret resolver throws synchronously', async () => {
    const deps = {
      resolveSecret: () => {
        throw new Error('boom');
      },
    } as unknown as HttpCheckDeps;
    const f = failure(
      await runHttpCheck(monitor('/auth', { headers: { authorization: { ssmParameter: '/x' } } }), deps),
    );
    expect(f.reason).toBe('secret_unavailable');
    expect(f.detail).toBe('header authorization: SSM parameter /x is unavailable (boom)');
  });

  it('uses the injected clock for checkedAt and durations', async () => {
    let t = Date.UTC(2025, 0, 13, 10, 30);
    const result = await runHttpCheck(monitor('/madef/health'), {
      ...noSecrets,
      now: () => {
        t += 5;
        return t;
      },
    });
    expect(result.checkedAt).toBe('2025-01-13T10:30:00.005Z');
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.durationMs % 5).toBe(0);
  });

  it('is what runCheck runs for an http monitor', async () => {
    const result = await runCheck(monitor('/madef/health'), { ...noSecrets, aws });
    expect(result).toMatchObject({ ok: true, kind: 'http', statusCode: 200 });
  });
});

describe('classifyError', () => {
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });

  it.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['EHOSTUNREACH', 'network'],
    ['HPE_INVALID_CONSTANT', 'network'],
  ] as const)('maps %s to %s', (code, reason) => {
    expect(classifyError(err(code))).toBe(reason);
  });

  it('maps EPROTO to tls only when OpenSSL speaks', () => {
    expect(
      classifyError(err('EPROTO', 'write EPROTO error:0A00010B:SSL routines::wrong version number')),
    ).toBe('tls');
    expect(classifyError(err('EPROTO', 'protocol error'))).toBe('network');
  });

  it('maps a bare "socket hang up" to connection_reset', () => {
    expect(classifyError(new Error('socket hang up'))).toBe('connection_reset');
  });
});

describe('CANARY_VERSION', () => {
  it('matches package.json, so the user-agent names the deployed version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(CANARY_VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`vigil-canary/${pkg.version}`);
  });
});
