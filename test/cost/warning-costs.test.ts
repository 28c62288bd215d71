import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { estimateCost, metricNames } from '../../lib/cost/estimate.ts';

const config = parseConfig({
  project: 'p',
  monitors: [
    { kind: 'http', name: 'tls-alarmed', url: 'https://a.example.com/', certificate: { warningAlarm: true } },
    { kind: 'http', name: 'tls-plain', url: 'https://b.example.com/' },
    {
      kind: 'http',
      name: 'tls-lean',
      url: 'https://c.example.com/',
      tier: 'lean',
    },
    {
      kind: 'command',
      name: 'disk',
      instances: ['i-0123456789abcdef0'],
      disk: { path: '/opt/madef/backups', warnUsedPercent: 80, maxInodesUsedPercent: 90 },
    },
    {
      kind: 'command',
      name: 'disk-lean',
      tier: 'lean',
      instances: ['i-0123456789abcdef0'],
      disk: { path: '/', maxUsedPercent: 95 },
    },
  ],
});
const byName = (name: string) => {
  const m = config.monitors.find((x) => x.name === name);
  if (!m) throw new Error(name);
  return m;
};

describe('vigil cost: certificate and disk metrics per tier', () => {
  it('full publishes CertificateDaysLeft only with the warning alarm, lean never', () => {
    expect(metricNames(byName('tls-alarmed'))).toEqual(['Success', 'LatencyMs', 'CertificateDaysLeft']);
    expect(metricNames(byName('tls-plain'))).toEqual(['Success', 'LatencyMs']);
    expect(metricNames(byName('tls-lean'))).toEqual(['Success']);
  });

  it('full publishes the disk used, free and inodes; lean Success only', () => {
    expect(metricNames(byName('disk'))).toEqual([
      'Success',
      'DiskUsedPercent',
      'DiskFreeBytes',
      'InodesUsedPercent',
    ]);
    expect(metricNames(byName('disk-lean'))).toEqual(['Success']);
  });

  it('prices them on lines of their own, and their warning alarms with the others', () => {
    const estimate = estimateCost(config);
    const item = (name: string) => estimate.lines.find((l) => l.item === name);
    expect(
      item('certificate days left (full-tier https monitors with certificate.warningAlarm)'),
    ).toMatchObject({
      service: 'metrics',
      quantity: 1,
      unitPrice: 0.3,
      monthly: 0.3,
    });
    expect(item('disk used and free (full-tier disk aspects; lean and grouped publish none)')).toMatchObject({
      quantity: 3,
      monthly: 0.3 * 3,
    });
    // Success ×5 and LatencyMs ×2 (the full-tier http monitors).
    expect(item('custom metrics (standard and high-resolution)')?.quantity).toBe(7);
    // 5 monitors, the two full-tier warning alarms, and Vigil's own watchers.
    const alarms = item('standard alarms (monitors, queue aspects, grouped services, watchers, heartbeat)');
    const withoutWarnings = estimateCost(
      parseConfig({
        project: 'p',
        monitors: config.monitors.map((m) => ({
          kind: 'http' as const,
          name: m.name,
          url: 'https://x.example.com/',
        })),
      }),
    ).lines.find((l) => l.item.startsWith('standard alarms'));
    expect((alarms?.quantity ?? 0) - (withoutWarnings?.quantity ?? 0)).toBe(2);
  });
});
