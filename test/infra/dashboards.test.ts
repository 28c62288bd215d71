/**
 * One CloudWatch dashboard per service (the link in its pages), and one for Vigil itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REMEDIATION_PLACEHOLDER } from '../../lib/constructs/service-dashboard.ts';
import { incidentConfig } from '../support/configs.ts';
import { namesById, type Synthesized, synthVigil } from '../support/synth.ts';

interface Widget {
  type: 'text' | 'metric' | 'alarm';
  properties: {
    markdown?: string;
    title?: string;
    metrics?: unknown[][];
    alarms?: string[];
    annotations?: { horizontal?: { value: number; label: string }[] };
  };
}

let synth: Synthesized;
let alarmNames: Record<string, string>;
beforeAll(() => {
  synth = synthVigil(incidentConfig);
  alarmNames = {
    ...namesById(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName'),
    ...namesById(synth.template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName'),
  };
});

/** Renders `Fn::Join` / `Ref` trees as strings, so the body parses as the JSON CloudWatch gets. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(sep);
  }
  if ('Ref' in v) return `<${v.Ref}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  return JSON.stringify(v);
}

function widgets(name: string): Widget[] {
  const found = Object.values(
    synth.template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: name } }),
  );
  expect(found, name).toHaveLength(1);
  const body = (found[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  return (JSON.parse(flat(body)) as { widgets: Widget[] }).widgets;
}

/** The alarm names of a status widget, from its `<LogicalId.Arn>` entries. */
const statusNames = (widget: Widget | undefined) =>
  widget?.properties.alarms?.map((a) => alarmNames[/^<(\w+)\.Arn>$/.exec(a)?.[1] ?? ''] ?? a);

describe('service dashboards', () => {
  it('has one per service with enabled monitors, and one for Vigil', () => {
    const names = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard')).map(
      (d) => (d as { Properties: { DashboardName: string } }).Properties.DashboardName,
    );
    expect(names.sort()).toEqual(
      ['vigil-shop-api', 'vigil-shop-blog', 'vigil-shop-db', 'vigil-shop-vigil', 'vigil-shop-web'].sort(),
    );
  });

  it('opens with the service, its description and its dependencies', () => {
    const [header] = widgets('vigil-shop-api');
    expect(header?.properties.markdown).toMatch(/^# api\n\nOrders API\n\nDepends on: \[db\]/);
  });

  it('shows the status of every alarm of the service, composites included', () => {
    const status = widgets('vigil-shop-api').find((w) => w.type === 'alarm');
    expect(statusNames(status)).toEqual([
      'vigil-shop-api-health',
      'vigil-shop-api-orders',
      'vigil-shop-api-orders-warning',
      'vigil-shop-api-orders-dead-letters',
      'vigil-shop-api-slow',
      'vigil-shop-service-api',
      'vigil-shop-service-api-P1',
      'vigil-shop-service-api-P2',
      'vigil-shop-service-api-P3',
    ]);
  });

  it("graphs each monitor's Success with its alarm threshold, one datapoint in the singular", () => {
    const successOf = (monitor: string) =>
      widgets('vigil-shop-api').find((w) => w.properties.title?.startsWith(`${monitor}: success`));
    const success = successOf('api-health');
    expect(success?.properties.metrics).toEqual([
      [
        'Vigil',
        'Success',
        'Monitor',
        'api-health',
        { label: 'Success (1 passed, 0 failed)', period: 60, stat: 'Minimum' },
      ],
    ]);
    // A confirmed HTTP monitor's 1 of 1 (CDK's own label says "1 datapoints"); the queue's 2 of 3.
    expect(success?.properties.annotations?.horizontal).toEqual([
      { label: 'Success < 1 for 1 datapoint within 1 minute', value: 1, yAxis: 'left' },
    ]);
    expect(successOf('api-orders')?.properties.annotations?.horizontal).toEqual([
      { label: 'Success < 1 for 2 datapoints within 3 minutes', value: 1, yAxis: 'left' },
    ]);
  });

  it('graphs HTTP latency with the maxLatencyMs line, queue depth with warn and max lines', () => {
    const all = widgets('vigil-shop-api');
    const latency = all.find((w) => w.properties.title === 'api-slow: latency (ms)');
    expect(latency?.properties.metrics?.map((m) => m.slice(0, 4))).toEqual([
      ['Vigil', 'LatencyMs', 'Monitor', 'api-slow'],
      ['Vigil', 'LatencyMs', 'Monitor', 'api-slow'],
    ]);
    expect(latency?.properties.annotations?.horizontal).toEqual([
      expect.objectContaining({ value: 800, label: 'maxLatencyMs 800' }),
    ]);
    const depth = all.find((w) => w.properties.title === 'api-orders: queue depth');
    expect(depth?.properties.metrics).toEqual([
      [
        'Vigil',
        'QueueDepth',
        'Monitor',
        'api-orders',
        { label: 'QueueDepth (max)', period: 60, stat: 'Maximum' },
      ],
    ]);
    expect(depth?.properties.annotations?.horizontal).toEqual([
      expect.objectContaining({ value: 100, label: 'warnDepth 100' }),
      expect.objectContaining({ value: 500, label: 'maxDepth 500' }),
    ]);
  });

  it('graphs the newest backup age with the maxAgeHours line', () => {
    const age = widgets('vigil-shop-db').find(
      (w) => w.properties.title === 'db-backups: newest backup age (s)',
    );
    expect(age?.properties.metrics).toEqual([
      [
        'Vigil',
        'BackupAgeSeconds',
        'Monitor',
        'db-backups',
        { label: 'BackupAgeSeconds (max)', period: 3600, stat: 'Maximum' },
      ],
    ]);
    expect(age?.properties.annotations?.horizontal).toEqual([
      expect.objectContaining({ value: 24 * 3600, label: 'maxAgeHours 24' }),
    ]);
  });

  it('ends with a placeholder for remediation runs, which do not exist yet', () => {
    for (const name of ['vigil-shop-api', 'vigil-shop-blog', 'vigil-shop-vigil']) {
      expect(widgets(name).at(-1)?.properties.markdown, name).toBe(REMEDIATION_PLACEHOLDER);
    }
  });

  it("graphs Vigil's own health on its dashboard, with its alarms and the heartbeat", () => {
    const all = widgets('vigil-shop-vigil');
    expect(statusNames(all.find((w) => w.type === 'alarm'))).toEqual(
      ['canary-errors', 'canary-stopped', 'undelivered', 'pager-errors', 'heartbeat'].map(
        (w) => `vigil-shop-vigil-${w}`,
      ),
    );
    expect(all.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Canary errors',
      'Canary invocations',
      'Dead-letter queue: messages visible',
      'Pager errors',
    ]);
  });
});
