/**
 * Cost per HTTP endpoint-month at one check a minute (DESIGN.md: `full` tier at most $0.80),
 * standard and fast, from synthesized templates and lib/cost/prices.ts, beside CloudWatch
 * Synthetics and Route 53 health checks.
 *
 * Three in-process synths of one service: a base of two HTTP monitors, the base plus one standard
 * monitor, the base plus one fast monitor. An endpoint's resources are the difference: alarms
 * (high-resolution when their period is under 60 s), composite alarms, dashboards and schedules
 * (invocations from each schedule's expression), priced from the price file. Metrics are not in a
 * template: they are the names the canary publishes (lib/cost/estimate.ts `metricNames`). Lambda
 * time and log bytes per invocation are the USAGE constants of the price file: estimated, not
 * measured. The example config is synthesized too, and its template's counts set beside
 * `vigil cost`'s estimate of it, so a drift between the two shows here.
 *
 *   npx tsx bench/cost.ts
 */
import { parseConfig, type VigilConfig } from '../lib/config/index.ts';
import {
  competitorCosts,
  endpointMonthCost,
  estimateCost,
  formatUsd,
  invocationsPerMonth,
  metricNames,
} from '../lib/cost/estimate.ts';
import { CLOUDWATCH, LAMBDA, SCHEDULER, USAGE } from '../lib/cost/prices.ts';
import {
  type BenchOptions,
  isMain,
  runStandalone,
  type SectionResult,
  type TargetCheck,
} from './lib/report.ts';
import { type CfnTemplate, synthesize, synthesizeVariant } from './lib/synth.ts';

/** DESIGN.md target: the `full` tier costs at most this per endpoint-month at one check a minute. */
export const FULL_TIER_TARGET_USD = 0.8;

/** What a template bills for, counted by resource. */
export interface TemplateCounts {
  readonly standardAlarms: number;
  readonly highResolutionAlarms: number;
  readonly compositeAlarms: number;
  readonly dashboards: number;
  readonly schedules: number;
  /** Invocations a month of every schedule. */
  readonly invocations: number;
}

/** An alarm's period: `Period`, or the shortest of its metric-math `Metrics`. */
function alarmPeriod(props: Record<string, unknown> | undefined): number {
  if (typeof props?.Period === 'number') return props.Period;
  const metrics = (props?.Metrics ?? []) as { MetricStat?: { Period?: number } }[];
  const periods = metrics.map((m) => m.MetricStat?.Period).filter((p): p is number => typeof p === 'number');
  return periods.length > 0 ? Math.min(...periods) : 60;
}

/** Counts the billed resources of a template. */
export function countTemplate(template: CfnTemplate): TemplateCounts {
  let standardAlarms = 0;
  let highResolutionAlarms = 0;
  let compositeAlarms = 0;
  let dashboards = 0;
  let schedules = 0;
  let invocations = 0;
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      if (alarmPeriod(r.Properties) < 60) highResolutionAlarms++;
      else standardAlarms++;
    } else if (r.Type === 'AWS::CloudWatch::CompositeAlarm') compositeAlarms++;
    else if (r.Type === 'AWS::CloudWatch::Dashboard') dashboards++;
    else if (r.Type === 'AWS::Scheduler::Schedule') {
      schedules++;
      invocations += invocationsPerMonth(String(r.Properties?.ScheduleExpression));
    }
  }
  return { standardAlarms, highResolutionAlarms, compositeAlarms, dashboards, schedules, invocations };
}

function diff(a: TemplateCounts, b: TemplateCounts): TemplateCounts {
  return {
    standardAlarms: a.standardAlarms - b.standardAlarms,
    highResolutionAlarms: a.highResolutionAlarms - b.highResolutionAlarms,
    compositeAlarms: a.compositeAlarms - b.compositeAlarms,
    dashboards: a.dashboards - b.dashboards,
    schedules: a.schedules - b.schedules,
    invocations: a.invocations - b.invocations,
  };
}

/** A one-service config: two base HTTP monitors, plus `extra` when given. */
function serviceConfig(extra?: 'standard' | 'fast'): VigilConfig {
  const http = (name: string, fast = false) => ({
    kind: 'http' as const,
    name,
    service: 'api',
    url: `https://example.com/${name}`,
    schedule: fast ? undefined : 'rate(1 minute)',
    fast,
  });
  return parseConfig({
    project: 'bench',
    monitors: [http('base-1'), http('base-2'), ...(extra ? [http('added', extra === 'fast')] : [])],
  });
}

/** The endpoint's monthly cost from its template resources (and the canary's metric names). */
function priceEndpoint(counts: TemplateCounts, config: VigilConfig, fast: boolean) {
  const added = config.monitors.find((m) => m.name === 'added');
  if (!added) throw new Error('no added monitor');
  const durationMs = fast ? USAGE.fastInvocationDurationMs : USAGE.checkDurationMs;
  const logBytes = fast ? USAGE.logBytesPerFastInvocation : USAGE.logBytesPerCheck;
  const logGb = (counts.invocations * logBytes) / 2 ** 30;
  const byService = {
    metrics: metricNames(added).length * CLOUDWATCH.metric,
    alarms:
      counts.standardAlarms * CLOUDWATCH.standardAlarm +
      counts.highResolutionAlarms * CLOUDWATCH.highResolutionAlarm +
      counts.compositeAlarms * CLOUDWATCH.compositeAlarm,
    dashboards: counts.dashboards * CLOUDWATCH.dashboard,
    scheduler: counts.invocations * SCHEDULER.perInvocation,
    lambda:
      counts.invocations * LAMBDA.perRequest +
      counts.invocations * (durationMs / 1000) * (USAGE.lambdaMemoryMb / 1024) * LAMBDA.arm64PerGbSecond,
    logs:
      logGb * CLOUDWATCH.logsIngestionPerGb +
      logGb * (config.logRetentionDays / (730 / 24)) * CLOUDWATCH.logsStoragePerGbMonth,
  };
  return { byService, total: Object.values(byService).reduce((s, v) => s + v, 0) };
}

