/**
 * The expected monthly bill of a resolved config, per service and in total: what `vigil cost`
 * prints and `cdk synth` sums up in one line. Pure, from the config and lib/cost/prices.ts alone.
 *
 * Counts follow the stack, reusing its own rules rather than re-deriving them: which alarms a
 * monitor gets ({@link queueAspects}), which services page through composites and how many
 * ({@link IncidentPlan}, {@link compositeChunks}), the watchers of Vigil itself
 * ({@link VIGIL_WATCHERS}), a fast monitor's high-resolution alarm ({@link isFast}). Metrics are
 * those the canary publishes (lambdas/canary/record.ts). Schedules, invocations and Lambda time are
 * per invocation group ({@link invocationGroups}: the monitors of a service on one schedule share an
 * invocation); log volume is per check plus Lambda's own lines per invocation. Durations and byte
 * counts are the conservative constants of {@link USAGE}, not a measurement.
 *
 * By tier (README "What it costs"): `full` publishes `Success` (+ `LatencyMs` for HTTP) per monitor,
 * plus the measurements of its kind, and has one alarm per monitor (plus queue aspects); `lean`
 * publishes `Success` only, one alarm per monitor; `grouped` publishes nothing per monitor: its
 * service has one `FailedChecks` metric and one alarm, whatever its number of monitors.
 */

import { toFastProbeMessage } from '../config/fast-probe-message.ts';
import {
  FAST_PROBES,
  type Monitor,
  parseConfig,
  rateSeconds,
  type Tier,
  toMonitorInput,
  type VigilConfig,
} from '../config/index.ts';
import { type InvocationGroup, invocationGroups } from '../monitors/invocation-groups.ts';
import { isFast } from '../monitors/monitor-traits.ts';
import { queueAspects, VIGIL_WATCHERS } from '../paging/catalog.ts';
import { compositeChunks, IncidentPlan } from '../paging/incident-plan.ts';
import {
  CLOUDWATCH,
  COMPETITORS,
  HOURS_PER_MONTH,
  LAMBDA,
  SCHEDULER,
  SECONDS_PER_MONTH,
  SQS,
  USAGE,
} from './prices.ts';

/** The services of the bill, in the order they are printed. */
export const COST_SERVICES = [
  'metrics',
  'alarms',
  'dashboards',
  'scheduler',
  'lambda',
  'sqs',
  'logs',
] as const;
export type CostService = (typeof COST_SERVICES)[number];

/** How each service is named in tables. */
export const COST_SERVICE_LABELS: Readonly<Record<CostService, string>> = {
  metrics: 'CloudWatch metrics',
  alarms: 'CloudWatch alarms',
  dashboards: 'CloudWatch dashboards',
  scheduler: 'EventBridge Scheduler',
  lambda: 'Lambda (arm64)',
  sqs: 'Amazon SQS (fast mode)',
  logs: 'CloudWatch Logs',
};

/** One priced quantity. */
export interface CostLine {
  readonly service: CostService;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** quantity x unitPrice, USD a month. */
  readonly monthly: number;
}

/** What one monitor uses in a month, beside the invocations it shares. */
export interface MonitorUsage {
  /** Metric names it publishes (one metric each: the dimension is the monitor). */
  readonly metrics: readonly string[];
  readonly standardAlarms: number;
  readonly highResolutionAlarms: number;
  /** Checks a month (a fast monitor: six probes per invocation). */
  readonly checks: number;
  /** Log bytes of its own lines (result and EMF per check). */
  readonly logBytes: number;
}

/** What one invocation group (one schedule) uses in a month. */
export interface GroupUsage {
  /** Scheduler invocations. */
  readonly invocations: number;
  /**
   * Canary invocations = Lambda requests: the scheduled ones, and for a fast group the five a minute
   * its queue delivers.
   */
  readonly lambdaRequests: number;
  /** Lambda GB-seconds. */
  readonly gbSeconds: number;
  /** Log bytes of Lambda's own lines (START, REPORT). */
  readonly logBytes: number;
  /** SQS requests (64 KB chunks) of a fast group's slots: sent, received, deleted. 0 when not fast. */
  readonly sqsRequests: number;
}

