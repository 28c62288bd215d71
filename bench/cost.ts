/**
 * Cost per HTTP endpoint-month at one check a minute (DESIGN.md: `full` tier at most $0.80; issue 6:
 * `lean` at most $0.45, `grouped` at most $0.05 with 20 monitors in the service), standard and fast,
 * from synthesized templates, the canary's measured usage and lib/cost/prices.ts, beside CloudWatch
 * Synthetics and Route 53 health checks.
 *
 * Each priced case is a service of N HTTP monitors of one tier, checked once a minute, synthesized
 * in-process next to a base service, and divided by N: the template difference gives the alarms
 * (high-resolution when their period is under 60 s), schedules and invocations (from each schedule's
 * expression); the metrics are the names the canary publishes (lib/cost/estimate.ts `metricNames`).
 * N = 1 is a monitor alone in its invocation (`invocation: 'own'`, or alone in its service); with
 * N > 1 the monitors share invocations (docs/adr/0008-shared-invocations.md). A service's dashboard
 * and composites are per service, not per endpoint, and are listed, not priced in.
 *
 * Lambda time and log bytes are measured (bench/canary-usage.ts): the real handler's wall and CPU
 * time by group size against a 50 ms local server, and the bytes it writes per check. Billed time on
 * Lambda is taken as the wall time here plus the CPU time scaled to 256 MB's share of a vCPU
 * (256 / 1,769). Lambda's own START and REPORT lines are not written by the handler; they stay the
 * price file's constant. The same endpoints priced with the price file's conservative constants are
 * what `vigil cost` says.
 *
 *   npx tsx bench/cost.ts [--quick]
 */
import { FAST_PROBES, type Monitor, parseConfig, type Tier, type VigilConfig } from '../lib/config/index.ts';
import {
  competitorCosts,
  endpointMonthCost,
  estimateCost,
  fastProbeMessageBytes,
  fastQueueIdleRequestsPerMonth,
  formatUsd,
  groupUsage,
  invocationsPerMonth,
  metricNames,
  monitorUsage,
  type UsageFigures,
} from '../lib/cost/estimate.ts';
import { CLOUDWATCH, LAMBDA, SCHEDULER, SQS, USAGE } from '../lib/cost/prices.ts';
import { invocationGroups } from '../lib/monitors/invocation-groups.ts';
import { type CanaryUsage, measureCanaryUsage } from './canary-usage.ts';
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
/** Monitors of the "typical" shared service priced beside the one-monitor case. */
export const SHARED_BENCH_SIZE = 3;
/** Issue 12: a fast endpoint alone costs at most Route 53's fast HTTPS check with string matching. */
export const FAST_ALONE_TARGET_USD = 3.85;
/** Issue 12: a fast endpoint costs at most this with {@link FAST_SHARED_BENCH_SIZE} fast monitors sharing. */
export const FAST_SHARED_TARGET_USD = 1.0;
/** Fast monitors, each in a service of its own, sharing one fast group. */
export const FAST_SHARED_BENCH_SIZE = 10;
/** `0.263` */
const fixedUsd = (n: number) => n.toFixed(3);
/** Lambda gives a function one vCPU at 1,769 MB, and a proportional share below (Lambda docs). */
export const MB_PER_VCPU = 1769;
/** CloudWatch Logs counts each event's bytes plus 26 bytes (PutLogEvents batch size rule). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

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

/** The priced monitors: those of service `api` (or `api-N`, one service each). */
const isPriced = (m: Monitor) => m.service === 'api' || m.service.startsWith('api-');

/**
 * `size` HTTP monitors of `tier`, checked once a minute (fast: every 10 s), beside a base service:
 * all in service `api`, or with `spread` each in a service of its own (`api-1`...). A tier the
 * config refuses with fast mode (lean, until the config allows it) is parsed on the full tier and
 * given after, so the price and the template show what it would deploy.
 */
