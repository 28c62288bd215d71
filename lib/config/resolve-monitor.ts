/**
 * Resolves one validated monitor: every monitor-level default applied, so the constructs, the canary
 * and the CLI never repeat the defaulting rules. The canary resolves its event's monitors with
 * {@link resolveMonitor}; ./resolve.ts resolves a whole config with it and re-exports this module.
 */
import type * as z from 'zod/mini';
import {
  type Assertion,
  type BackupMonitorInput,
  DEFAULT_CERT_MIN_DAYS,
  DEFAULT_CERT_WARN_DAYS,
  DEFAULT_CONFIRM_AFTER_MS,
  DEFAULT_DISK_MAX_USED_PERCENT,
  DEFAULT_INVOCATION,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_SCHEDULE,
  DEFAULT_SEVERITY,
  DEFAULT_TIER,
  DEFAULT_TIMEOUT_MS,
  type DiskInput,
  defaultAlarmFor,
  FAST_DEFAULT_TIMEOUT_MS,
  FAST_SCHEDULE,
  type httpMonitorSchema,
  type Invocation,
  type MonitorInput,
  type QueueMonitorInput,
  resolveAlarm,
  type SecretRef,
  type Severity,
  type Tier,
} from './monitor-schema.ts';
import type { VigilConfigInput } from './schema.ts';

type HttpMonitorParsed = z.output<typeof httpMonitorSchema>;

/** Fields every resolved monitor carries, whatever its kind. */
export interface ResolvedMonitorBase {
  readonly name: string;
  readonly service: string;
  readonly description?: string;
  readonly severity: Severity;
  readonly schedule: string;
  readonly alarm: { readonly datapointsToAlarm: number; readonly evaluationPeriods: number };
  readonly runbook?: string;
  readonly enabled: boolean;
  /** Hours between reminders while in ALARM; 0 for none. */
  readonly repeatHours: number;
  /** Cost tier: the monitor's, else its service's, else defaults.tier, else `full`. */
  readonly tier: Tier;
  /** `shared` or `own` invocation: the monitor's, else its service's, else defaults', else `shared`. */
  readonly invocation: Invocation;
}

/** Reminder interval by severity, as the runbooks page: P1/P2 every 4 h, P3/P4 never. */
export const DEFAULT_REPEAT_HOURS: Readonly<Record<Severity, number>> = { P1: 4, P2: 4, P3: 0, P4: 0 };

/** An HTTP monitor with every default applied. */
export interface HttpMonitor extends ResolvedMonitorBase {
  readonly kind: 'http';
  readonly url: string;
  readonly method: NonNullable<HttpMonitorParsed['method']>;
  readonly headers: Readonly<Record<string, string | SecretRef>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxBodyBytes: number;
  readonly retryNetworkErrors: boolean;
  /** Expected status codes; empty means any 2xx. */
  readonly expectStatus: readonly number[];
  readonly maxLatencyMs?: number;
  readonly assertions: readonly Assertion[];
  readonly componentMetrics: boolean | readonly string[];
  /**
   * Query parameters added to the URL at run time, secrets read then (credential-like ones must be
   * secrets). Absent when the monitor sets none.
   */
  readonly query?: Readonly<Record<string, string | SecretRef>>;
  /**
   * `false`: a 2xx passes whatever its health document's own `status` says. Absent means true: a 2xx
   * whose document says it is down fails as `health_status`.
   */
  readonly healthStatus?: false;
  /**
   * Fast mode: six probes a minute, each a high-resolution datapoint, and a 10 s alarm. Its own
   * defaults: schedule rate(1 minute), timeoutMs 5000, alarm 2 of 3.
   */
  readonly fast: boolean;
  /**
   * The confirmation probe (lambdas/canary/confirm.ts): a failing check is probed again `afterMs`
   * after the first probe started, and fails only if that probe fails too. `false` with `fast: true`
   * or `confirm: false`. Default `{ afterMs: 5000 }`.
   */
  readonly confirm: false | { readonly afterMs: number };
  /**
   * Certificate expiry rules; set for https:// URLs unless `certificate: false`, absent for http://
   * (there is no certificate to read).
   */
  readonly certificate?: CertificateRules;
}

