/**
 * Every price `vigil cost`, `cdk synth`'s one-line summary and bench/cost.ts use, in one place:
 * us-east-1 list prices in USD, no free tier (the free tier is per account, and Vigil shares the
 * account with everything else), first volume tier only (10,000 custom metrics is far beyond a
 * Vigil config).
 *
 * Each constant names its source page and the date it was read. When AWS changes a price, change
 * it here, then fix the hand-computed figures in test/cost/estimate.test.ts: they are meant to fail.
 *
 * Sources read 2026-11-24. The official pages render their tables client-side and could not be
 * read as text, so rates were checked against text sources that quote them: CloudWatch metric
 * ($0.30, first 10,000) and dashboard ($3) in github.com/nishinoshake/aws-rough/issues/37, quoting
 * aws.amazon.com/jp/cloudwatch/pricing; alarm prices ($0.10 / $0.30 / $0.50) in
 * c3x.dev/resources/aws/aws_cloudwatch_metric_alarm; Lambda arm64 GB-s in artillery's
 * lib/platform/aws-lambda/prices.js (1333340e-10); Scheduler $1.00 per million in
 * cloudburn.io/blog/amazon-eventbridge-pricing; Route 53 base prices ($0.50 / $0.75) in
 * wewantcode.com (Route 53 health checks lesson). Not confirmed by a second source: the Logs rates,
 * the SNS rates, and the $1.00 per Route 53 optional feature.
 */

/** Hours in a month as AWS bills them (pricing pages and the pricing calculator). */
export const HOURS_PER_MONTH = 730;
/** Seconds in a {@link HOURS_PER_MONTH} month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** https://aws.amazon.com/cloudwatch/pricing/ (read 2026-11-24). */
export const CLOUDWATCH = {
  /** Custom metric, per metric-month, first 10,000 metrics. High-resolution metrics cost the same. */
  metric: 0.3,
  /** Standard-resolution alarm (period ≥ 60 s), per alarm metric-month. */
  standardAlarm: 0.1,
  /** High-resolution alarm (period 10, 20 or 30 s), per alarm metric-month. */
  highResolutionAlarm: 0.3,
  /** Composite alarm, per alarm-month. */
  compositeAlarm: 0.5,
  /** Custom dashboard, per dashboard-month (3 free per account; counted here: no free tier). */
  dashboard: 3.0,
  /** Logs: ingestion (standard log class), per GB. */
  logsIngestionPerGb: 0.5,
  /** Logs: storage (archived, compressed), per GB-month. */
  logsStoragePerGbMonth: 0.03,
} as const;

/** https://aws.amazon.com/lambda/pricing/ (read 2026-11-24): Arm (Graviton2), first 7.5 billion GB-s tier. */
export const LAMBDA = {
  /** Per GB-second of duration on arm64. */
  arm64PerGbSecond: 0.000_013_333_4,
  /** Per request. ($0.20 per 1M.) */
  perRequest: 0.2 / 1_000_000,
} as const;

/** https://aws.amazon.com/eventbridge/pricing/ (read 2026-11-24), "Scheduler": $1.00 per million invocations. */
export const SCHEDULER = {
  perInvocation: 1.0 / 1_000_000,
} as const;

/**
 * https://aws.amazon.com/sqs/pricing/ (read 2026-12-04 through text sources that quote it:
 * cloudburn.io/blog/amazon-sqs-pricing, March 2026, and factualminds.com's "Amazon SQS Pricing: The
 * 64 KB Rule", June 2026): standard queues, first 100 billion requests a month. Every API action is
 * a request, empty receives included, and each 64 KB chunk of a request's payload is billed as one
 * request. Fast mode's queue (one per app) is the only queue Vigil polls.
 */
export const SQS = {
  /** Per request, per 64 KB chunk of its payload. ($0.40 per 1M.) */
  perRequest: 0.4 / 1_000_000,
  /** The billing chunk. */
  chunkBytes: 64 * 1024,
} as const;

/** https://aws.amazon.com/sns/pricing/ (read 2026-11-24): standard topics. */
export const SNS = {
  /** Per publish (64 KB chunk). ($0.50 per 1M.) */
  perPublish: 0.5 / 1_000_000,
  /** Email / email-JSON notification. ($2.00 per 100,000.) */
  perEmail: 2.0 / 100_000,
  /** HTTP/S notification (PagerDuty, Opsgenie). ($0.60 per 1M.) */
  perHttps: 0.6 / 1_000_000,
} as const;