function serviceConfig(size: number, tier: Tier, fast = false, spread = false): VigilConfig {
  const service = (i: number) => (spread ? `api-${i + 1}` : 'api');
  const input = (t: Tier) => ({
    project: 'bench',
    services: Object.fromEntries(Array.from({ length: size }, (_, i) => [service(i), { tier: t }])),
    monitors: [
      { kind: 'http', name: 'base', service: 'base', url: 'https://example.com/base' },
      ...Array.from({ length: size }, (_, i) => ({
        kind: 'http' as const,
        name: `api-${i + 1}`,
        service: service(i),
        url: `https://example.com/${i + 1}`,
        ...(fast ? { fast: true } : { schedule: 'rate(1 minute)' }),
      })),
    ],
  });
  try {
    return parseConfig(input(tier));
  } catch (error) {
    if (!fast || tier === 'full') throw error;
    const config = parseConfig(input('full'));
    return { ...config, monitors: config.monitors.map((m) => (isPriced(m) ? { ...m, tier } : m)) };
  }
}

/** The base alone: the difference to it is the service's own resources. */
function baseConfig(): VigilConfig {
  return parseConfig({
    project: 'bench',
    monitors: [{ kind: 'http', name: 'base', service: 'base', url: 'https://example.com/base' }],
  });
}

/** Billed ms of an invocation on Lambda at `memoryMb`: wall time here, with the CPU part slowed to its vCPU share. */
export function billedMs(wallMs: number, cpuMs: number, memoryMb: number = USAGE.lambdaMemoryMb): number {
  const slowdown = Math.max(1, MB_PER_VCPU / memoryMb);
  return Math.ceil(wallMs + cpuMs * (slowdown - 1));
}

/** The price file's usage figures with the measured ones in place. */
export function measuredUsage(m: CanaryUsage): UsageFigures {
  const bySize = [...m.invocations].sort((a, b) => a.size - b.size);
  const one = bySize[0];
  const most = bySize.at(-1);
  if (!one || !most) throw new Error('no invocation measured');
  const first = billedMs(one.wallMs.median, one.cpuMs.median);
  const perFurther =
    most.size > one.size
      ? Math.max(0, (billedMs(most.wallMs.median, most.cpuMs.median) - first) / (most.size - one.size))
      : USAGE.sharedCheckDurationMs;
  return {
    ...USAGE,
    invocationDurationMs: first,
    sharedCheckDurationMs: perFurther,
    logBytesPerCheck: Math.ceil(m.logBytesPerCheck + m.logLinesPerCheck * LOG_EVENT_OVERHEAD_BYTES),
  };
}

/** One priced case: a service of `size` monitors, per endpoint. */
interface PricedCase {
  readonly label: string;
  readonly tier: Tier;
  readonly fast: boolean;
  readonly size: number;
  readonly resources: TemplateCounts;
  readonly byService: Readonly<
    Record<'metrics' | 'alarms' | 'scheduler' | 'lambda' | 'sqs' | 'logs', number>
  >;
  readonly total: number;
  /** The same endpoint as `vigil cost` prices it (the price file's constants). */
  readonly estimated: number;
}

/** Prices one endpoint of a service from its template difference and `usage`. */
function priceCase(
  label: string,
  config: VigilConfig,
  resources: TemplateCounts,
  tier: Tier,
  fast: boolean,
  size: number,
  usage: UsageFigures,
): PricedCase {
  const members = config.monitors.filter(isPriced);
  const first = members[0];
  if (!first) throw new Error('no monitor in the priced services');
  const metrics = members.reduce((n, m) => n + metricNames(m).length, 0) + (tier === 'grouped' ? 1 : 0);
  const checkLogBytes = members.reduce(
    (n, m) => n + monitorUsage(m, USAGE.componentsPerMonitor, usage).logBytes,
    0,
  );
  // The counts come from the template; what one scheduled invocation uses (fast: the minute's six
  // invocations and its queue's requests), from the estimate's own model.
  const perInvocation = size / Math.max(1, resources.schedules);
  const invocation = groupUsage(
    {
      schedule: first.schedule,
      fast,
      size: perInvocation,
      messageBytes: fast ? fastProbeMessageBytes(members.slice(0, Math.ceil(perInvocation))) : 0,
    },
    usage,
  );
  const per = (v: number) => (resources.invocations * v) / invocation.invocations;
  const logGb = (checkLogBytes + per(invocation.logBytes)) / 2 ** 30;
  const total = {
    metrics: metrics * CLOUDWATCH.metric,
    alarms:
      resources.standardAlarms * CLOUDWATCH.standardAlarm +
      resources.highResolutionAlarms * CLOUDWATCH.highResolutionAlarm,
    scheduler: resources.invocations * SCHEDULER.perInvocation,
    lambda:
      per(invocation.lambdaRequests) * LAMBDA.perRequest +
      per(invocation.gbSeconds) * LAMBDA.arm64PerGbSecond,
    // One queue per app: its idle polling is these monitors' alone here.
    sqs: (per(invocation.sqsRequests) + (fast ? fastQueueIdleRequestsPerMonth(usage) : 0)) * SQS.perRequest,
    logs:
      logGb * CLOUDWATCH.logsIngestionPerGb +
      logGb * (config.logRetentionDays / (730 / 24)) * CLOUDWATCH.logsStoragePerGbMonth,
  };
  const byService = Object.fromEntries(
    Object.entries(total).map(([k, v]) => [k, v / size]),
  ) as PricedCase['byService'];
  return {
    label,
    tier,
    fast,
    size,
    resources,
    byService,
    total: Object.values(byService).reduce((s, v) => s + v, 0),
    estimated: endpointMonthCost(fast, config.logRetentionDays, {
      tier,
      groupSize: size,
      sharedBy: perInvocation,
    }).total,
  };
}