export async function benchCost(_options: BenchOptions): Promise<SectionResult> {
  const [base, standard, fast, example] = await Promise.all([
    synthesizeVariant('vigil.config.ts', () => serviceConfig()),
    synthesizeVariant('vigil.config.ts', () => serviceConfig('standard')),
    synthesizeVariant('vigil.config.ts', () => serviceConfig('fast')),
    synthesize('vigil.config.ts'),
  ]);
  const baseCounts = countTemplate(base.template);
  const standardDiff = diff(countTemplate(standard.template), baseCounts);
  const fastDiff = diff(countTemplate(fast.template), baseCounts);
  const standardCost = priceEndpoint(standardDiff, standard.config, false);
  const fastCost = priceEndpoint(fastDiff, fast.config, true);
  const estimated = [endpointMonthCost(false), endpointMonthCost(true)];
  const competitors = competitorCosts();

  const exampleCounts = countTemplate(example.template);
  const exampleEstimate = estimateCost(example.config);
  const e = exampleEstimate.counts;

  const resourceRow = (label: string, d: TemplateCounts) => [
    label,
    d.standardAlarms,
    d.highResolutionAlarms,
    d.compositeAlarms,
    d.dashboards,
    d.schedules,
    Math.round(d.invocations).toLocaleString('en-US'),
  ];
  const split = (c: { byService: Record<string, number> }) =>
    ['metrics', 'alarms', 'scheduler', 'lambda', 'logs'].map((s) => formatUsd(c.byService[s] ?? 0));

  const targets: TargetCheck[] = [
    {
      figure:
        'cost per HTTP endpoint-month, full tier, 1 check/min (template + prices; Lambda and logs estimated)',
      target: `≤ ${formatUsd(FULL_TIER_TARGET_USD)}`,
      value: formatUsd(standardCost.total),
      met: standardCost.total <= FULL_TIER_TARGET_USD,
      deterministic: true,
    },
    {
      figure: 'cost per HTTP endpoint-month, full tier, fast mode (10 s probes)',
      target: 'none set (Route 53 fast: $3.85)',
      value: formatUsd(fastCost.total),
      met: undefined,
      deterministic: true,
    },
  ];
  return {
    id: 'cost',
    title: 'Cost per endpoint-month (us-east-1 list prices, no free tier)',
    deterministic: true,
    tables: [
      {
        title: 'Resources one endpoint adds to a service (template difference)',
        columns: [
          'endpoint',
          'std alarms',
          'high-res alarms',
          'composites',
          'dashboards',
          'schedules',
          'invocations/mo',
        ],
        rows: [
          resourceRow('standard, rate(1 minute)', standardDiff),
          resourceRow('fast (10 s probes)', fastDiff),
        ],
      },
      {
        title: 'Per endpoint-month, USD',
        columns: ['', 'total', 'metrics', 'alarms', 'Scheduler', 'Lambda', 'logs', 'vigil cost says'],
        rows: [
          [
            'Vigil full, standard',
            formatUsd(standardCost.total),
            ...split(standardCost),
            formatUsd(estimated[0]?.total ?? 0),
          ],
          [
            'Vigil full, fast',
            formatUsd(fastCost.total),
            ...split(fastCost),
            formatUsd(estimated[1]?.total ?? 0),
          ],
          ...[...competitors.standard, ...competitors.fast].map((c) => [
            c.label,
            formatUsd(c.total),
            '',
            '',
            '',
            '',
            '',
            '',
          ]),
        ],
        notes: [
          `target (DESIGN.md): full tier ≤ ${formatUsd(FULL_TIER_TARGET_USD)}; CloudWatch alone is $0.70 of it (2 metrics, 1 alarm)`,
          `Lambda ${USAGE.checkDurationMs} ms (fast: ${USAGE.fastInvocationDurationMs / 1000} s) at ${USAGE.lambdaMemoryMb} MB and ${USAGE.logBytesPerCheck.toLocaleString('en-US')} log bytes a check (fast: ${USAGE.logBytesPerFastInvocation.toLocaleString('en-US')}) are estimates (lib/cost/prices.ts USAGE)`,
          'Synthetics: runs only; its canary Lambda, S3 artifacts and logs are billed on top',
        ],
      },
      {
        title: `vigil.config.ts: template vs vigil cost (${exampleEstimate.monitors} monitors)`,
        columns: ['count', 'template', 'vigil cost'],
        rows: [
          ['standard alarms', exampleCounts.standardAlarms, e.standardAlarms],
          ['high-resolution alarms', exampleCounts.highResolutionAlarms, e.highResolutionAlarms],
          ['composite alarms', exampleCounts.compositeAlarms, e.compositeAlarms],
          ['dashboards', exampleCounts.dashboards, e.dashboards],
          ['schedules', exampleCounts.schedules, e.schedules],
          ['invocations/month', Math.round(exampleCounts.invocations), Math.round(e.invocations)],
        ],
        notes: [`expected bill: ${formatUsd(exampleEstimate.total)}/month`],
      },
    ],
    targets,
    data: {
      standard: { resources: standardDiff, ...standardCost },
      fast: { resources: fastDiff, ...fastCost },
      estimated,
      competitors,
      example: { template: exampleCounts, estimate: exampleEstimate },
    },
  };
}

if (isMain(import.meta.url)) await runStandalone(benchCost);
