/**
 * The catalog the bundle carries, and reading the last check results back from the canary's logs.
 */

import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CatalogError, loadCatalog, parseCatalog, resetCatalogCache } from '../../lambdas/pager/catalog.ts';
import { monitorFilterPatterns, parseCheckLine, readLastChecks } from '../../lambdas/pager/last-check.ts';
import { TEST_CLIENT_CONFIG } from '../support/aws-clients.ts';
import { apiDown, catalog } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  resetCatalogCache();
});

describe('loadCatalog', () => {
  it('reads the catalog buildPagerCatalog makes, from VIGIL_CATALOG when it is set', () => {
    vi.stubEnv('VIGIL_CATALOG', JSON.stringify(catalog));
    expect(loadCatalog()).toEqual(catalog);
  });

  it('says what to set when VIGIL_CATALOG is empty', () => {
    vi.stubEnv('VIGIL_CATALOG', '');
    expect(() => loadCatalog()).toThrow(CatalogError);
    expect(() => loadCatalog()).toThrow(
      'VIGIL_CATALOG is empty: set it to the catalog JSON, or leave it unset and ship vigil-catalog.json beside the bundle',
    );
  });

  it('reads vigil-catalog.json beside the bundle when VIGIL_CATALOG is unset, and names it when missing', () => {
    vi.stubEnv('VIGIL_CATALOG', undefined);
    expect(() => loadCatalog()).toThrow(CatalogError);
    expect(() => loadCatalog()).toThrow(/vigil-catalog\.json is missing beside the pager bundle/);
  });

  it('names the field that does not match', () => {
    const broken = {
      ...catalog,
      alarms: { 'vigil-ops-x': { type: 'monitor', service: 'madef', severity: 'P9' } },
    };
    expect(() => parseCatalog(JSON.stringify(broken))).toThrow(
      /VIGIL_CATALOG does not match the pager catalog:[\s\S]*alarms/,
    );
    expect(() => parseCatalog('{not json')).toThrow('VIGIL_CATALOG is not JSON');
  });
});

describe('last check from the canary logs', () => {
  const logs = mockClient(CloudWatchLogsClient);
  const client = new CloudWatchLogsClient(TEST_CLIENT_CONFIG);
  const loaded = () => Promise.resolve({ sdk: logsSdk, client });
  const warn = vi.fn();
  const line = (result: object, monitor = 'madef-api-health') =>
    JSON.stringify({ level: 'WARN', message: 'check failed', monitor, result });

  it('reads a canary line and ignores every other line', () => {
    expect(parseCheckLine(line(apiDown))).toEqual({ monitor: 'madef-api-health', result: apiDown });
    expect(parseCheckLine('START RequestId: 1 Version: $LATEST')).toBeUndefined();
    expect(
      parseCheckLine('{"_aws":{"CloudWatchMetrics":[]},"Monitor":"madef-api-health","Success":0}'),
    ).toBeUndefined();
    expect(parseCheckLine('{"monitor":"x","result":{"ok":"yes"}}')).toBeUndefined();
  });

  it('splits many monitors into patterns within 1,024 characters', () => {
    const names = Array.from({ length: 40 }, (_, i) => `${'m'.repeat(60)}-${String(i).padStart(2, '0')}`);
    const patterns = monitorFilterPatterns(names);
    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) expect(p.length).toBeLessThanOrEqual(1024);
    expect(patterns.join(' ').match(/\$\.monitor = /g)).toHaveLength(40);
  });

  it('follows nextToken and keeps the newest result of each monitor', async () => {
    logs.reset();
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [{ timestamp: 2_000, message: line({ ...apiDown, reason: 'timeout' }) }],
        nextToken: 'more',
      })
      .resolvesOnce({ events: [{ timestamp: 1_000, message: line({ ...apiDown, reason: 'dns' }) }] });
    const found = await readLastChecks(loaded, '/aws/lambda/c', ['madef-api-health'], new Date(900_000), {
      warn,
    });
    expect(found.get('madef-api-health')?.reason).toBe('timeout');
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([
      undefined,
      'more',
    ]);
  });

  it('returns nothing, and says so, when the logs cannot be read', async () => {
    logs.reset();
    logs.on(FilterLogEventsCommand).rejects(new Error('ResourceNotFoundException: log group does not exist'));
    const found = await readLastChecks(loaded, '/aws/lambda/c', ['madef-api-health'], new Date(900_000), {
      warn,
    });
    expect(found.size).toBe(0);
    expect(warn).toHaveBeenCalledWith('could not read the last check results; paging without them', {
      logGroupName: '/aws/lambda/c',
      monitors: ['madef-api-health'],
      error: 'ResourceNotFoundException: log group does not exist',
    });
  });
});
