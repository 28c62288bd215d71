/**
 * The estimate of a small fixed config, every figure computed by hand here from the list prices
 * (not from lib/cost/prices.ts): a changed price or a changed count fails it.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { DEFAULT_SWEEP_MINUTES } from '../../lib/constructs/pager.ts';
import {
  competitorCosts,
  costSummaryLine,
  endpointMonthCost,
  estimateCost,
  invocationsPerMonth,
  metricNames,
  PAGER_SWEEP_MINUTES,
} from '../../lib/cost/estimate.ts';

const MONTH_S = 730 * 3600;
const GIB = 2 ** 30;
const GB_S = 0.0000133334;

/**
 * Service `api`: a standard HTTP monitor every minute with two named components, and a fast one
 * (grouped: two monitors, both P2). Service `jobs`: an SQS queue monitor every 5 minutes with a
 * dead-letter queue and a warning depth (alone: pages from its own alarms). A disabled monitor,
 * which costs nothing. 30 days of logs.
 */
const config = parseConfig({
  project: 'shop',
  monitors: [
    {
      kind: 'http',
      name: 'api-health',
      service: 'api',
      url: 'https://api.example.com/health',
      schedule: 'rate(1 minute)',
      componentMetrics: ['database', 'redis'],
    },
    { kind: 'http', name: 'api-fast', service: 'api', url: 'https://api.example.com/', fast: true },
    {
      kind: 'queue',
      name: 'jobs',
      schedule: 'rate(5 minutes)',
      sqs: { queue: 'jobs', deadLetterQueue: 'jobs-dlq' },
      warnDepth: 100,
    },
    { kind: 'http', name: 'off', url: 'https://example.com/', enabled: false },
  ],
});

describe('estimateCost', () => {
  const e = estimateCost(config);

  it('counts what the stack deploys', () => {
    // api-health: Success, LatencyMs, 2 x ComponentHealthy; api-fast: Success, LatencyMs;
    // jobs: Success, QueueDepth, DeadLetterDepth.
    expect(e.counts.metrics).toBe(4 + 2 + 3);
    // api-health 1, jobs 1 + warning + dead-letters, 4 watchers; no heartbeat.
    expect(e.counts.standardAlarms).toBe(1 + 3 + 4);
    expect(e.counts.highResolutionAlarms).toBe(1);
    // api is grouped: health composite + one P2 paging composite. jobs is alone: none.
    expect(e.counts.compositeAlarms).toBe(2);
    // api, jobs, Vigil.
    expect(e.counts.dashboards).toBe(3);
    // Three monitor schedules and the pager's sweep.
    expect(e.counts.schedules).toBe(4);
    expect(e.monitors).toBe(3);
  });

  it('prices each service exactly', () => {
    const perMinute = MONTH_S / 60; // 43,800
    const perFive = MONTH_S / 300; // 8,760
    const sweeps = MONTH_S / (15 * 60); // 2,920
    const checks = perMinute + perMinute + perFive;
    // The fast monitor: six invocations a minute (the scheduled one and five slots from its queue),
    // each one probe, billed like a standard invocation (300 ms at 256 MB).
    const requests = perMinute + perMinute * 6 + perFive;
    // A queued slot is never early (DelaySeconds rounds up): no Lambda time sleeping for it.
    const gbSeconds = perMinute * 0.3 * 0.25 + perMinute * 6 * 0.3 * 0.25 + perFive * 0.3 * 0.25;
    // Its queue: 1 SendMessageBatch, 5 receives and 5 deletes a minute (one 64 KB chunk each), and
    // the event source mapping's idle long polls, 5 pollers x 3 a minute, at $0.40 per million.
    const sqsRequests = perMinute * (1 + 5 + 5) + perMinute * 5 * 3;
    // Per check 1,200 bytes (result and EMF lines), none of Lambda's own per invocation (system log
    // level WARN); the fast monitor writes six probes' lines per invocation.
    const logGb = (perMinute * 1200 + perMinute * 6 * 1200 + perFive * 1200 + sweeps * 600) / GIB;

    expect(e.byService.metrics).toBeCloseTo(9 * 0.3, 9); // $2.70
    expect(e.byService.alarms).toBeCloseTo(8 * 0.1 + 1 * 0.3 + 2 * 0.5, 9); // $2.10
    expect(e.byService.dashboards).toBeCloseTo(3 * 3, 9); // $9.00
    expect(e.byService.scheduler).toBeCloseTo((checks + sweeps) / 1e6, 9); // $0.09928
    expect(e.byService.lambda).toBeCloseTo(
      ((requests + sweeps) * 0.2) / 1e6 + (gbSeconds + sweeps * 1 * 0.25) * GB_S,
      9,
    );
    expect(e.byService.sqs).toBeCloseTo((sqsRequests * 0.4) / 1e6, 9); // $0.4555
    expect(e.byService.logs).toBeCloseTo(logGb * 0.5 + logGb * (30 / (730 / 24)) * 0.03, 9);
    expect(e.total).toBeCloseTo(
      Object.values(e.byService).reduce((s, v) => s + v, 0),
      9,
    );
    // The figure a person reads: $2.70 + $2.10 + $9.00 + $0.0993 + $0.3888 + $0.4555 + $0.19.
    expect(e.total.toFixed(2)).toBe('14.93');
  });

  it('prints one summary line for cdk synth', () => {
    expect(costSummaryLine(e)).toBe(
      'Vigil: expected bill $14.93/month for 3 monitors (npx vigil cost for the breakdown)',
    );
  });

  it('adds composites for parts and dependencies, and the heartbeat alarm', () => {
    const c = parseConfig({
      project: 'p',
      services: { web: { dependsOn: ['db', 'cache'] } },
      heartbeat: { schedule: 'cron(0 9 * * ? *)' },
      monitors: [
        { kind: 'http', name: 'web', url: 'https://w.example.com/' },
        { kind: 'http', name: 'db', url: 'https://d.example.com/' },
        { kind: 'http', name: 'cache', url: 'https://c.example.com/' },
      ],
    });
    const counts = estimateCost(c).counts;
    // web is grouped (depends on others): health + P2 + its dependencies composite (two of them);
    // db and cache are grouped (depended on): health + P2 each.
    expect(counts.compositeAlarms).toBe(3 + 2 + 2);
    expect(counts.standardAlarms).toBe(3 + 4 + 1);
    expect(counts.schedules).toBe(3 + 2);
  });
});

