import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateExpiry, daysLeft, judgeCertificate } from '../../lambdas/canary/checks/certificate.ts';
import { type HttpCheckDeps, runHttpCheck } from '../../lambdas/canary/checks/http-check.ts';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import { type HttpMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { type HttpMonitorInput, httpMonitorSchema } from '../../lib/config/schema.ts';
import {
  type IssuedCert,
  makeTestCa,
  startTlsServer,
  type TestCa,
  type TlsServer,
} from '../support/tls-fixtures.ts';

const DAY_MS = 86_400_000;

let ca: TestCa;
let made: number;
const servers: Record<string, TlsServer> = {};
const certs: Record<string, IssuedCert> = {};

beforeAll(async () => {
  made = Date.now();
  ca = makeTestCa(made);
  certs.in3 = ca.issue('leaf-3-days', { days: 3 });
  certs.in20 = ca.issue('leaf-20-days', { days: 20 });
  certs.in10 = ca.issue('leaf-10-days', { days: 10 });
  certs.expired = ca.issue('leaf-expired', { days: -2 });
  // An intermediate that expires in 5 days, under a leaf that has 60: renewing the leaf will not help.
  certs.intermediate = ca.issue('Vigil Test Intermediate', { days: 5, ca: true });
  certs.underIntermediate = ca.issue('leaf-60-days', { days: 60, issuer: certs.intermediate });
  servers.in3 = await startTlsServer(certs.in3);
  servers.in20 = await startTlsServer(certs.in20);
  servers.in10 = await startTlsServer(certs.in10);
  servers.expired = await startTlsServer(certs.expired);
  certs.otherHost = ca.issue('other-host', { days: 90, otherHost: true });
  servers.otherHost = await startTlsServer(certs.otherHost);
  servers.chain = await startTlsServer(certs.underIntermediate, [certs.intermediate]);
}, 30_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  ca?.dispose();
});

function monitor(url: string, overrides: Partial<HttpMonitorInput> = {}): HttpMonitor {
  return resolveMonitor(
    httpMonitorSchema.parse({ name: 'tls-fixture', kind: 'http', url, ...overrides }),
  ) as HttpMonitor;
}

/** Trusts the test's root; the clock is real unless a test shifts it. */
function deps(shiftMs = 0): HttpCheckDeps {
  return {
    resolveSecret: () => Promise.reject(new Error('no secrets here')),
    ca: [ca.root.cert],
    now: () => Date.now() + shiftMs,
  };
}

function days(result: CheckResult): number | undefined {
  return result.measurements?.CertificateDaysLeft;
}