/** Certificate expiry of an https:// monitor, defaults applied. */
export interface CertificateRules {
  /** Fewer days left than this: a warning in the check's detail (and the warning alarm, if on). */
  readonly warnDays: number;
  /** Fewer days left than this fails the check as `certificate_expiring`. */
  readonly minDays: number;
  /** A second alarm on `CertificateDaysLeft < warnDays` (full tier: the metric exists only there). */
  readonly warningAlarm: boolean;
  readonly warningSeverity: Severity;
}

/** Disk space of the filesystem holding a path on a host, defaults applied. */
export interface DiskRules {
  readonly path: string;
  readonly maxUsedPercent: number;
  /** A warning level: the warning alarm on `DiskUsedPercent` (full tier), and a warning in the detail. */
  readonly warnUsedPercent?: number;
  readonly warningSeverity: Severity;
  /** Also run `df -Pi` and fail as `inodes_full` above this. */
  readonly maxInodesUsedPercent?: number;
}

/** An HTTP JSON endpoint read by a queue or backup monitor. */
export interface JsonEndpoint {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | SecretRef>>;
  /** Query parameters added to the URL at run time, secrets read then. Absent when none. */
  readonly query?: Readonly<Record<string, string | SecretRef>>;
  readonly timeoutMs: number;
}

/** Queue depth, from SQS or from a number in a JSON endpoint. */
export interface QueueMonitor extends ResolvedMonitorBase {
  readonly kind: 'queue';
  readonly source:
    | { readonly kind: 'sqs'; readonly queue: string; readonly deadLetterQueue?: string }
    | (JsonEndpoint & {
        readonly kind: 'endpoint';
        readonly depthPath: string;
        readonly oldestAgePath?: string;
      });
  readonly maxDepth?: number;
  readonly warnDepth?: number;
  /** Severity of the warning-depth alarm. */
  readonly warningSeverity: Severity;
  readonly maxOldestMessageAgeSeconds?: number;
  readonly stalled?: { readonly minDepth: number; readonly checks: number };
}

/** Rules for backups that are files (S3 objects, files in a host directory). */
export interface BackupFileRules {
  readonly pattern?: string;
  readonly minSizeBytes: number;
  readonly minCount?: number;
  readonly maxSizeDropPercent?: number;
  readonly verifyGzip: boolean;
}

/** Where a backup monitor looks for the newest backup. */
export type BackupSource =
  | (BackupFileRules & { readonly kind: 's3'; readonly bucket: string; readonly prefix: string })
  | { readonly kind: 'rds'; readonly instance?: string; readonly cluster?: string }
  | { readonly kind: 'awsBackup'; readonly vault: string; readonly resourceArn: string }
  | (BackupFileRules & { readonly kind: 'host'; readonly instance: string; readonly directory: string })
  | (JsonEndpoint & { readonly kind: 'endpoint'; readonly timestampPath: string });

/** Backup age: the newest backup must be younger than maxAgeHours (the RPO). */
export interface BackupMonitor extends ResolvedMonitorBase {
  readonly kind: 'backup';
  readonly source: BackupSource;
  readonly maxAgeHours: number;
}

/** A shell command on managed instances over SSM Run Command; healthy on exit 0. */
export interface CommandMonitor extends ResolvedMonitorBase {
  readonly kind: 'command';
  readonly targets:
    | { readonly instances: readonly string[] }
    | { readonly tags: Readonly<Record<string, string>> };
  /** The script; absent for a monitor that only watches `disk`. */
  readonly command?: string;
  readonly workingDirectory?: string;
  readonly timeoutSeconds: number;
  readonly assertions: readonly Assertion[];
  /** Disk space of a path on each target, checked in the same Run Command. */
  readonly disk?: DiskRules;
}

/** Every monitor kind, resolved. */
export type Monitor = HttpMonitor | QueueMonitor | BackupMonitor | CommandMonitor;

/** Backups are made daily: checking one every minute buys nothing, so backup monitors default to hourly. */
export const DEFAULT_BACKUP_SCHEDULE = 'rate(1 hour)';
export const DEFAULT_BACKUP_MAX_AGE_HOURS = 24;
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 60;
export const DEFAULT_WARNING_SEVERITY: Severity = 'P3';

type Defaults = NonNullable<VigilConfigInput['defaults']>;

/** What a service sets for the monitors that set none (`services.<service>`). */
export interface ServiceMonitorDefaults {
  readonly tier?: Tier | undefined;
  readonly invocation?: Invocation | undefined;
}