describe('per endpoint-month', () => {
  it('standard: 2 metrics, 1 alarm, 43,800 checks', () => {
    const n = 43_800;
    const logGb = (n * 1200) / GIB;
    const expected =
      0.6 +
      0.1 +
      n / 1e6 +
      (n * 0.2) / 1e6 +
      n * 0.3 * 0.25 * GB_S +
      logGb * 0.5 +
      logGb * (30 / (730 / 24)) * 0.03;
    const cost = endpointMonthCost(false);
    expect(cost.total).toBeCloseTo(expected, 9);
    expect(cost.total.toFixed(2)).toBe('0.82');
  });

  it('fast: high-resolution alarm, six one-probe invocations a minute, and its queue', () => {
    const n = 43_800;
    const logGb = (n * 6 * 1200) / GIB;
    // Per minute: 1 send, 5 receives, 5 deletes; the app's idle polling, 5 pollers x 3, all its own.
    const sqs = ((n * 11 + n * 15) * 0.4) / 1e6; // $0.4555
    const expected =
      0.6 +
      0.3 +
      n / 1e6 +
      (n * 6 * 0.2) / 1e6 +
      n * 6 * 0.3 * 0.25 * GB_S +
      sqs +
      logGb * 0.5 +
      logGb * (30 / (730 / 24)) * 0.03;
    expect(endpointMonthCost(true).total).toBeCloseTo(expected, 9);
    // $0.60 + $0.30 + $0.0438 + $0.3154 + $0.4555 + $0.1555, under Route 53's $3.85.
    expect(endpointMonthCost(true).total.toFixed(2)).toBe('1.87');
    expect(endpointMonthCost(true, 30, { tier: 'lean' }).total.toFixed(2)).toBe('1.57');
  });

  it('fast, ten in one group: a tenth of the Scheduler, Lambda and queue; CloudWatch stays per endpoint', () => {
    const n = 43_800;
    const logGb = (n * 6 * 1200) / GIB;
    // Each of the six invocations a minute probes all ten: 300 ms + 9 x 10 ms; none sleeps for its slot.
    const gbS = n * 6 * ((300 + 9 * 10) / 1000) * 0.25;
    const shared = (n / 1e6 + (n * 6 * 0.2) / 1e6 + gbS * GB_S + ((n * 11 + n * 15) * 0.4) / 1e6) / 10;
    const logs = logGb * 0.5 + logGb * (30 / (730 / 24)) * 0.03;
    const full = endpointMonthCost(true, 30, { sharedBy: 10 });
    expect(full.total).toBeCloseTo(0.6 + 0.3 + shared + logs, 9);
    // Over $1.00 in the full tier: LatencyMs is a $0.30 metric of its own.
    expect(full.total.toFixed(2)).toBe('1.14');
    const lean = endpointMonthCost(true, 30, { tier: 'lean', sharedBy: 10 });
    expect(lean.total).toBeCloseTo(0.3 + 0.3 + shared + logs, 9);
    expect(lean.total.toFixed(2)).toBe('0.84');
  });

  it('shared: an invocation shared by 3 costs each a third of its Scheduler, requests, time and platform lines', () => {
    const n = 43_800;
    // The invocation: 300 ms for the first check, 10 ms for each of the two others.
    const invocationGbS = n * ((300 + 2 * 10) / 1000) * 0.25;
    const logGb = (n * 1200) / GIB;
    const expected =
      0.6 +
      0.1 +
      n / 1e6 / 3 +
      (n * 0.2) / 1e6 / 3 +
      (invocationGbS * GB_S) / 3 +
      logGb * 0.5 +
      logGb * (30 / (730 / 24)) * 0.03;
    const cost = endpointMonthCost(false, 30, { sharedBy: 3 });
    expect(cost.total).toBeCloseTo(expected, 9);
    expect(cost.total.toFixed(3)).toBe('0.759');
  });

  it('competitors, counted the same way (plus one alarm to page)', () => {
    const c = competitorCosts();
    expect(c.standard[0]?.total).toBeCloseTo(43_800 * 0.0012 + 0.1, 9); // $52.66
    expect(c.standard[1]?.total).toBeCloseTo(0.75 + 1 + 1 + 0.1, 9); // $2.85
    expect(c.fast[0]?.total).toBeCloseTo(0.75 + 1 + 1 + 1 + 0.1, 9); // $3.85
  });
});

