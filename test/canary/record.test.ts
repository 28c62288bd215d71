import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { recordedEmf } from '../support/emf.ts';

afterEach(() => vi.restoreAllMocks());

const [queue] = parseConfig({
  project: 'test',
  monitors: [
    {
      name: 'orders-queue',
      kind: 'queue',
      sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
      maxDepth: 1000,
    },
  ],
}).monitors;

/** Records `result` on a fresh Metrics instance and returns the EMF line it prints. */
function emfFor(result: CheckResult) {
  if (!queue) throw new Error('no monitor');
  return recordedEmf(queue, result);
}

describe('recordResult', () => {
  it('publishes the metric measurements and keeps the rest as free metadata', () => {
    const emf = emfFor({
      ok: false,
      reason: 'queue_depth',
      detail: '1001 messages visible, over the 1000 limit',
      monitor: 'orders-queue',
      kind: 'queue',
      checkedAt: '2026-11-24T06:00:00.000Z',
      durationMs: 12,
      attempts: 1,
      measurements: { QueueDepth: 1001, InFlight: 3, Delayed: 0, DeadLetterDepth: 2 },
    });
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Monitor']]);
    expect(emf._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'Success', Unit: 'Count' },
      { Name: 'QueueDepth', Unit: 'Count' },
      { Name: 'DeadLetterDepth', Unit: 'Count' },
    ]);
    expect(emf).toMatchObject({
      Monitor: 'orders-queue',
      Success: 0,
      QueueDepth: 1001,
      DeadLetterDepth: 2,
      reason: 'queue_depth',
      // Logged, not billed as metrics.
      InFlight: '3',
      Delayed: '0',
    });
  });

  it('publishes backup age, size and count in their units', () => {
    const emf = emfFor({
      ok: true,
      monitor: 'orders-queue',
      kind: 'backup',
      checkedAt: '2026-11-24T06:00:00.000Z',
      durationMs: 40,
      attempts: 1,
      measurements: { BackupAgeSeconds: 14_400, BackupSizeBytes: 52_428_800, BackupCount: 7 },
    });
    expect(emf._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'Success', Unit: 'Count' },
      { Name: 'BackupAgeSeconds', Unit: 'Seconds' },
      { Name: 'BackupSizeBytes', Unit: 'Bytes' },
      { Name: 'BackupCount', Unit: 'Count' },
    ]);
    expect(emf).toMatchObject({
      Success: 1,
      BackupAgeSeconds: 14_400,
      BackupSizeBytes: 52_428_800,
      BackupCount: 7,
    });
  });
});

describe('recordResult by cost tier', () => {
  const monitors = parseConfig({
    project: 'test',
    services: { shop: { tier: 'grouped' } },
    monitors: [
      { kind: 'http', name: 'full-api', url: 'https://example.com/a' },
      { kind: 'http', name: 'lean-api', url: 'https://example.com/b', tier: 'lean' },
      { kind: 'http', name: 'shop-cart', service: 'shop', url: 'https://example.com/c' },
    ],
  }).monitors;
  const failed: CheckResult = {
    ok: false,
    reason: 'http_status',
    detail: 'HTTP 503',
    monitor: 'x',
    kind: 'http',
    checkedAt: '2026-11-24T06:00:00.000Z',
    durationMs: 40,
    latencyMs: 38,
    statusCode: 503,
    attempts: 1,
  };

  function emf(name: string, result: CheckResult) {
    const monitor = monitors.find((m) => m.name === name);
    if (!monitor) throw new Error(`no monitor ${name}`);
    return recordedEmf(monitor, result);
  }

  it('full: Success and LatencyMs under {Monitor}', () => {
    const out = emf('full-api', failed);
    expect(out._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Vigil',
        Dimensions: [['Monitor']],
        Metrics: [
          { Name: 'Success', Unit: 'Count' },
          { Name: 'LatencyMs', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(out).toMatchObject({ Monitor: 'full-api', Success: 0, LatencyMs: 38 });
  });

  it('lean: Success only under {Monitor}; the latency stays in the line as metadata', () => {
    const out = emf('lean-api', failed);
    expect(out._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'Vigil', Dimensions: [['Monitor']], Metrics: [{ Name: 'Success', Unit: 'Count' }] },
    ]);
    expect(out).toMatchObject({ Monitor: 'lean-api', Success: 0, LatencyMs: '38', reason: 'http_status' });
  });

  it('grouped: FailedChecks under {Service} only, 1 for a failed check and 0 for a passed one', () => {
    const out = emf('shop-cart', failed);
    expect(out._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Vigil',
        Dimensions: [['Service']],
        Metrics: [{ Name: 'FailedChecks', Unit: 'Count' }],
      },
    ]);
    expect(out).toMatchObject({
      Service: 'shop',
      FailedChecks: 1,
      monitor: 'shop-cart',
      reason: 'http_status',
    });
    expect(out).not.toHaveProperty('Monitor');
    expect(out).not.toHaveProperty('Success');
    const passed = emf('shop-cart', { ...failed, ok: true } as unknown as CheckResult);
    expect(passed).toMatchObject({ Service: 'shop', FailedChecks: 0, reason: 'ok' });
  });
});
