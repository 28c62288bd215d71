import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsOutcomes } from '../../examples/demo.config.ts';
import { runHttpCheck } from '../../lambdas/canary/checks/http-check.ts';
import { type HttpMonitor, resolveMonitor } from '../../lib/config/resolve.ts';
import { httpMonitorSchema } from '../../lib/config/schema.ts';
import { type DemoTls, startDemoTls } from '../../scripts/demo-tls.ts';

let tls: DemoTls;
beforeAll(async () => {
  tls = await startDemoTls();
}, 20_000);
afterAll(() => tls?.close());

describe('the demo HTTPS endpoint', () => {
  it('serves a self-signed certificate that fails the check as the demo expects', async () => {
    const monitor = resolveMonitor(
      httpMonitorSchema.parse({ name: 'madef-tls', kind: 'http', url: `${tls.url}/api/health` }),
    ) as HttpMonitor;
    const result = await runHttpCheck(monitor, {
      resolveSecret: () => Promise.reject(new Error('none')),
      ca: [readFileSync(tls.caFile, 'utf8')],
    });
    expect(result).toMatchObject({
      ok: false,
      reason: tlsOutcomes['madef-tls']?.result,
      statusCode: 200,
      measurements: { CertificateDaysLeft: 4.9 },
    });
    expect(result.ok ? '' : result.detail).toMatch(
      /^the certificate of 127\.0\.0\.1 expires in 4\.9 days \(.+Z\), under the 7-day minimum: renew it now$/,
    );
  });

  it('is untrusted without the certificate: tls, as any self-signed one', async () => {
    const monitor = resolveMonitor(
      httpMonitorSchema.parse({ name: 'madef-tls', kind: 'http', url: `${tls.url}/api/health` }),
    ) as HttpMonitor;
    const result = await runHttpCheck(monitor, { resolveSecret: () => Promise.reject(new Error('none')) });
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
  });
});
