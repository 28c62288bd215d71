import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { recordedEmf } from '../support/emf.ts';

afterEach(() => vi.restoreAllMocks());

const monitors = parseConfig({
  project: 'test',
  monitors: [
    { kind: 'http', name: 'tls-alarmed', url: 'https://a.example.com/', certificate: { warningAlarm: true } },
    { kind: 'http', name: 'tls-plain', url: 'https://b.example.com/' },
    { kind: 'http', name: 'tls-lean', url: 'https://c.example.com/', tier: 'lean' },
    {
      kind: 'command',
      name: 'disk',
      instances: ['i-0123456789abcdef0'],
      disk: { path: '/opt/madef/backups', maxInodesUsedPercent: 90 },
    },
  ],
}).monitors;

/** The EMF line `recordResult` prints for the named monitor. */
function emf(name: string, result: CheckResult) {
  const monitor = monitors.find((m) => m.name === name);
  if (!monitor) throw new Error(`no monitor ${name}`);
  return recordedEmf(monitor, result);
}

const names = (out: ReturnType<typeof emf>) => out._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name);

const passed = (monitor: string, measurements: CheckResult['measurements']): CheckResult => ({
  monitor,
  kind: 'http',
  checkedAt: '2026-12-04T12:00:00.000Z',
  durationMs: 40,
  latencyMs: 38,
  attempts: 1,
  ok: true,
  measurements,
});

describe('recordResult: certificate and disk measurements by tier', () => {
  it('full with the certificate warning alarm: CertificateDaysLeft is a metric', () => {
    const out = emf('tls-alarmed', passed('tls-alarmed', { CertificateDaysLeft: 9.9 }));
    expect(names(out)).toEqual(['Success', 'LatencyMs', 'CertificateDaysLeft']);
    expect(out.CertificateDaysLeft).toBe(9.9);
  });

  it('full without it: the days left are free metadata in the log line', () => {
    const out = emf('tls-plain', passed('tls-plain', { CertificateDaysLeft: 9.9 }));
    expect(names(out)).toEqual(['Success', 'LatencyMs']);
    expect(out.CertificateDaysLeft).toBe('9.9');
  });

  it('lean: Success only, the days left as metadata', () => {
    const out = emf('tls-lean', passed('tls-lean', { CertificateDaysLeft: 2.9 }));
    expect(names(out)).toEqual(['Success']);
    expect(out.CertificateDaysLeft).toBe('2.9');
  });

  it('full disk aspect: used %, free bytes and inodes % are metrics with their units', () => {
    const out = emf(
      'disk',
      passed('disk', { DiskUsedPercent: 51, DiskFreeBytes: 3605864448, InodesUsedPercent: 23 }),
    );
    expect(out._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'Success', Unit: 'Count' },
      { Name: 'LatencyMs', Unit: 'Milliseconds' },
      { Name: 'DiskUsedPercent', Unit: 'Percent' },
      { Name: 'DiskFreeBytes', Unit: 'Bytes' },
      { Name: 'InodesUsedPercent', Unit: 'Percent' },
    ]);
  });
});
