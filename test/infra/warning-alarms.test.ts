/**
 * Certificate and disk warning alarms in the template: like a queue's warnDepth, a threshold on a
 * measurement the canary publishes, M of N, missing data not breaching, paging the warning severity;
 * only where the tier publishes the metric.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { buildPagerCatalog } from '../../lib/paging/catalog.ts';
import { logicalId, type Synthesized, synthVigil } from '../support/synth.ts';

const config = parseConfig(
  {
    project: 'warn',
    monitors: [
      {
        kind: 'http',
        name: 'madef-tls',
        url: 'https://madef.example.com/api/health',
        certificate: { warningAlarm: true },
        runbook: 'https://github.com/acme/ops/blob/main/madef.md#tls',
      },
      {
        kind: 'http',
        name: 'nutri-tls',
        url: 'https://nutri.example.com/health',
        certificate: { warnDays: 21, minDays: 5, warningAlarm: true, warningSeverity: 'P4' },
        alarm: { datapointsToAlarm: 1, evaluationPeriods: 1 },
      },
      // Lean publishes Success only: its certificate is checked, and no alarm reads the days left.
      { kind: 'http', name: 'lean-tls', url: 'https://lean.example.com/health', tier: 'lean' },
      { kind: 'http', name: 'plain-tls', url: 'https://plain.example.com/health' },
      {
        kind: 'command',
        name: 'madef-disk',
        instances: ['i-0123456789abcdef0'],
        schedule: 'rate(5 minutes)',
        disk: { path: '/opt/madef/backups', maxUsedPercent: 90, warnUsedPercent: 80 },
      },
      {
        kind: 'command',
        name: 'root-disk',
        instances: ['i-0123456789abcdef0'],
        disk: { path: '/' },
      },
    ],
  },
  'test/infra/warning-alarms.test.ts',
);

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(config);
});

function alarmNames(): string[] {
  return Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))
    .map((r) => (r as { Properties: { AlarmName?: string } }).Properties.AlarmName ?? '')
    .filter((n) => n.endsWith('-warning'))
    .sort();
}

describe('certificate warning alarm', () => {
  it("pages P3 when CertificateDaysLeft drops under warnDays (14), on the monitor's M of N (1 of 1), missing data not breaching", () => {
    // madef-tls sets no alarm, so it has a confirmed HTTP monitor's 1 of 1. Days left only fall
    // until a renewal, so one reading under warnDays is enough to warn.
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-warn-madef-tls-certificate-warning',
      AlarmDescription:
        'madef-tls: a TLS certificate of https://madef.example.com/api/health expires in under 14 days (warning level; the check fails under 7). Renew it.\nRunbook: https://github.com/acme/ops/blob/main/madef.md#tls',
      Namespace: 'Vigil',
      MetricName: 'CertificateDaysLeft',
      Dimensions: [{ Name: 'Monitor', Value: 'madef-tls' }],
      Statistic: 'Minimum',
      Period: 60,
      Threshold: 14,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P3) }],
      OKActions: [{ Ref: logicalId(synth.stack.paging.topics.P3) }],
    });
  });

  it('uses the monitor own warnDays, warning severity and M of N', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-warn-nutri-tls-certificate-warning',
      Threshold: 21,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P4) }],
    });
  });
});

describe('disk warning alarm', () => {
  it('pages P3 when DiskUsedPercent is over warnUsedPercent, on the schedule period', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-warn-madef-disk-disk-warning',
      AlarmDescription:
        'madef-disk: /opt/madef/backups is more than 80% full (warning level; the check fails over 90%).',
      Namespace: 'Vigil',
      MetricName: 'DiskUsedPercent',
      Dimensions: [{ Name: 'Monitor', Value: 'madef-disk' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(synth.stack.paging.topics.P3) }],
    });
  });
});

describe('which monitors get one', () => {
  it('refuses a warning alarm in lean or grouped, naming the path and the fix', () => {
    const lean = (monitor: Record<string, unknown>) => () =>
      parseConfig({ project: 'p', monitors: [{ ...monitor, tier: 'lean' }] }, 'test');
    expect(
      lean({ kind: 'http', name: 'a', url: 'https://a.example.com/', certificate: { warningAlarm: true } }),
    ).toThrow(
      "monitors[0].certificate.warningAlarm: certificate.warningAlarm (a CertificateDaysLeft alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
    );
    expect(
      lean({
        kind: 'command',
        name: 'd',
        instances: ['i-0123456789abcdef0'],
        disk: { path: '/', warnUsedPercent: 80 },
      }),
    ).toThrow(
      "monitors[0].disk.warnUsedPercent: disk.warnUsedPercent (a DiskUsedPercent alarm) needs metrics the lean tier does not publish; use tier: 'full' for this monitor",
    );
  });

  it('only full-tier monitors that ask: no alarm for lean, for the default certificate rules, or a disk without warnUsedPercent', () => {
    expect(alarmNames()).toEqual([
      'vigil-warn-madef-disk-disk-warning',
      'vigil-warn-madef-tls-certificate-warning',
      'vigil-warn-nutri-tls-certificate-warning',
    ]);
  });

  it('lists them in the pager catalog with their own severity', () => {
    const catalog = buildPagerCatalog(config);
    expect(catalog.alarms['vigil-warn-madef-tls-certificate-warning']).toEqual({
      type: 'aspect',
      service: 'madef-tls',
      severity: 'P3',
      monitor: 'madef-tls',
      aspect: 'certificate-warning',
    });
    expect(catalog.alarms['vigil-warn-madef-disk-disk-warning']?.severity).toBe('P3');
    // The page's threshold line says what fails a disk-only command monitor (no command to exit).
    expect(catalog.monitors['madef-disk']?.threshold).toBe(
      '2 of 3 checks fail (rate(5 minutes)); /opt/madef/backups over 90% used fails',
    );
  });
});
