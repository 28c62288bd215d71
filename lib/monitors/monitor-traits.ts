/**
 * What the infrastructure needs to know about each monitor kind, in one place: how long one check
 * may take, which secrets and AWS clients it uses, and how to name its target in a page. Each
 * function switches exhaustively on `kind`, so a new kind fails to compile here until it says what
 * it needs, and nowhere else in the constructs.
 */
import type { AwsClients } from '../../lambdas/shared/aws.ts';
import type { Monitor, SecretRef } from '../config/index.ts';
import { FAST_PROBE_SEND_DEADLINE_MS } from '../config/monitor-schema.ts';

/** Budget for one AWS read (SQS attributes, RDS snapshots, Backup recovery points). */
export const AWS_READ_DEADLINE_MS = 10_000;
/** Budget for an S3 backup listing: pagination of a large prefix plus two ranged reads per candidate. */
export const S3_BACKUP_DEADLINE_MS = 30_000;
/** Budget for a Run Command listing of a backup directory: delivery, run and polling. */
export const HOST_LISTING_DEADLINE_MS = 60_000;
/** Added to a command's own timeout for Run Command delivery and polling. */
export const RUN_COMMAND_OVERHEAD_MS = 15_000;

/**
 * The longest one check of `monitor` may run, in ms (the whole check, retries included); for a fast
 * monitor, one probe.
 */
export function checkDeadlineMs(monitor: Monitor): number {
  switch (monitor.kind) {
    case 'http':
      return monitor.timeoutMs;
    case 'queue':
      return monitor.source.kind === 'endpoint' ? monitor.source.timeoutMs : AWS_READ_DEADLINE_MS;
    case 'backup':
      switch (monitor.source.kind) {
        case 'endpoint':
          return monitor.source.timeoutMs;
        case 's3':
          return S3_BACKUP_DEADLINE_MS;
        case 'host':
          return HOST_LISTING_DEADLINE_MS;
        case 'rds':
        case 'awsBackup':
          return AWS_READ_DEADLINE_MS;
      }
      break;
    case 'command':
      return monitor.timeoutSeconds * 1000 + RUN_COMMAND_OVERHEAD_MS;
  }
}

/** True for a monitor in fast mode (HTTP only): probes every 10 s, high-resolution alarm. */
export function isFast(monitor: Monitor): boolean {
  return monitor.kind === 'http' && monitor.fast;
}

/**
 * The longest one invocation of the canary for `monitor` may run, in ms: one check and, if the
 * monitor confirms, its confirmation probe; for a fast monitor one probe plus the send of the
 * minute's later slots (the scheduled invocation, which sends beside the probe) or the wait for a
 * queued slot's start (an SQS one), whichever is longer:
 * no invocation waits for the next slot any more (docs/adr/0006-fast-mode.md).
 */
export function invocationDeadlineMs(monitor: Monitor): number {
  return isFast(monitor)
    ? checkDeadlineMs(monitor) + FAST_PROBE_SEND_DEADLINE_MS
    : confirmedCheckDeadlineMs(monitor);
}

/**
 * The longest a standard check may run with its confirmation probe (lambdas/canary/confirm.ts): the
 * second probe starts `afterMs` after the first started, or when the first timed out, whichever is
 * later, and takes at most `timeoutMs` itself. One check for a monitor that does not confirm.
 */
function confirmedCheckDeadlineMs(monitor: Monitor): number {
  const one = checkDeadlineMs(monitor);
  if (monitor.kind !== 'http' || monitor.confirm === false) return one;
  return Math.max(monitor.confirm.afterMs, one) + one;
}

function headerSecrets(headers: Readonly<Record<string, string | SecretRef>>): SecretRef[] {
  return Object.values(headers).filter((v): v is SecretRef => typeof v !== 'string');
}

/** The secrets the canary reads at run time to run `monitor`'s check: its headers' and its query's. */
export function secretRefsOf(monitor: Monitor): SecretRef[] {
  switch (monitor.kind) {
    case 'http':
      return [...headerSecrets(monitor.headers), ...headerSecrets(monitor.query ?? {})];
    case 'queue':
    case 'backup':
      return monitor.source.kind === 'endpoint'
        ? [...headerSecrets(monitor.source.headers), ...headerSecrets(monitor.source.query ?? {})]
        : [];
    case 'command':
      return [];
  }
}

/**
 * The AWS clients `monitor`'s check uses, its header secrets' included: `vigil check` loads their
 * SDKs before it starts timing checks.
 */
export function awsClientsOf(monitor: Monitor): (keyof AwsClients)[] {
  const secrets = secretRefsOf(monitor).map((ref) => ('ssmParameter' in ref ? 'ssm' : 'secretsManager'));
  switch (monitor.kind) {
    case 'http':
      return secrets;
    case 'queue':
      return monitor.source.kind === 'sqs' ? ['sqs'] : secrets;
    case 'backup':
      switch (monitor.source.kind) {
        case 's3':
          return ['s3'];
        case 'rds':
          return ['rds'];
        case 'awsBackup':
          return ['backup'];
        case 'host':
          return ['ssm'];
        case 'endpoint':
          return secrets;
      }
      break;
    case 'command':
      return ['ssm'];
  }
}

/** One line naming what the monitor checks, for alarm descriptions: "GET https://api.example.com/health". */
export function targetSummary(monitor: Monitor): string {
  switch (monitor.kind) {
    case 'http':
      return `${monitor.method} ${monitor.url}`;
    case 'queue':
      return monitor.source.kind === 'sqs'
        ? `SQS queue ${monitor.source.queue}`
        : `queue depth at ${monitor.source.depthPath} in GET ${monitor.source.url}`;
    case 'backup': {
      const s = monitor.source;
      switch (s.kind) {
        case 's3':
          return `newest backup in s3://${s.bucket}/${s.prefix}`;
        case 'rds':
          return s.instance
            ? `newest RDS snapshot of instance ${s.instance}`
            : `newest RDS snapshot of cluster ${s.cluster}`;
        case 'awsBackup':
          return `newest AWS Backup recovery point of ${s.resourceArn} in vault ${s.vault}`;
        case 'host':
          return `newest backup in ${s.instance}:${s.directory}`;
        case 'endpoint':
          return `newest backup time at ${s.timestampPath} in GET ${s.url}`;
      }
      break;
    }
    case 'command': {
      const on =
        'instances' in monitor.targets
          ? monitor.targets.instances.join(', ')
          : Object.entries(monitor.targets.tags)
              .map(([k, v]) => `tag ${k}=${v}`)
              .join(', ');
      const disk = monitor.disk
        ? `disk ${monitor.disk.path} under ${monitor.disk.maxUsedPercent}%`
        : undefined;
      if (monitor.command === undefined) return `${disk} on ${on}`;
      return `\`${monitor.command}\`${disk ? ` and ${disk}` : ''} on ${on}`;
    }
  }
}