/**
 * Applies defaults to one validated monitor. Pure; `defaults` come from the config's `defaults`,
 * `service` from `services.<service>`.
 */
export function resolveMonitor(
  m: MonitorInput,
  defaults: Defaults = {},
  service: ServiceMonitorDefaults = {},
): Monitor {
  const severity = m.severity ?? defaults.severity ?? DEFAULT_SEVERITY;
  const base: ResolvedMonitorBase = {
    name: m.name,
    service: m.service ?? m.name,
    ...(m.description !== undefined && { description: m.description }),
    severity,
    schedule: m.schedule ?? defaults.schedule ?? DEFAULT_SCHEDULE,
    // monitor.alarm > defaults.alarm > the kind's default; a fast monitor skips defaults.alarm below.
    alarm: resolveAlarm(defaultAlarmFor(m), defaults.alarm, m.alarm),
    ...(m.runbook !== undefined && { runbook: m.runbook }),
    enabled: m.enabled ?? true,
    repeatHours: m.repeatHours ?? DEFAULT_REPEAT_HOURS[severity],
    tier: m.tier ?? service.tier ?? defaults.tier ?? DEFAULT_TIER,
    invocation: m.invocation ?? service.invocation ?? defaults.invocation ?? DEFAULT_INVOCATION,
  };
  switch (m.kind) {
    case 'http': {
      const fast = m.fast ?? false;
      return {
        ...base,
        ...(fast && {
          schedule: m.schedule ?? FAST_SCHEDULE,
          alarm: resolveAlarm(defaultAlarmFor(m), m.alarm),
        }),
        kind: 'http',
        url: m.url,
        method: m.method ?? 'GET',
        headers: m.headers ?? {},
        ...(m.body !== undefined && { body: m.body }),
        timeoutMs:
          m.timeoutMs ?? (fast ? FAST_DEFAULT_TIMEOUT_MS : (defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS)),
        maxRedirects: m.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
        maxBodyBytes: m.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        retryNetworkErrors: m.retryNetworkErrors ?? true,
        expectStatus: m.expectStatus ?? [],
        ...(m.maxLatencyMs !== undefined && { maxLatencyMs: m.maxLatencyMs }),
        assertions: m.assertions ?? [],
        componentMetrics: m.componentMetrics ?? false,
        fast,
        confirm: resolveConfirm(m.confirm, fast),
        ...(m.query !== undefined && { query: m.query }),
        ...(m.healthStatus === false && { healthStatus: false as const }),
        ...(m.certificate !== false &&
          m.url.startsWith('https:') && {
            certificate: {
              warnDays: m.certificate?.warnDays ?? DEFAULT_CERT_WARN_DAYS,
              minDays: m.certificate?.minDays ?? DEFAULT_CERT_MIN_DAYS,
              warningAlarm: m.certificate?.warningAlarm ?? false,
              warningSeverity: m.certificate?.warningSeverity ?? DEFAULT_WARNING_SEVERITY,
            },
          }),
      };
    }
    case 'queue':
      return resolveQueue(m, base, defaults);
    case 'backup':
      return resolveBackup(m, base, defaults);
    case 'command':
      return {
        ...base,
        kind: 'command',
        targets: m.instances ? { instances: m.instances } : { tags: m.tags ?? {} },
        ...(m.command !== undefined && { command: m.command }),
        ...(m.workingDirectory !== undefined && { workingDirectory: m.workingDirectory }),
        timeoutSeconds: m.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS,
        assertions: m.assertions ?? [],
        ...(m.disk !== undefined && { disk: resolveDisk(m.disk) }),
      };
  }
}

/**
 * `confirm` with its default: on, 5 s after the first probe started, for a standard HTTP monitor; off
 * for a fast one (the config refuses `confirm` with `fast`; its next probe 10 s later confirms).
 */
export function resolveConfirm(confirm: HttpMonitorParsed['confirm'], fast: boolean): HttpMonitor['confirm'] {
  if (fast || confirm === false) return false;
  return { afterMs: (confirm === true ? undefined : confirm?.afterMs) ?? DEFAULT_CONFIRM_AFTER_MS };
}

