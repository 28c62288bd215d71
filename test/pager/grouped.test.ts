/**
 * The page of a grouped-tier service's one `FailedChecks` alarm: the metric does not say which
 * monitor failed, so the pager reads the service's failed checks from the canary log and names them.
 */
import * as cwSdk from '@aws-sdk/client-cloudwatch';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import * as snsSdk from '@aws-sdk/client-sns';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { PagerEnv } from '../../lambdas/pager/env.ts';
import { failedChecksPattern } from '../../lambdas/pager/last-check.ts';
import { runPager } from '../../lambdas/pager/pager.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { buildPagerCatalog, withInfraAlarms } from '../../lib/paging/catalog.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';
import { notification } from './fixtures.ts';

const config = parseConfig({
  project: 'ops',
  services: { shop: { tier: 'grouped', description: 'The web shop' } },
  monitors: ['cart', 'checkout', 'search'].map((name) => ({
    kind: 'http' as const,
    name,
    service: 'shop',
    url: `https://shop.example.com/${name}`,
    severity: name === 'checkout' ? ('P1' as const) : ('P3' as const),
  })),
});
const catalog = withInfraAlarms(buildPagerCatalog(config));

const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => {
  logs.reset();
  sns.reset();
  cloudwatch.reset();
});

const env: PagerEnv = {
  project: () => 'ops',
  notifyTopic: (severity) => `arn:aws:sns:eu-west-1:123456789012:notify-${severity}`,
  canaryLogGroup: () => '/vigil/ops/canary',
  sweepMinutes: () => 15,
  dashboardUrl: (service) => `https://dash/${service}`,
};
const now = new Date('2026-03-01T10:03:00.000Z');
const line = (monitor: string, result: object) =>
  JSON.stringify({ level: 'WARN', message: 'check failed', monitor, monitorService: 'shop', result });

function deps() {
  return {
    aws: {
      logs: () => Promise.resolve({ sdk: logsSdk, client: new CloudWatchLogsClient(TEST_CLIENT_CONFIG) }),
      sns: () => Promise.resolve({ sdk: snsSdk, client: new SNSClient(TEST_CLIENT_CONFIG) }),
      cloudwatch: () => Promise.resolve({ sdk: cwSdk, client: new CloudWatchClient(TEST_CLIENT_CONFIG) }),
    },
    env,
    catalog: () => catalog,
    now: () => now,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  } as unknown as Parameters<typeof runPager>[1];
}

const groupedAlarm = notification({
  AlarmName: 'vigil-ops-service-shop-grouped',
  NewStateReason:
    'Threshold Crossed: 2 out of the last 3 datapoints [2.0 (01/03/26 10:01:00), 1.0 (01/03/26 10:00:00)] were greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).',
});

describe('grouped service page', () => {
  it('reads the service failed checks with one filter and names each failed monitor', async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          timestamp: 1_000,
          message: line('search', {
            ok: false,
            checkedAt: '2026-03-01T10:00:58.000Z',
            reason: 'timeout',
            detail: 'no answer in 10000 ms',
          }),
        },
        {
          timestamp: 2_000,
          message: line('checkout', {
            ok: false,
            checkedAt: '2026-03-01T10:01:58.000Z',
            reason: 'status',
            detail: 'HTTP 503',
            statusCode: 503,
            latencyMs: 41,
          }),
        },
      ],
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const result = await runPager(
      { Records: [{ Sns: { Message: JSON.stringify(groupedAlarm) } }] } as never,
      deps(),
    );

    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: '/vigil/ops/canary',
        filterPattern: '{ ($.monitorService = "shop") && ($.result.ok IS FALSE) }',
        startTime: now.getTime() - 15 * 60_000,
      },
    ]);
    // No alarm states to read: the service has one alarm and no composites.
    expect(cloudwatch.calls()).toHaveLength(0);
    expect(failedChecksPattern('shop')).toBe('{ ($.monitorService = "shop") && ($.result.ok IS FALSE) }');
    expect(result.published).toHaveLength(1);
    const page = result.published[0];
    expect(page?.topicArn).toBe('arn:aws:sns:eu-west-1:123456789012:notify-P1');
    expect(page?.subject).toBe('P1 ALARM shop: checkout, search down (status, timeout)');
    expect(page?.email).toMatchInlineSnapshot(`
      "P1 ALARM shop: checkout, search down (status, timeout)

      Service: shop - The web shop
      Severity: P1
      In ALARM since: 2026-03-01 10:02 UTC

      What failed:
      - checkout (http): GET https://shop.example.com/checkout
        Threshold: a failed check (rate(1 minute)) counts toward the service's grouped alarm
        Last check: status at 2026-03-01 10:01 UTC
          HTTP 503
          HTTP 503 in 41 ms
        Runbook: none linked (add runbook to monitor checkout in vigil.config.ts)

      - search (http): GET https://shop.example.com/search
        Threshold: a failed check (rate(1 minute)) counts toward the service's grouped alarm
        Last check: timeout at 2026-03-01 10:00 UTC
          no answer in 10000 ms
        Runbook: none linked (add runbook to monitor search in vigil.config.ts)

      Alarm: vigil-ops-service-shop-grouped
      Reason: Threshold Crossed: 2 out of the last 3 datapoints [2.0 (01/03/26 10:01:00), 1.0 (01/03/26 10:00:00)] were greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).
      Dashboard: https://dash/shop
      Remediation: none configured
      Incident key: vigil/ops/shop
      "
    `);
  });

  it('says what it could not find when no failed check is in the log (a canary that stopped reporting)', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const result = await runPager(
      { Records: [{ Sns: { Message: JSON.stringify(groupedAlarm) } }] } as never,
      deps(),
    );
    expect(result.published[0]?.subject).toBe('P1 ALARM shop: service down');
    expect(result.published[0]?.email).toContain(
      '- not known: no failed check of the service in the canary log of the last 15 minutes (a canary that stops reporting breaches too); see the dashboard',
    );
  });
});