describe('helpers', () => {
  it('invocations a month from rate and cron', () => {
    expect(invocationsPerMonth('rate(1 minute)')).toBe(43_800);
    expect(invocationsPerMonth('rate(1 hour)')).toBe(730);
    expect(invocationsPerMonth('cron(0/5 * * * ? *)')).toBeCloseTo(12 * 24 * (730 / 24), 9);
    expect(invocationsPerMonth('cron(0 9,17 * * ? *)')).toBeCloseTo(2 * (730 / 24), 9);
    expect(invocationsPerMonth('cron(0 9 ? * MON-FRI *)')).toBeCloseTo((730 / 24) * (5 / 7), 9);
  });

  it('metric names per kind', () => {
    const [http, backup, command] = parseConfig({
      project: 'p',
      monitors: [
        { kind: 'http', name: 'h', url: 'https://h.example.com/', componentMetrics: true },
        { kind: 'backup', name: 'b', s3: { bucket: 'acme-backups' } },
        { kind: 'command', name: 'c', instances: ['i-0123456789abcdef0'], command: 'true' },
      ],
    }).monitors;
    expect(http && metricNames(http)).toHaveLength(2 + 4);
    expect(backup && metricNames(backup)).toEqual([
      'Success',
      'BackupAgeSeconds',
      'BackupSizeBytes',
      'BackupCount',
    ]);
    expect(command && metricNames(command)).toEqual(['Success']);
  });

  it('sweeps as often as the pager construct', () => {
    expect(PAGER_SWEEP_MINUTES).toBe(DEFAULT_SWEEP_MINUTES);
  });
});

describe('per endpoint-month by cost tier', () => {
  const n = 43_800;
  // Scheduler, Lambda requests and duration, log ingestion and storage of `sharedBy` monitors
  // sharing one invocation, per monitor.
  const perCheck = (sharedBy: number) => {
    const logGb = (n * 1200) / GIB;
    const gbS = n * ((300 + (sharedBy - 1) * 10) / 1000) * 0.25;
    return (
      (n / 1e6 + (n * 0.2) / 1e6 + gbS * GB_S) / sharedBy + logGb * 0.5 + logGb * (30 / (730 / 24)) * 0.03
    );
  };

  it('lean: 1 metric ($0.30) and 1 alarm ($0.10): $0.40 of CloudWatch', () => {
    const cost = endpointMonthCost(false, 30, { tier: 'lean' });
    expect((cost.byService.metrics ?? 0) + (cost.byService.alarms ?? 0)).toBeCloseTo(0.4, 9);
    expect(cost.total).toBeCloseTo(0.4 + perCheck(1), 9);
    expect(cost.total.toFixed(2)).toBe('0.52');
  });

  it('grouped: a twentieth of the service metric and alarm ($0.02 of CloudWatch), and of its shared invocation', () => {
    const cost = endpointMonthCost(false, 30, { tier: 'grouped', groupSize: 20 });
    expect((cost.byService.metrics ?? 0) + (cost.byService.alarms ?? 0)).toBeCloseTo(0.4 / 20, 9);
    expect(cost.total).toBeCloseTo(0.02 + perCheck(20), 9);
    expect(cost.total.toFixed(3)).toBe('0.052');
  });

  it('counts a grouped service once: 1 metric and 1 alarm for 20 monitors; a lean monitor 1 of each', () => {
    const c = parseConfig({
      project: 'p',
      services: { shop: { tier: 'grouped' } },
      monitors: [
        ...Array.from({ length: 20 }, (_, i) => ({
          kind: 'http' as const,
          name: `shop-${i}`,
          service: 'shop',
          url: 'https://example.com',
        })),
        { kind: 'http', name: 'api', url: 'https://example.com', tier: 'lean' },
      ],
    });
    const counts = estimateCost(c).counts;
    expect(counts.metrics).toBe(1 + 1);
    expect(counts.standardAlarms).toBe(1 + 1 + 4); // grouped service, lean monitor, Vigil's watchers
    expect(counts.compositeAlarms).toBe(0);
    // The twenty share one schedule; the lean one is alone in its service; the pager's sweep.
    expect(counts.schedules).toBe(1 + 1 + 1);
  });
});