/**
 * What the competition charges, for the side-by-side figures. CloudWatch Synthetics:
 * https://aws.amazon.com/cloudwatch/pricing/ ("Canaries": $0.0012 per canary run; also quoted by
 * thomasstep.dev/blog/cloudformation-for-creating-canary and blog.mattsbit.co.uk, 2023). Its
 * canary's own Lambda, S3 artifacts and logs are billed on top and not counted here, so the
 * Synthetics figure is a floor. Route 53 health checks: https://aws.amazon.com/route53/pricing/
 * ("Health checks"; read 2026-11-24): per health check-month, optional features added per check.
 */
export const COMPETITORS = {
  syntheticsPerRun: 0.0012,
  route53: {
    awsEndpoint: 0.5,
    nonAwsEndpoint: 0.75,
    /** Each optional feature (HTTPS, string matching, fast interval, latency measurement). */
    https: 1.0,
    stringMatching: 1.0,
    fastInterval: 1.0,
  },
} as const;

/**
 * What Vigil's own Lambdas use: conservative constants, not a measured bill. `npm run bench`
 * measures the real handler (bench/canary-usage.ts: wall and CPU time of an invocation by group
 * size, bytes written per check) and prices an endpoint from those measurements beside these
 * constants (bench/cost.ts). A shared invocation (docs/adr/0008-shared-invocations.md) runs its
 * checks at once, so it lasts about as long as its slowest check; each further check adds its own
 * parsing and recording, slower at 256 MB's share of a vCPU than on a laptop. Fast mode
 * (docs/adr/0006-fast-mode.md) is six invocations a minute per fast group, each one probe of every
 * member: the scheduled one (slot 0, which also sends the other five slots to the app's fast-probe
 * queue) and five delivered from that queue by an event source mapping. Each is billed like a
 * standard invocation of the same size. A confirmation probe (docs/adr/0013-confirmed-failures.md)
 * runs only when a check fails, which is rare enough to price at nothing a month.
 *
 * To refresh after a deploy: the canary's `AWS/Lambda` `Duration` (Average) for the duration, and
 * its log group's `IncomingBytes` divided by the checks; write the larger of the figure and the
 * constant here.
 */
export const USAGE = {
  /** Memory of the canary and the pager (lib/constructs/canary-function.ts, pager.ts), MB. */
  lambdaMemoryMb: 256,
  /** Billed duration of one standard invocation with one check, ms (covers a cold start and a slow endpoint). */
  invocationDurationMs: 300,
  /** Billed duration each further check adds to an invocation it shares, ms. */
  sharedCheckDurationMs: 10,
  /**
   * Event source mapping pollers long-polling the fast-probe queue while it is idle, per app: Lambda
   * starts with five (Lambda docs, "Understanding polling and batching behavior for Amazon SQS").
   * An assumption until a deployed queue's `NumberOfEmptyReceives` is read.
   */
  fastQueuePollers: 5,
  /** Long polls a minute each idle poller makes (20 s waits). */
  fastQueuePollsPerPollerPerMinute: 3,
  /** Billed duration of one pager sweep or heartbeat (reads alarms and mute rules), ms. */
  pagerDurationMs: 1_000,
  /**
   * Log bytes Lambda itself writes per invocation. None: the canary's system log level is WARN
   * (lib/constructs/house-function.ts), so Lambda sends no START or REPORT line ("Log-level
   * filtering" in the Lambda docs). About 600 at INFO.
   */
  logBytesPerInvocation: 0,
  /**
   * Log bytes one check (or fast-mode probe) writes: its EMF line and its result line, plus
   * CloudWatch Logs' 26 bytes per event. bench/canary-usage.ts measures about 1,040 for a passing
   * madef-like HTTP check and about 1,180 for a failing one; rounded up.
   */
  logBytesPerCheck: 1_200,
  /** Log bytes one pager sweep writes. */
  logBytesPerSweep: 600,
  /** Components a monitor with `componentMetrics: true` is assumed to report (unknown until it runs). */
  componentsPerMonitor: 4,
} as const;