/** The disk aspect with its defaults. */
export function resolveDisk(d: DiskInput): DiskRules {
  return {
    path: d.path,
    maxUsedPercent: d.maxUsedPercent ?? DEFAULT_DISK_MAX_USED_PERCENT,
    ...(d.warnUsedPercent !== undefined && { warnUsedPercent: d.warnUsedPercent }),
    warningSeverity: d.warningSeverity ?? DEFAULT_WARNING_SEVERITY,
    ...(d.maxInodesUsedPercent !== undefined && { maxInodesUsedPercent: d.maxInodesUsedPercent }),
  };
}

type EndpointInput = {
  url: string;
  headers?: Record<string, string | SecretRef>;
  query?: Record<string, string | SecretRef>;
  timeoutMs?: number;
};
function resolveEndpoint(e: EndpointInput, defaults: Defaults): JsonEndpoint {
  return {
    url: e.url,
    headers: e.headers ?? {},
    ...(e.query !== undefined && { query: e.query }),
    timeoutMs: e.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

function resolveQueue(m: QueueMonitorInput, base: ResolvedMonitorBase, defaults: Defaults): QueueMonitor {
  const source: QueueMonitor['source'] = m.sqs
    ? {
        kind: 'sqs',
        queue: m.sqs.queue,
        ...(m.sqs.deadLetterQueue !== undefined && { deadLetterQueue: m.sqs.deadLetterQueue }),
      }
    : {
        kind: 'endpoint',
        // The schema guarantees exactly one source.
        ...resolveEndpoint(m.endpoint as EndpointInput, defaults),
        depthPath: m.endpoint?.depthPath ?? '',
        ...(m.endpoint?.oldestAgePath !== undefined && { oldestAgePath: m.endpoint.oldestAgePath }),
      };
  return {
    ...base,
    kind: 'queue',
    source,
    ...(m.maxDepth !== undefined && { maxDepth: m.maxDepth }),
    ...(m.warnDepth !== undefined && { warnDepth: m.warnDepth }),
    warningSeverity: m.warningSeverity ?? DEFAULT_WARNING_SEVERITY,
    ...(m.maxOldestMessageAgeSeconds !== undefined && {
      maxOldestMessageAgeSeconds: m.maxOldestMessageAgeSeconds,
    }),
    ...(m.stalled !== undefined && { stalled: m.stalled }),
  };
}

type FileRulesInput = {
  pattern?: string;
  minSizeBytes?: number;
  minCount?: number;
  maxSizeDropPercent?: number;
  verifyGzip?: boolean;
};
function resolveFileRules(r: FileRulesInput): BackupFileRules {
  return {
    ...(r.pattern !== undefined && { pattern: r.pattern }),
    minSizeBytes: r.minSizeBytes ?? 1,
    ...(r.minCount !== undefined && { minCount: r.minCount }),
    ...(r.maxSizeDropPercent !== undefined && { maxSizeDropPercent: r.maxSizeDropPercent }),
    verifyGzip: r.verifyGzip ?? true,
  };
}

function resolveBackup(m: BackupMonitorInput, base: ResolvedMonitorBase, defaults: Defaults): BackupMonitor {
  let source: BackupSource;
  if (m.s3)
    source = { kind: 's3', bucket: m.s3.bucket, prefix: m.s3.prefix ?? '', ...resolveFileRules(m.s3) };
  else if (m.rds) {
    source = {
      kind: 'rds',
      ...(m.rds.instance !== undefined && { instance: m.rds.instance }),
      ...(m.rds.cluster !== undefined && { cluster: m.rds.cluster }),
    };
  } else if (m.awsBackup)
    source = { kind: 'awsBackup', vault: m.awsBackup.vault, resourceArn: m.awsBackup.resourceArn };
  else if (m.host) {
    source = {
      kind: 'host',
      instance: m.host.instance,
      directory: m.host.directory,
      ...resolveFileRules(m.host),
    };
  } else {
    const e = m.endpoint as EndpointInput & { timestampPath: string };
    source = { kind: 'endpoint', ...resolveEndpoint(e, defaults), timestampPath: e.timestampPath };
  }
  return {
    ...base,
    schedule: m.schedule ?? DEFAULT_BACKUP_SCHEDULE,
    kind: 'backup',
    source,
    maxAgeHours: m.maxAgeHours ?? DEFAULT_BACKUP_MAX_AGE_HOURS,
  };
}
