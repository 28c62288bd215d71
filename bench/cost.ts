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
/** Issue 6 target: a `lean` endpoint-month (one metric, one alarm: a $0.40 floor in CloudWatch). */
export const LEAN_TIER_TARGET_USD = 0.45;
/** Issue 6 target: a `grouped` endpoint-month, in a service of {@link GROUPED_BENCH_SIZE} monitors. */
export const GROUPED_TIER_TARGET_USD = 0.05;
/** Monitors of the grouped service the bench prices. */
export const GROUPED_BENCH_SIZE = 20;

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

/** One grouped-tier service of `size` HTTP monitors checked once a minute. */
function groupedConfig(size: number): VigilConfig {
  return parseConfig({
    project: 'bench',
    services: { api: { tier: 'grouped' } },
    monitors: Array.from({ length: size }, (_, i) => ({
      kind: 'http' as const,
      name: `grouped-${i + 1}`,
      service: 'api',
      url: `https://example.com/${i + 1}`,
      schedule: 'rate(1 minute)',
    })),
  });
}

/** A one-service config: two base HTTP monitors, plus `extra` when given. */
function serviceConfig(extra?: 'standard' | 'fast' | 'lean'): VigilConfig {
  const http = (name: string, fast = false, tier?: 'lean') => ({
    kind: 'http' as const,
    name,
    service: 'api',
    url: `https://example.com/${name}`,
    schedule: fast ? undefined : 'rate(1 minute)',
    fast,
    ...(tier && { tier }),
  });
  return parseConfig({
    project: 'bench',
    monitors: [
      http('base-1'),
      http('base-2'),
      ...(extra ? [http('added', extra === 'fast', extra === 'lean' ? 'lean' : undefined)] : []),
    ],
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

/** Alarms on `FailedChecks` in a template: a grouped service's one alarm each. */
function countGroupedAlarms(template: CfnTemplate): number {
  return Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'FailedChecks',
  ).length;
}

/**
 * One endpoint's share of a grouped service of `size` monitors: what one more monitor adds
 * (`marginal`, the template difference of `size - 1` monitors: schedules, no alarm) and its share
 * of the service's `FailedChecks` metric and `serviceAlarms` alarm(s).
 */
function priceGroupedEndpoint(
  marginal: TemplateCounts,
  serviceAlarms: number,
  config: VigilConfig,
  size: number,
) {
  const invocations = marginal.invocations / (size - 1);
  const logGb = (invocations * USAGE.logBytesPerCheck) / 2 ** 30;
  const byService = {
    metrics: (1 / size) * CLOUDWATCH.metric,
    alarms: (serviceAlarms / size + marginal.standardAlarms / (size - 1)) * CLOUDWATCH.standardAlarm,
    dashboards: 0,
    scheduler: invocations * SCHEDULER.perInvocation,
    lambda:
      invocations *
      (LAMBDA.perRequest +
        (USAGE.checkDurationMs / 1000) * (USAGE.lambdaMemoryMb / 1024) * LAMBDA.arm64PerGbSecond),
    logs:
      logGb * CLOUDWATCH.logsIngestionPerGb +
      logGb * (config.logRetentionDays / (730 / 24)) * CLOUDWATCH.logsStoragePerGbMonth,
  };
  return { byService, total: Object.values(byService).reduce((s, v) => s + v, 0) };
}

export async function benchCost(_options: BenchOptions): Promise<SectionResult> {
  const [base, standard, fast, lean, grouped, groupedOne, example] = await Promise.all([
    synthesizeVariant('vigil.config.ts', () => serviceConfig()),
    synthesizeVariant('vigil.config.ts', () => serviceConfig('standard')),
    synthesizeVariant('vigil.config.ts', () => serviceConfig('fast')),
    synthesizeVariant('vigil.config.ts', () => serviceConfig('lean')),
    synthesizeVariant('vigil.config.ts', () => groupedConfig(GROUPED_BENCH_SIZE)),
    synthesizeVariant('vigil.config.ts', () => groupedConfig(1)),
    synthesize('vigil.config.ts'),
  ]);
  const baseCounts = countTemplate(base.template);
  const standardDiff = diff(countTemplate(standard.template), baseCounts);
  const fastDiff = diff(countTemplate(fast.template), baseCounts);
  const standardCost = priceEndpoint(standardDiff, standard.config, false);
  const fastCost = priceEndpoint(fastDiff, fast.config, true);
  const leanDiff = diff(countTemplate(lean.template), baseCounts);
  const leanCost = priceEndpoint(leanDiff, lean.config, false);
  // Grouped: what the 2nd..20th monitors add (schedules, no alarms), and the service's one alarm and metric.
  const groupedCounts = diff(countTemplate(grouped.template), countTemplate(groupedOne.template));
  const groupedAlarms = countGroupedAlarms(grouped.template);
  const groupedPerEndpoint = priceGroupedEndpoint(
    groupedCounts,
    groupedAlarms,
    grouped.config,
    GROUPED_BENCH_SIZE,
  );
  const estimated = [endpointMonthCost(false), endpointMonthCost(true)];
  const estimatedLean = endpointMonthCost(false, 30, { tier: 'lean' });
  const estimatedGrouped = endpointMonthCost(false, 30, { tier: 'grouped', groupSize: GROUPED_BENCH_SIZE });
  const cloudWatch = (c: { byService: Record<string, number> }) =>
    (c.byService.metrics ?? 0) + (c.byService.alarms ?? 0);
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
    ...(
      [
        ['full', standardCost, FULL_TIER_TARGET_USD],
        ['lean', leanCost, LEAN_TIER_TARGET_USD],
        ['grouped', groupedPerEndpoint, GROUPED_TIER_TARGET_USD],
      ] as const
    ).flatMap(([tier, cost, target]): TargetCheck[] => [
      ...(tier === 'full'
        ? []
        : [
            {
              figure: `cost per HTTP endpoint-month, ${tier} tier, 1 check/min${tier === 'grouped' ? `, ${GROUPED_BENCH_SIZE} monitors in the service` : ''} (all in)`,
              target: `≤ ${formatUsd(target)}`,
              value: formatUsd(cost.total),
              met: cost.total <= target,
              deterministic: true,
            },
          ]),
      {
        figure: `CloudWatch (metrics + alarms) per HTTP endpoint-month, ${tier} tier${tier === 'grouped' ? `, ${GROUPED_BENCH_SIZE} monitors in the service` : ''}`,
        target: `≤ ${formatUsd(target)}`,
        value: formatUsd(cloudWatch(cost)),
        met: cloudWatch(cost) <= target,
        deterministic: true,
      },
    ]),
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
          resourceRow('lean, rate(1 minute)', leanDiff),
          resourceRow(`grouped: monitors 2..${GROUPED_BENCH_SIZE} of a service`, groupedCounts),
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
          [
            'Vigil lean, standard',
            formatUsd(leanCost.total),
            ...split(leanCost),
            formatUsd(estimatedLean.total),
          ],
          [
            `Vigil grouped, standard (${GROUPED_BENCH_SIZE} per service)`,
            formatUsd(groupedPerEndpoint.total),
            ...split(groupedPerEndpoint),
            formatUsd(estimatedGrouped.total),
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
          `targets (issue 6): lean ≤ ${formatUsd(LEAN_TIER_TARGET_USD)} ($0.40 of CloudWatch: 1 metric, 1 alarm), grouped ≤ ${formatUsd(GROUPED_TIER_TARGET_USD)} (1 metric and 1 alarm per service, shared by ${GROUPED_BENCH_SIZE}); Scheduler, Lambda and logs are the same in every tier`,
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
      lean: { resources: leanDiff, ...leanCost },
      grouped: {
        resources: groupedCounts,
        serviceAlarms: groupedAlarms,
        monitors: GROUPED_BENCH_SIZE,
        ...groupedPerEndpoint,
      },
      estimatedTiers: { lean: estimatedLean, grouped: estimatedGrouped },
      estimated,
      competitors,
      example: { template: exampleCounts, estimate: exampleEstimate },
    },
  };
}

if (isMain(import.meta.url)) await runStandalone(benchCost);