describe('certificate expiry against real TLS servers on 127.0.0.1', () => {
  it('fails a certificate that expires in 3 days as certificate_expiring, with the days from the certificate', async () => {
    const result = await runHttpCheck(monitor(servers.in3?.url ?? ''), deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('certificate_expiring');
    // Made with 3 days left a moment ago: 2.9 days, rounded down, never 3.0 or more.
    expect(days(result)).toBe(2.9);
    const date = new Date(certs.in3?.notAfter ?? 0).toISOString().replace('.000Z', 'Z');
    expect(result.detail).toBe(
      `the certificate of 127.0.0.1 expires in 2.9 days (${date}), under the 7-day minimum: renew it now`,
    );
  });

  it('passes a certificate that expires in 20 days with no warning, and measures 19.9 days', async () => {
    const result = await runHttpCheck(monitor(servers.in20?.url ?? ''), deps());
    expect(result).toMatchObject({ ok: true, statusCode: 200, measurements: { CertificateDaysLeft: 19.9 } });
    expect(result.ok && result.detail).toBeUndefined();
  });

  it('passes a certificate in its last 14 days with the warning as the detail', async () => {
    const result = await runHttpCheck(monitor(servers.in10?.url ?? ''), deps());
    const date = new Date(certs.in10?.notAfter ?? 0).toISOString().replace('.000Z', 'Z');
    expect(result).toMatchObject({
      ok: true,
      detail: `warning: the certificate of 127.0.0.1 expires in 9.9 days (${date}), under the 14-day warning level: renew it`,
      measurements: { CertificateDaysLeft: 9.9 },
    });
  });

  it('compares with the injected clock only for now: 20 days, 15 days later, fails', async () => {
    const result = await runHttpCheck(monitor(servers.in20?.url ?? ''), deps(15 * DAY_MS));
    expect(result).toMatchObject({ ok: false, reason: 'certificate_expiring' });
    expect(days(result)).toBe(4.9);
  });

  it('fails on an intermediate that expires before the leaf, naming it', async () => {
    const result = await runHttpCheck(monitor(servers.chain?.url ?? ''), deps());
    expect(result).toMatchObject({ ok: false, reason: 'certificate_expiring' });
    expect(days(result)).toBe(4.9);
    expect(result.ok ? '' : result.detail).toMatch(
      /^its issuer "Vigil Test Intermediate" in the chain of 127\.0\.0\.1 \(the leaf has 59\.9 days\) expires in 4\.9 days \(.+Z\), under the 7-day minimum: renew it now$/,
    );
  });

  it('keeps an expired certificate a tls failure, as before', async () => {
    const result = await runHttpCheck(monitor(servers.expired?.url ?? ''), deps());
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
    expect(result.ok ? '' : result.detail).toContain('CERT_HAS_EXPIRED');
    expect(days(result)).toBeUndefined();
  });

  it('keeps a certificate for another name a tls failure', async () => {
    const result = await runHttpCheck(monitor(servers.otherHost?.url ?? ''), deps());
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
    expect(result.ok ? '' : result.detail).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('honours custom limits and certificate: false', async () => {
    const strict = await runHttpCheck(
      monitor(servers.in20?.url ?? '', { certificate: { warnDays: 30, minDays: 21 } }),
      deps(),
    );
    expect(strict).toMatchObject({ ok: false, reason: 'certificate_expiring' });
    const off = await runHttpCheck(monitor(servers.in3?.url ?? '', { certificate: false }), deps());
    expect(off).toMatchObject({ ok: true });
    expect(days(off)).toBeUndefined();
  });
});

describe('certificate rules in config', () => {
  it('defaults to warn at 14 days and fail at 7 for https, and to nothing for http', () => {
    expect(monitor('https://api.example.com/health').certificate).toEqual({
      warnDays: 14,
      minDays: 7,
      warningAlarm: false,
      warningSeverity: 'P3',
    });
    expect(monitor('http://api.example.com/health').certificate).toBeUndefined();
  });

  it('rejects a minimum that is not below the warning level, naming the path and the fix', () => {
    const r = httpMonitorSchema.safeParse({
      name: 'x',
      kind: 'http',
      url: 'https://api.example.com',
      certificate: { warnDays: 7, minDays: 7 },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['certificate', 'minDays']);
    expect(r.error?.issues[0]?.message).toBe(
      '7 is not below warnDays (7); the warning must come first, e.g. { warnDays: 14, minDays: 7 }',
    );
  });
});

describe('judgeCertificate', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  const chain = (leafDays: number, issuerDays?: number) => [
    { subject: 'api.example.com', validTo: now + leafDays * DAY_MS },
    ...(issuerDays === undefined ? [] : [{ subject: 'R11', validTo: now + issuerDays * DAY_MS }]),
  ];
  const rules = { warnDays: 14, minDays: 7 };
  const expiryOf = (c: ReturnType<typeof chain>) => {
    const e = certificateExpiry('api.example.com', c, now);
    if (!e) throw new Error('a chain with a leaf has an expiry');
    return e;
  };

  it('rounds days down to a tenth', () => {
    expect(daysLeft(now + 7 * DAY_MS - 1, now)).toBe(6.9);
    expect(daysLeft(now - DAY_MS / 2, now)).toBe(-0.5);
  });

  it('fails under minDays, warns under warnDays, and is fine at exactly warnDays', () => {
    const at = (d: number) => judgeCertificate(expiryOf(chain(d)), rules).level;
    expect([at(6.9), at(7), at(13.9), at(14)]).toEqual(['fail', 'warn', 'warn', 'ok']);
  });

  it('judges the earliest certificate of the chain', () => {
    const e = expiryOf(chain(80, 3));
    expect(e.earliest).toMatchObject({ subject: 'R11', daysLeft: 3, position: 1 });
    expect(judgeCertificate(e, rules).detail).toBe(
      'its issuer "R11" in the chain of api.example.com (the leaf has 80.0 days) expires in 3.0 days (2026-12-07T12:00:00Z), under the 7-day minimum: renew it now',
    );
  });
});
