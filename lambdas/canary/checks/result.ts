/**
 * The typed outcome of one check. A check never throws: every outcome, good or bad, is a
 * {@link CheckResult} with a reason code, so the canary, the CLI and (later) the page formatter
 * speak about failures the same way.
 */

/** Why a check failed. Stable strings: they appear in logs, metrics, pages and `vigil check --json`. */
export const REASON_CODES = [
  'timeout',
  'dns',
  'connection_refused',
  'connection_reset',
  'tls',
  'http_status',
  'bad_json',
  'assertion_failed',
  /**
   * A 2xx whose health document says it is down (top-level `status` fail/down/error/unhealthy, or a
   * component down when there is no top-level status). The detail names the failing components.
   */
  'health_status',
  'too_large',
  'redirect_loop',
  /** Answered, but slower than the monitor's `maxLatencyMs`. */
  'slow',
  /** A header secret could not be read (SSM / Secrets Manager), so the check could not be made. */
  'secret_unavailable',
  /** Anything else a network stack can throw (EHOSTUNREACH, a protocol error...). */
  'network',
  /** A valid certificate (leaf or chain) with fewer days left than the monitor's `certificate.minDays`. */
  'certificate_expiring',
  // Queues
  /** More visible messages than the monitor's maxDepth. */
  'queue_depth',
  /** The oldest message is older than maxOldestMessageAgeSeconds. */
  'queue_age',
  /** New messages arrived in the dead-letter queue. */
  'dead_letters',
  // Backups
  /** No backup at all (nothing listed, or nothing matching the pattern and size rules). */
  'backup_missing',
  /** The newest backup is older than maxAgeHours. */
  'backup_too_old',
  /** The newest file is below minSizeBytes (an empty or truncated dump). */
  'backup_too_small',
  /** Fewer backups kept than minCount: retention or the backup job is broken. */
  'backup_too_few',
  /** The newest backup is incomplete: a size drop past maxSizeDropPercent, or a broken gzip. */
  'backup_truncated',
  /** The newest backup file is damaged (a gzip that fails its integrity check). */
  'backup_corrupt',
  // Host commands (SSM Run Command)
  /** The command ran and exited non-zero (its output is in the detail). */
  'command_failed',
  /** The command did not finish within its timeout. */
  'command_timeout',
  /** The instance is not connected to Systems Manager (stopped, agent down, no route). */
  'instance_not_connected',
  // Disk space on a host (the `disk` aspect, over Run Command)
  /** The filesystem holding the path is fuller than `disk.maxUsedPercent`. */
  'disk_full',
  /** The filesystem holding the path has used more inodes than `disk.maxInodesUsedPercent`. */
  'inodes_full',
  /** The path the disk aspect watches does not exist on the host (not "0 % used"). */
  'disk_path_missing',
  // AWS APIs
  /** The queue, bucket, snapshot source or vault does not exist. */
  'not_found',
  /** The canary's role may not read it (IAM): a deployment problem, not an outage. */
  'access_denied',
  /** Any other AWS API error (throttling, a service error). */
  'aws_error',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Health of one component reported in a health document (`checks.database`, `services.redis`...). */
export type ComponentState = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface ComponentStatus {
  /** e.g. "database", or "db:responseTime" for application/health+json */
  readonly name: string;
  readonly state: ComponentState;
  /** The status string as the document gave it ("ok", "up", "error", "pass", "warn"...). */
  readonly status: string;
  /** Latency the document reported for the component, in ms, when it gave one. */
  readonly latencyMs?: number;
  /** Other useful text from the document (an error message, "connected: false"...). */
  readonly detail?: string;
}

/** A failed assertion: which one, what it expected, what the body had. */
export interface AssertionFailure {
  readonly path: string;
  readonly operator: string;
  readonly expected: unknown;
  /** The value at the path; `undefined` when the path does not exist. */
  readonly actual: unknown;
}

interface ResultBase {
  readonly monitor: string;
  readonly kind: string;
  /** ISO time the check started. */
  readonly checkedAt: string;
  /** Wall time of the whole check (all attempts and redirects), ms. */
  readonly durationMs: number;
  /** Time to the final answer's headers, ms (HTTP), when there was an answer. */
  readonly latencyMs?: number;
  /** HTTP status of the final answer, when there was one. */
  readonly statusCode?: number;
  /** Attempts made (2 when a network error was retried). */
  readonly attempts: number;
  /** The URL of the final answer when redirects were followed. */
  readonly finalUrl?: string;
  /** Components from a health document body, when the body was one. */
  readonly components?: readonly ComponentStatus[];
  /** The document's own overall status ("healthy", "pass"...), when it gave one. */
  readonly overallStatus?: string;
  /**
   * Values the check measured (queue depth, backup age...). Those named in {@link MEASUREMENT_METRICS}
   * are published as metrics; the rest are logged only.
   */
  readonly measurements?: Readonly<Partial<Record<MeasurementName, number>>>;
}

/** Values a check can measure, by metric name. */
export const MEASUREMENTS = [
  'QueueDepth',
  'InFlight',
  'Delayed',
  'DeadLetterDepth',
  'OldestMessageAgeSeconds',
  'BackupAgeSeconds',
  'BackupSizeBytes',
  'BackupCount',
  'CertificateDaysLeft',
  'DiskUsedPercent',
  'DiskFreeBytes',
  'InodesUsedPercent',
] as const;
export type MeasurementName = (typeof MEASUREMENTS)[number];

/** Measurements published as CloudWatch metrics ($0.30 each a month); InFlight and Delayed are logged only. */
export const MEASUREMENT_METRICS: readonly MeasurementName[] = [
  'QueueDepth',
  'DeadLetterDepth',
  'OldestMessageAgeSeconds',
  'BackupAgeSeconds',
  'BackupSizeBytes',
  'BackupCount',
  // Only measured where asked: https:// monitors (days left of the earliest-expiring certificate)
  // and monitors with a `disk` aspect.
  'CertificateDaysLeft',
  'DiskUsedPercent',
  'DiskFreeBytes',
  'InodesUsedPercent',
];

export interface CheckSuccess extends ResultBase {
  readonly ok: true;
  /**
   * What the check saw, for a person: "newest backup 2.0 h old, within the 24 h limit (...)", or what
   * stands out without failing, "orders: 12 messages visible, 0 in flight, 0 delayed; 3 messages in
   * dead-letter queue orders-dlq". Never a verdict: alarms on the published measurements (warning
   * depth, dead-letter arrivals, a stalled queue) judge those.
   */
  readonly detail?: string;
}

export interface CheckFailure extends ResultBase {
  readonly ok: false;
  readonly reason: ReasonCode;
  /** One line a person can act on: "checks.database.status: expected "ok", got "error"". */
  readonly detail: string;
  /** Set when `reason` is `assertion_failed`: every failed assertion, in config order. */
  readonly assertions?: readonly AssertionFailure[];
}

export type CheckResult = CheckSuccess | CheckFailure;