/** The estimate of a config. */
export interface CostEstimate {
  readonly project: string;
  /** Enabled monitors: disabled ones deploy nothing. */
  readonly monitors: number;
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<CostService, number>>;
  readonly total: number;
  readonly counts: {
    readonly metrics: number;
    readonly standardAlarms: number;
    readonly highResolutionAlarms: number;
    readonly compositeAlarms: number;
    readonly dashboards: number;
    readonly schedules: number;
    readonly invocations: number;
  };
}

const GIB = 2 ** 30;

/**
 * Minutes between pager sweeps: lib/constructs/pager.ts's DEFAULT_SWEEP_MINUTES (a test keeps them
 * equal), repeated so `vigil cost` does not load aws-cdk-lib.
 */
export const PAGER_SWEEP_MINUTES = 15;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/**
 * Metric names `monitor` publishes (lambdas/canary/record.ts, MEASUREMENT_METRICS): none of its own
 * when grouped (its service's `FailedChecks` is counted once per service), `Success` only when lean.
 */
export function metricNames(monitor: Monitor, componentsPerMonitor: number = USAGE.componentsPerMonitor) {
  if (monitor.tier === 'grouped') return [];
  const names = ['Success'];
  if (monitor.tier === 'lean') return names;
  switch (monitor.kind) {
    case 'http': {
      names.push('LatencyMs');
      const c = monitor.componentMetrics;
      const n = c === false ? 0 : c === true ? componentsPerMonitor : c.length;
      for (let i = 0; i < n; i++) names.push(`ComponentHealthy/${c === true || c === false ? i + 1 : c[i]}`);
      // Every https monitor reads its certificate; a full-tier one publishes the days left when its
      // warning alarm needs them (lambdas/canary/record.ts), else they ride in the log line, free.
      if (monitor.certificate?.warningAlarm) names.push(CERTIFICATE_METRIC);
      break;
    }
    case 'queue':
      names.push('QueueDepth');
      if (monitor.source.kind === 'sqs' && monitor.source.deadLetterQueue) names.push('DeadLetterDepth');
      if (monitor.source.kind === 'endpoint' && monitor.source.oldestAgePath) {
        names.push('OldestMessageAgeSeconds');
      }
      break;
    case 'backup':
      names.push('BackupAgeSeconds');
      if (monitor.source.kind !== 'endpoint') names.push('BackupSizeBytes', 'BackupCount');
      break;
    case 'command':
      if (monitor.disk) {
        names.push(...DISK_METRICS);
        if (monitor.disk.maxInodesUsedPercent !== undefined) names.push('InodesUsedPercent');
      }
      break;
  }
  return names;
}

const CERTIFICATE_METRIC = 'CertificateDaysLeft';
const DISK_METRICS = ['DiskUsedPercent', 'DiskFreeBytes'];
const isDiskMetric = (name: string) => DISK_METRICS.includes(name) || name === 'InodesUsedPercent';

/**
 * Invocations a month of a schedule expression: `rate(...)` exactly; `cron(...)` from its minute
 * and hour fields, scaled by the share of days it runs (listed weekdays / 7, days of month / 30.4).
 */
export function invocationsPerMonth(expression: string): number {
  const rate = rateSeconds(expression);
  if (rate !== undefined) return SECONDS_PER_MONTH / rate;
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!m) throw new Error(`${expression} is neither rate(...) nor a 6-field cron(...)`);
  const [, minutes = '', hours = '', dayOfMonth = '*', , dayOfWeek = '*'] = m;
  const perDay = fieldCount(minutes, 0, 59) * fieldCount(hours, 0, 23);
  const any = (f: string) => f === '*' || f === '?';
  const dayShare = !any(dayOfWeek)
    ? fieldCount(dayOfWeek, 1, 7) / 7
    : !any(dayOfMonth)
      ? fieldCount(dayOfMonth, 1, 31) / DAYS_PER_MONTH
      : 1;
  return perDay * DAYS_PER_MONTH * dayShare;
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  SUN: 1,
  MON: 2,
  TUE: 3,
  WED: 4,
  THU: 5,
  FRI: 6,
  SAT: 7,
};