/** One priced case: tier, monitors, fast, and whether each is in a service of its own. */
interface Case {
  readonly tier: Tier;
  readonly size: number;
  readonly fast?: boolean;
  readonly spread?: boolean;
}

/** The cases priced. */
const CASES: readonly Case[] = [
  { tier: 'full', size: 1 },
  { tier: 'full', size: SHARED_BENCH_SIZE },
  { tier: 'lean', size: 1 },
  { tier: 'lean', size: SHARED_BENCH_SIZE },
  { tier: 'grouped', size: GROUPED_BENCH_SIZE },
  { tier: 'full', size: 1, fast: true },
  { tier: 'lean', size: 1, fast: true },
  { tier: 'full', size: FAST_SHARED_BENCH_SIZE, fast: true, spread: true },
  { tier: 'lean', size: FAST_SHARED_BENCH_SIZE, fast: true, spread: true },
];

function caseLabel(c: Case): string {
  const alone = c.fast
    ? c.size === 1
      ? "alone (the app's only fast monitor)"
      : `${c.size} in ${c.spread ? `${c.size} services` : 'the service'}, one fast group`
    : c.size === 1
      ? 'alone in its invocation'
      : `${c.size} in the service, sharing`;
  return `Vigil ${c.tier}, ${c.fast ? 'fast (10 s probes)' : 'standard (1 min)'}, ${alone}`;
}

/**
 * What a case's template would hold, from the grouping alone, when it cannot be synthesized (a
 * combination the stack refuses until another change lands): one alarm per monitor, one schedule
 * per invocation group.
 */
function modelCounts(config: VigilConfig, fast: boolean): TemplateCounts {
  const groups = invocationGroups(config.monitors.filter(isPriced));
  const n = config.monitors.filter(isPriced).length;
  return {
    standardAlarms: fast ? 0 : n,
    highResolutionAlarms: fast ? n : 0,
    compositeAlarms: 0,
    dashboards: 0,
    schedules: groups.length,
    invocations: groups.reduce((s, g) => s + invocationsPerMonth(g.schedule), 0),
  };
}