/** Values a cron field takes: `*`, `n`, `a-b`, `a/n`, `*\/n`, lists; day names (MON-FRI) too. */
function fieldCount(field: string, lo: number, hi: number): number {
  let count = 0;
  for (const part of field.split(',')) {
    const m = /^(\*|(\w+)(?:-(\w+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return 1;
    const [, , start, end, step] = m;
    const num = (s: string | undefined, fallback: number) =>
      s && /^\d+$/.test(s)
        ? Number(s)
        : s && s.toUpperCase() in DAY_NAMES
          ? (DAY_NAMES[s.toUpperCase()] ?? fallback)
          : fallback;
    const from = start === undefined ? lo : num(start, lo);
    const to = end !== undefined ? num(end, from) : start === undefined || step !== undefined ? hi : from;
    count += Math.floor((Math.max(to, from) - from) / Number(step ?? 1)) + 1;
  }
  return count;
}

/** The usage figures an estimate is made with: {@link USAGE}, or measured ones (bench/cost.ts). */
export type UsageFigures = { readonly [K in keyof typeof USAGE]: number };

/** What one enabled monitor uses in a month, from its schedule, kind and the {@link USAGE} constants. */
export function monitorUsage(
  monitor: Monitor,
  componentsPerMonitor: number = USAGE.componentsPerMonitor,
  usage: UsageFigures = USAGE,
): MonitorUsage {
  const fast = isFast(monitor);
  const checks = invocationsPerMonth(monitor.schedule) * (fast ? FAST_PROBES : 1);
  return {
    metrics: metricNames(monitor, componentsPerMonitor),
    // The Success alarm (high-resolution in fast mode), plus a queue's aspect alarms; a grouped
    // monitor has none (its service's one alarm is counted per service).
    standardAlarms: (fast || monitor.tier === 'grouped' ? 0 : 1) + queueAspects(monitor).length,
    highResolutionAlarms: fast ? 1 : 0,
    checks,
    logBytes: checks * usage.logBytesPerCheck,
  };
}

/** Slots a fast group's scheduled invocation sends to the queue each minute (slot 0 it probes itself). */
export const FAST_QUEUED_SLOTS = FAST_PROBES - 1;

/**
 * Bytes of one fast-probe message for `monitors` (lambdas/canary: `{ fastProbe: { slot, at,
 * monitors } }`, the monitors as in the scheduler payload).
 */
export function fastProbeMessageBytes(monitors: readonly Monitor[]): number {
  const body = toFastProbeMessage(FAST_QUEUED_SLOTS, 1_800_000_000_000, monitors.map(toMonitorInput));
  return Buffer.byteLength(body, 'utf8');
}

/**
 * SQS requests a minute of one fast group whose messages are `messageBytes` each: one
 * SendMessageBatch of {@link FAST_QUEUED_SLOTS} messages, and one receive and one delete per message
 * (they become visible 10 s apart, so each long poll returns one); each 64 KB chunk a request.
 */
export function fastQueueRequestsPerMinute(messageBytes: number): number {
  const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / SQS.chunkBytes));
  return (
    chunks(FAST_QUEUED_SLOTS * messageBytes) + FAST_QUEUED_SLOTS * chunks(messageBytes) + FAST_QUEUED_SLOTS
  );
}

/**
 * SQS requests a month of the event source mapping's long polls of an idle fast-probe queue: a
 * fixed cost per app with any fast monitor (one queue per app), whatever its number of groups.
 */
export function fastQueueIdleRequestsPerMonth(usage: UsageFigures = USAGE): number {
  return (SECONDS_PER_MONTH / 60) * usage.fastQueuePollers * usage.fastQueuePollsPerPollerPerMinute;
}

/**
 * What one invocation group uses in a month: its schedule's invocations, each lasting about its
 * slowest check (they run at once) plus {@link USAGE.sharedCheckDurationMs} per further check, and
 * Lambda's own log lines per invocation. A fast group runs {@link FAST_PROBES} such invocations a
 * minute (one probe of every member each: the scheduled one and five from its queue) and sends,
 * receives and deletes its queued slots (`messageBytes` each; see {@link fastProbeMessageBytes}).
 * A queued slot is never early (its `DelaySeconds` rounds up, lambdas/canary/fast-probe.ts), so no
 * invocation is billed for sleeping until its slot.
 */
export function groupUsage(
  group: Pick<InvocationGroup, 'schedule' | 'fast'> & {
    readonly size: number;
    readonly messageBytes?: number;
  },
  usage: UsageFigures = USAGE,
): GroupUsage {
  const invocations = invocationsPerMonth(group.schedule);
  const lambdaRequests = invocations * (group.fast ? FAST_PROBES : 1);
  const durationMs = usage.invocationDurationMs + Math.max(0, group.size - 1) * usage.sharedCheckDurationMs;
  const minutes = group.fast ? invocations : 0;
  return {
    invocations,
    lambdaRequests,
    gbSeconds: ((lambdaRequests * durationMs) / 1000) * (usage.lambdaMemoryMb / 1024),
    logBytes: lambdaRequests * usage.logBytesPerInvocation,
    sqsRequests: minutes * fastQueueRequestsPerMinute(group.messageBytes ?? 0),
  };
}

/** Composite alarms the stack makes for `config` (lib/constructs/service-incident.ts). */
export function compositeAlarmCount(config: VigilConfig, plan: IncidentPlan = IncidentPlan.of(config)) {
  let count = 0;
  // One composite naming `names`, plus its parts when one rule cannot name them all.
  const anyOf = (names: readonly string[]) => {
    const chunks = compositeChunks(names).length;
    return chunks === 1 ? 1 : chunks + 1;
  };
  for (const service of plan.services) {
    if (!plan.isGrouped(service)) continue;
    const members = plan.members(service);
    count += anyOf(members.map((m) => m.alarmName));
    for (const severity of plan.severities(service)) {
      count += anyOf(members.filter((m) => m.severity === severity).map((m) => m.alarmName));
    }
    if (plan.dependencies(service).length > 1) count += 1;
  }
  return count;
}

/** Options of {@link estimateCost}. */
export interface EstimateOptions {
  /** Components a monitor with `componentMetrics: true` reports. @default USAGE.componentsPerMonitor */
  readonly componentsPerMonitor?: number;
  /** Minutes between pager sweeps. @default PAGER_SWEEP_MINUTES */
  readonly sweepMinutes?: number;
}

function line(
  service: CostService,
  item: string,
  quantity: number,
  unit: string,
  unitPrice: number,
): CostLine {
  return { service, item, quantity, unit, unitPrice, monthly: quantity * unitPrice };
}

/** The expected monthly bill of `config`'s enabled monitors and what the stack deploys around them. */
export function estimateCost(config: VigilConfig, options: EstimateOptions = {}): CostEstimate {
  const enabled = config.monitors.filter((m) => m.enabled);
  const usages = enabled.map((m) => monitorUsage(m, options.componentsPerMonitor));
  const sum = (f: (u: MonitorUsage) => number) => usages.reduce((s, u) => s + f(u), 0);
  // A split service groups each part on its own, which only renames schedules: the count is the same.
  const invocation = invocationGroups(enabled);
  const groups = invocation.map((g) =>
    groupUsage({
      ...g,
      size: g.monitors.length,
      messageBytes: g.fast ? fastProbeMessageBytes(g.monitors) : 0,
    }),
  );
  // One fast-probe queue per app, long-polled whenever any monitor is fast.
  const idleQueueRequests = invocation.some((g) => g.fast) ? fastQueueIdleRequestsPerMonth() : 0;
  const sumGroups = (f: (g: GroupUsage) => number) => groups.reduce((s, g) => s + f(g), 0);
  const plan = IncidentPlan.of(config);

  // A grouped-tier service: one FailedChecks metric and one alarm, whatever its monitors.
  const groupedServices = plan.groupedTier.size;
  const metrics = sum((u) => u.metrics.length) + groupedServices;
  // Shown on lines of their own, so a reader sees what certificate expiry and disk space cost.
  const certificateMetrics = sum((u) => u.metrics.filter((n) => n === CERTIFICATE_METRIC).length);
  const diskMetrics = sum((u) => u.metrics.filter(isDiskMetric).length);
  const watchers = Object.keys(VIGIL_WATCHERS).length;
  const heartbeat = config.heartbeat ? 1 : 0;
  const standardAlarms = sum((u) => u.standardAlarms) + groupedServices + watchers + heartbeat;
  const highResolutionAlarms = sum((u) => u.highResolutionAlarms);
  const compositeAlarms = compositeAlarmCount(config, plan);
  // One per service with enabled monitors, and one for Vigil itself (lib/vigil-stack.ts).
  const dashboards = plan.services.length + 1;

  const sweepMinutes = options.sweepMinutes ?? PAGER_SWEEP_MINUTES;
  const pagerInvocations =
    invocationsPerMonth(`rate(${sweepMinutes} minutes)`) +
    (config.heartbeat ? invocationsPerMonth(config.heartbeat.schedule) : 0);
  const checkInvocations = sumGroups((g) => g.invocations);
  const checkRequests = sumGroups((g) => g.lambdaRequests);
  const pagerGbSeconds = pagerInvocations * (USAGE.pagerDurationMs / 1000) * (USAGE.lambdaMemoryMb / 1024);
  const logGb =
    (sum((u) => u.logBytes) + sumGroups((g) => g.logBytes) + pagerInvocations * USAGE.logBytesPerSweep) / GIB;
  // Steady state: `logRetentionDays` of logs are stored at any time (uncompressed: conservative).
  const storedGb = logGb * (config.logRetentionDays / DAYS_PER_MONTH);

  const lines: CostLine[] = [
    line(
      'metrics',
      'custom metrics (standard and high-resolution)',
      metrics - certificateMetrics - diskMetrics,
      'metric',
      CLOUDWATCH.metric,
    ),
    line(
      'metrics',
      'certificate days left (full-tier https monitors with certificate.warningAlarm)',
      certificateMetrics,
      'metric',
      CLOUDWATCH.metric,
    ),
    line(
      'metrics',
      'disk used and free (full-tier disk aspects; lean and grouped publish none)',
      diskMetrics,
      'metric',
      CLOUDWATCH.metric,
    ),
    line(
      'alarms',
      'standard alarms (monitors, queue aspects, grouped services, watchers, heartbeat)',
      standardAlarms,
      'alarm',
      CLOUDWATCH.standardAlarm,
    ),
    line(
      'alarms',
      'high-resolution alarms (fast monitors)',
      highResolutionAlarms,
      'alarm',
      CLOUDWATCH.highResolutionAlarm,
    ),
    line(
      'alarms',
      'composite alarms (grouped services)',
      compositeAlarms,
      'alarm',
      CLOUDWATCH.compositeAlarm,
    ),
    line(
      'dashboards',
      'dashboards (one per service, one for Vigil)',
      dashboards,
      'dashboard',
      CLOUDWATCH.dashboard,
    ),
    line('scheduler', 'check invocations', checkInvocations, 'invocation', SCHEDULER.perInvocation),
    line('scheduler', 'pager sweeps and heartbeats', pagerInvocations, 'invocation', SCHEDULER.perInvocation),
    line(
      'lambda',
      'requests (checks, fast-mode slots from the queue, pager)',
      checkRequests + pagerInvocations,
      'request',
      LAMBDA.perRequest,
    ),
    line(
      'lambda',
      'duration, canary',
      sumGroups((g) => g.gbSeconds),
      'GB-s',
      LAMBDA.arm64PerGbSecond,
    ),
    line('lambda', 'duration, pager', pagerGbSeconds, 'GB-s', LAMBDA.arm64PerGbSecond),
    line(
      'sqs',
      'fast-probe queue: slots sent, received and deleted (per fast group)',
      sumGroups((g) => g.sqsRequests),
      'request',
      SQS.perRequest,
    ),
    line(
      'sqs',
      'fast-probe queue: idle long polls by its event source mapping (per app)',
      idleQueueRequests,
      'request',
      SQS.perRequest,
    ),
    line('logs', 'ingestion', logGb, 'GB', CLOUDWATCH.logsIngestionPerGb),
    line(
      'logs',
      `storage (${config.logRetentionDays} days kept)`,
      storedGb,
      'GB-month',
      CLOUDWATCH.logsStoragePerGbMonth,
    ),
  ].filter((l) => l.quantity > 0);

  const byService = Object.fromEntries(COST_SERVICES.map((s) => [s, 0])) as Record<CostService, number>;
  for (const l of lines) byService[l.service] += l.monthly;
  return {
    project: config.project,
    monitors: enabled.length,
    lines,
    byService,
    total: lines.reduce((s, l) => s + l.monthly, 0),
    counts: {
      metrics,
      standardAlarms,
      highResolutionAlarms,
      compositeAlarms,
      dashboards,
      schedules: groups.length + 1 + heartbeat,
      invocations: checkInvocations + pagerInvocations,
    },
  };
}

/** One endpoint's monthly cost, by service, and in total. */
export interface EndpointCost {
  readonly label: string;
  readonly byService: Readonly<Partial<Record<CostService, number>>>;
  readonly total: number;
}

/** Options of {@link endpointMonthCost}. */
export interface EndpointCostOptions {
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default "full" */
  readonly tier?: Tier;
  /** Monitors of the grouped service sharing its one metric and alarm. @default 20 */
  readonly groupSize?: number;
  /**
   * Monitors sharing the endpoint's invocation (itself included): 1 for `invocation: 'own'` or a
   * service with one monitor on that schedule. @default 1, or `groupSize` for the grouped tier
   */
  readonly sharedBy?: number;
  /** The usage figures. @default USAGE (lib/cost/prices.ts) */
  readonly usage?: UsageFigures;
}

/** Monitors a grouped service is priced with in {@link endpointMonthCost}. */
export const GROUPED_PRICING_SIZE = 20;

/**
 * What one HTTP endpoint checked once a minute (`fast`: probed every 10 s) costs in a service that
 * already exists: its metrics, its alarm, its checks' logs, and its share of the invocations it
 * shares with `sharedBy - 1` other monitors (Scheduler, Lambda requests and time, Lambda's own log
 * lines; fast mode: the queue's requests, and the app's idle polling of it, as if these were the
 * app's only fast monitors), 30 days of logs kept. A confirmation probe is not priced: it runs only
 * when a check fails. Dashboards, watchers and composites are shared and not in it. A
 * grouped endpoint carries its share of its service's one metric and alarm (1 / `groupSize` of each).
 */
export function endpointMonthCost(
  fast: boolean,
  logRetentionDays = 30,
  options: EndpointCostOptions = {},
): EndpointCost {
  const tier = options.tier ?? 'full';
  const groupSize = options.groupSize ?? GROUPED_PRICING_SIZE;
  const sharedBy = Math.max(1, options.sharedBy ?? (tier === 'grouped' ? groupSize : 1));
  const usage = options.usage ?? USAGE;
  // Parsed on the full tier and given `tier` after: the price of a combination the config may not
  // accept yet (fast mode in the lean tier) is still a price.
  const [parsed] = parseConfig({
    project: 'endpoint',
    monitors: [{ kind: 'http', name: 'endpoint', url: 'https://example.com/health', fast }],
  }).monitors;
  if (!parsed) throw new Error('unreachable: one monitor parsed');
  const monitor: Monitor = { ...parsed, tier };
  const u = monitorUsage(monitor, USAGE.componentsPerMonitor, usage);
  const g = groupUsage(
    {
      schedule: monitor.schedule,
      fast,
      size: sharedBy,
      messageBytes: fast ? fastProbeMessageBytes(Array.from({ length: sharedBy }, () => monitor)) : 0,
    },
    usage,
  );
  const logGb = (u.logBytes + g.logBytes / sharedBy) / GIB;
  const share = tier === 'grouped' ? 1 / groupSize : 0;
  // The fast-probe queue's idle polling is per app: shared by the app's fast monitors, here the
  // `sharedBy` of this group.
  const sqsRequests = fast ? g.sqsRequests + fastQueueIdleRequestsPerMonth(usage) : 0;
  const byService = {
    metrics: (u.metrics.length + share) * CLOUDWATCH.metric,
    alarms:
      (u.standardAlarms + share) * CLOUDWATCH.standardAlarm +
      u.highResolutionAlarms * CLOUDWATCH.highResolutionAlarm,
    scheduler: (g.invocations / sharedBy) * SCHEDULER.perInvocation,
    lambda: (g.lambdaRequests * LAMBDA.perRequest + g.gbSeconds * LAMBDA.arm64PerGbSecond) / sharedBy,
    sqs: (sqsRequests * SQS.perRequest) / sharedBy,
    logs:
      logGb * CLOUDWATCH.logsIngestionPerGb +
      logGb * (logRetentionDays / DAYS_PER_MONTH) * CLOUDWATCH.logsStoragePerGbMonth,
  };
  const shared = fast
    ? sharedBy === 1
      ? 'alone in the fast group'
      : `fast group of ${sharedBy}`
    : sharedBy === 1
      ? 'own invocation'
      : `invocation shared by ${sharedBy}`;
  const cadence = fast ? 'fast (10 s probes' : 'standard (1 min';
  const label = `Vigil ${tier}, ${cadence}${tier === 'grouped' ? `, ${groupSize} per service` : ''}, ${shared})`;
  return { label, byService, total: Object.values(byService).reduce((s, v) => s + v, 0) };
}

/** A competitor's cost for the same endpoint, with what it includes. */
export interface CompetitorCost {
  readonly label: string;
  readonly total: number;
  readonly note: string;
}

/**
 * The same endpoint on CloudWatch Synthetics and on Route 53 health checks, counted the same way:
 * the service's own charge plus one standard CloudWatch alarm to page on it (their metrics are
 * vended, free).
 */
export function competitorCosts(): { standard: CompetitorCost[]; fast: CompetitorCost[] } {
  const alarm = CLOUDWATCH.standardAlarm;
  const runs = invocationsPerMonth('rate(1 minute)');
  const r53 = COMPETITORS.route53;
  const route53 = r53.nonAwsEndpoint + r53.https + r53.stringMatching;
  return {
    standard: [
      {
        label: 'CloudWatch Synthetics (1 run/min)',
        total: runs * COMPETITORS.syntheticsPerRun + alarm,
        note: `${Math.round(runs).toLocaleString('en-US')} runs x $${COMPETITORS.syntheticsPerRun} + 1 alarm; its Lambda, S3 and logs extra`,
      },
      {
        label: 'Route 53 health check (HTTPS, string match)',
        total: route53 + alarm,
        note: 'non-AWS endpoint + HTTPS + string matching + 1 alarm; 30 s interval',
      },
    ],
    fast: [
      {
        label: 'Route 53 health check, fast (10 s)',
        total: route53 + r53.fastInterval + alarm,
        note: 'as above + fast interval; CloudWatch Synthetics runs at most once a minute',
      },
    ],
  };
}

/** `$12.34`; amounts under a cent keep 4 decimals (`$0.0044`). */
export function formatUsd(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(2)}`;
}

/** The line `cdk synth` prints. */
export function costSummaryLine(estimate: CostEstimate): string {
  const n = estimate.monitors;
  return `Vigil: expected bill ${formatUsd(estimate.total)}/month for ${n} monitor${n === 1 ? '' : 's'} (npx vigil cost for the breakdown)`;
}