export async function benchCost(options: BenchOptions): Promise<SectionResult> {
  const measured = await measureCanaryUsage(options);
  const usage = measuredUsage(measured);
  // A fast probe's own lines, measured through the handler's SQS path (bench/canary-usage.ts).
  const fastUsage: UsageFigures = {
    ...usage,
    logBytesPerCheck: Math.ceil(
      measured.fastSlot.logBytesPerProbe + measured.fastSlot.logLinesPerProbe * LOG_EVENT_OVERHEAD_BYTES,
    ),
  };
  const [base, example, ...variants] = await Promise.all([
    synthesizeVariant('vigil.config.ts', baseConfig),
    synthesize('vigil.config.ts'),
    ...CASES.map((c) =>
      synthesizeVariant('vigil.config.ts', () => serviceConfig(c.size, c.tier, c.fast, c.spread)).catch(
        (error: unknown) => ({ error }),
      ),
    ),
  ]);
  const baseCounts = countTemplate(base.template);
  const unsynthesized: string[] = [];
  const priced = CASES.map((c, i) => {
    const variant = variants[i];
    if (!variant) throw new Error('missing synth');
    const config = serviceConfig(c.size, c.tier, c.fast, c.spread);
    let resources: TemplateCounts;
    if ('error' in variant) {
      resources = modelCounts(config, c.fast ?? false);
      unsynthesized.push(`${caseLabel(c)}: ${String(variant.error).split('\n')[0]}`);
    } else resources = diff(countTemplate(variant.template), baseCounts);
    return priceCase(
      caseLabel(c),
      config,
      resources,
      c.tier,
      c.fast ?? false,
      c.size,
      c.fast ? fastUsage : usage,
    );
  });
  const find = (tier: Tier, size: number, fast = false) => {
    const found = priced.find((p) => p.tier === tier && p.size === size && p.fast === fast);
    if (!found) throw new Error(`no case ${tier} ${size}`);
    return found;
  };
  const cloudWatch = (c: PricedCase) => c.byService.metrics + c.byService.alarms;
  const competitors = competitorCosts();

  const exampleCounts = countTemplate(example.template);
  const exampleEstimate = estimateCost(example.config);
  const e = exampleEstimate.counts;

  const targets: TargetCheck[] = (
    [
      ['full', 1, FULL_TIER_TARGET_USD],
      ['full', SHARED_BENCH_SIZE, FULL_TIER_TARGET_USD],
      ['lean', 1, LEAN_TIER_TARGET_USD],
      ['lean', SHARED_BENCH_SIZE, LEAN_TIER_TARGET_USD],
      ['grouped', GROUPED_BENCH_SIZE, GROUPED_TIER_TARGET_USD],
    ] as const
  ).flatMap(([tier, size, target]): TargetCheck[] => {
    const c = find(tier, size);
    const where =
      tier === 'grouped'
        ? `${size} monitors in the service`
        : size === 1
          ? 'alone in its invocation'
          : `${size} monitors sharing invocations`;
    return [
      {
        figure: `cost per HTTP endpoint-month, ${tier} tier, 1 check/min, ${where} (all in; Lambda and logs measured)`,
        target: `≤ ${formatUsd(target)}`,
        value: `$${c.total.toFixed(3)}`,
        met: c.total <= target,
      },
      ...(size === 1 || tier === 'grouped'
        ? [
            {
              figure: `CloudWatch (metrics + alarms) per HTTP endpoint-month, ${tier} tier${tier === 'grouped' ? `, ${size} monitors in the service` : ''}`,
              target: `≤ ${formatUsd(target)}`,
              value: formatUsd(cloudWatch(c)),
              met: cloudWatch(c) <= target,
              deterministic: true,
            },
          ]
        : []),
    ];
  });
  const route53Fast = competitors.fast[0]?.total ?? Number.NaN;
  for (const tier of ['full', 'lean'] as const) {
    const alone = find(tier, 1, true);
    const shared = find(tier, FAST_SHARED_BENCH_SIZE, true);
    targets.push(
      {
        figure: `cost per HTTP endpoint-month, ${tier} tier, fast mode (10 s probes), alone (Route 53 fast: ${formatUsd(route53Fast)})`,
        target: `≤ ${formatUsd(FAST_ALONE_TARGET_USD)}`,
        value: `$${alone.total.toFixed(3)}`,
        met: alone.total <= FAST_ALONE_TARGET_USD,
      },
      {
        figure: `cost per HTTP endpoint-month, ${tier} tier, fast mode, ${FAST_SHARED_BENCH_SIZE} fast monitors in ${FAST_SHARED_BENCH_SIZE} services sharing one group`,
        target: `≤ ${formatUsd(FAST_SHARED_TARGET_USD)}`,
        value: `$${shared.total.toFixed(3)}`,
        met: shared.total <= FAST_SHARED_TARGET_USD,
      },
    );
  }

  const split = (c: PricedCase) =>
    (['metrics', 'alarms', 'scheduler', 'lambda', 'sqs', 'logs'] as const).map((s) =>
      formatUsd(c.byService[s]),
    );
  const usageRow = (label: string, u: UsageFigures) => [
    label,
    u.invocationDurationMs.toFixed(0),
    u.sharedCheckDurationMs.toFixed(1),
    u.logBytesPerCheck.toFixed(0),
    u.logBytesPerInvocation.toFixed(0),
  ];
  return {
    id: 'cost',
    title: 'Cost per endpoint-month (us-east-1 list prices, no free tier)',
    tables: [
      {
        title: 'Usage figures the prices use',
        columns: [
          '',
          'invocation ms (1 check)',
          'ms per further check',
          'log bytes per check',
          'log bytes per invocation',
        ],
        rows: [
          usageRow('measured (bench/canary-usage.ts)', usage),
          usageRow('measured, fast probe (a queued slot through SQS)', fastUsage),
          usageRow('price file (vigil cost)', USAGE),
        ],
        notes: [
          `measured: the real handler against a ${measured.serverDelayMs} ms local server; billed = wall + CPU x (${MB_PER_VCPU} / ${USAGE.lambdaMemoryMb} - 1), the CPU part slowed to 256 MB's vCPU share; a slower endpoint adds its extra latency to every invocation`,
          `log bytes per check: what the handler wrote, + ${LOG_EVENT_OVERHEAD_BYTES} bytes per line; per invocation: Lambda's START and REPORT lines, the price file's constant (not written by the handler)`,
        ],
      },
      {
        title: 'Resources of each priced service (template difference to the base)',
        columns: [
          'service',
          'std alarms',
          'high-res alarms',
          'composites',
          'dashboards',
          'schedules',
          'invocations/mo',
        ],
        rows: priced.map((c) => [
          c.label,
          c.resources.standardAlarms,
          c.resources.highResolutionAlarms,
          c.resources.compositeAlarms,
          c.resources.dashboards,
          c.resources.schedules,
          Math.round(c.resources.invocations).toLocaleString('en-US'),
        ]),
        notes: [
          'composites and the dashboard are per service ($0.50 and $3 a month each) and are not in the per-endpoint prices',
        ],
      },
      {
        title: 'Per endpoint-month, USD',
        columns: ['', 'total', 'metrics', 'alarms', 'Scheduler', 'Lambda', 'SQS', 'logs', 'vigil cost says'],
        rows: [
          ...priced.map((c) => [c.label, formatUsd(c.total), ...split(c), formatUsd(c.estimated)]),
          ...[...competitors.standard, ...competitors.fast].map((c) => [
            c.label,
            formatUsd(c.total),
            '',
            '',
            '',
            '',
            '',
            '',
            '',
          ]),
        ],
        notes: [
          `targets: full ≤ ${formatUsd(FULL_TIER_TARGET_USD)} (DESIGN.md), lean ≤ ${formatUsd(LEAN_TIER_TARGET_USD)}, grouped ≤ ${formatUsd(GROUPED_TIER_TARGET_USD)} with ${GROUPED_BENCH_SIZE} monitors in the service (issue 6)`,
          '"vigil cost says": the same endpoint with the price file\'s conservative constants (300 ms an invocation)',
          'Synthetics: runs only; its canary Lambda, S3 artifacts and logs are billed on top',
          `fast mode: per fast group ${FAST_PROBES} invocations a minute (the scheduled one probes slot 0 and sends slots 1-5 in one SendMessageBatch; the queue's event source mapping delivers each), each one probe of every member, billed like a standard invocation of that size (no waiting: a queued slot's DelaySeconds rounds up, so it is never early and the canary does not sleep for it); SQS: the send, 5 receives and 5 deletes a minute per group, and the mapping's idle long polls (${USAGE.fastQueuePollers} pollers x ${USAGE.fastQueuePollsPerPollerPerMinute} a minute, $${fixedUsd(fastQueueIdleRequestsPerMonth(usage) * SQS.perRequest)} a month per app, here all on the case's monitors) at $0.40 per million 64 KB chunks`,
          `fast mode in the full tier publishes Success and LatencyMs ($0.30 each) and has a $0.30 high-resolution alarm: $0.90 of CloudWatch per endpoint before any probing, so ${FAST_SHARED_BENCH_SIZE} sharing cannot reach ${formatUsd(FAST_SHARED_TARGET_USD)} in the full tier; the lean tier (Success only) is $0.60`,
          'a confirmation probe runs only while a check fails: priced at nothing a month',
          ...(unsynthesized.length > 0
            ? [
                `not synthesizable with today's config rules, so resources counted from the grouping (one high-resolution alarm per monitor, one schedule per group): ${unsynthesized.join('; ')}`,
              ]
            : []),
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
      measured,
      usage,
      cases: priced,
      competitors,
      example: { template: exampleCounts, estimate: exampleEstimate },
    },
  };
}

if (isMain(import.meta.url)) await runStandalone(benchCost);
