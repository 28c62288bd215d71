import * as backupSdk from '@aws-sdk/client-backup';
import {
  BackupClient,
  ListRecoveryPointsByBackupVaultCommand,
  type RecoveryPointByBackupVault,
  ResourceNotFoundException,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsBackupSource,
  checkAwsBackup,
} from '../../../lambdas/canary/checks/backup/aws-backup-source.ts';
import type { CheckDeps } from '../../../lambdas/canary/checks/index.ts';
import { type BackupMonitor, resolveMonitor } from '../../../lib/config/resolve.ts';
import { backupMonitorSchema } from '../../../lib/config/schema.ts';
import { TEST_CLIENT_CONFIG, testAwsClients } from '../../support/aws-clients.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 6, 0, 0);
const hoursAgo = (h: number) => new Date(NOW - h * HOUR);
const DB_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:nutri-db';
const VAULT = 'nutri-vault';

const client = new BackupClient(TEST_CLIENT_CONFIG);
const backup = mockClient(client);

const deps: CheckDeps = {
  resolveSecret: () => Promise.reject(new Error('no secrets here')),
  now: () => NOW,
  aws: testAwsClients({ backup: { sdk: backupSdk, client } }),
};

function monitor(maxAgeHours?: number): BackupMonitor {
  return resolveMonitor(
    backupMonitorSchema.parse({
      kind: 'backup',
      name: 'nutri-db-backup',
      awsBackup: { vault: VAULT, resourceArn: DB_ARN },
      maxAgeHours,
    }),
  ) as BackupMonitor;
}

async function check(m: BackupMonitor = monitor()) {
  return checkAwsBackup(m, m.source as AwsBackupSource, deps);
}

let n = 0;
/** A recovery point that started `startedHoursAgo` and took `tookHours`. */
function point(
  status: RecoveryPointByBackupVault['Status'],
  startedHoursAgo: number,
  tookHours = 0.5,
  extra: Partial<RecoveryPointByBackupVault> = {},
): RecoveryPointByBackupVault {
  n += 1;
  return {
    RecoveryPointArn: `arn:aws:backup:eu-west-1:123456789012:recovery-point:rp-${n}`,
    BackupVaultName: VAULT,
    ResourceArn: DB_ARN,
    ResourceType: 'RDS',
    Status: status,
    CreationDate: hoursAgo(startedHoursAgo),
    CompletionDate: hoursAgo(startedHoursAgo - tookHours),
    BackupSizeInBytes: 2_000_000_000 + n,
    ...extra,
  };
}

beforeEach(() => {
  backup.reset();
  n = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('checkAwsBackup', () => {
  it('lists the vault by resource ARN and passes on the newest COMPLETED point, aged by CompletionDate', async () => {
    const newest = point('COMPLETED', 22, 2); // completed 20 h ago
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [point('COMPLETED', 46, 2), newest, point('CREATING', 0.5)],
    });
    const result = await check();
    expect(backup.calls()).toHaveLength(1);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0]?.args[0].input).toEqual({
      BackupVaultName: VAULT,
      ByResourceArn: DB_ARN,
    });
    expect(result).toEqual({
      monitor: 'nutri-db-backup',
      kind: 'backup',
      checkedAt: new Date(NOW).toISOString(),
      durationMs: 0,
      attempts: 1,
      ok: true,
      detail:
        `newest recovery point of ${DB_ARN} in vault ${VAULT}, ${newest.RecoveryPointArn} is 20.0 h old ` +
        '(max 24.0 h); 2 completed recovery points (1 CREATING)',
      measurements: {
        BackupCount: 2,
        BackupAgeSeconds: 20 * 3600,
        BackupSizeBytes: newest.BackupSizeInBytes,
      },
    });
  });

  it('ignores PARTIAL, EXPIRED, DELETING, STOPPED and CREATING points, however new', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        point('COMPLETED', 30),
        point('PARTIAL', 6),
        point('EXPIRED', 5),
        point('DELETING', 4),
        point('STOPPED', 3),
        point('CREATING', 1),
      ],
    });
    const result = await check();
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_too_old',
      detail: expect.stringMatching(
        /rp-1 is 29\.5 h old \(max 24\.0 h\); 1 completed recovery point \(1 PARTIAL, 1 EXPIRED, 1 DELETING, 1 STOPPED, 1 CREATING\)$/,
      ),
      measurements: { BackupCount: 1, BackupAgeSeconds: 29.5 * 3600 },
    });
  });

  it('counts AVAILABLE (documented as successfully created) like COMPLETED', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [point('AVAILABLE', 3)],
    });
    expect(await check()).toMatchObject({ ok: true, measurements: { BackupCount: 1 } });
  });

  it('falls back to CreationDate when a point has no CompletionDate', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [point('COMPLETED', 25, 0, { CompletionDate: undefined })],
    });
    expect(await check()).toMatchObject({
      ok: false,
      reason: 'backup_too_old',
      measurements: { BackupAgeSeconds: 25 * 3600 },
    });
  });

  it('fails backup_too_old at 25 h and passes at 23 h (injected clock, the monitor RPO)', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolves({ RecoveryPoints: [point('COMPLETED', 25, 0)] });
    expect(await check()).toMatchObject({ ok: false, reason: 'backup_too_old' });
    expect(await check(monitor(26))).toMatchObject({ ok: true });
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolves({ RecoveryPoints: [point('COMPLETED', 23, 0)] });
    expect(await check()).toMatchObject({ ok: true });
  });

  it('follows NextToken to the last page', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolvesOnce({ RecoveryPoints: [point('COMPLETED', 70)], NextToken: 't2' })
      .resolvesOnce({ RecoveryPoints: [point('COMPLETED', 46)], NextToken: 't3' })
      .resolvesOnce({ RecoveryPoints: [point('COMPLETED', 22)] });
    const result = await check();
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((c) => c.args[0].input)).toEqual([
      { BackupVaultName: VAULT, ByResourceArn: DB_ARN },
      { BackupVaultName: VAULT, ByResourceArn: DB_ARN, NextToken: 't2' },
      { BackupVaultName: VAULT, ByResourceArn: DB_ARN, NextToken: 't3' },
    ]);
    expect(result).toMatchObject({
      ok: true,
      detail: expect.stringContaining('rp-3 is 21.5 h old'),
      measurements: { BackupCount: 3 },
    });
  });

  it('reports backup_missing when the resource has no recovery point, or none completed', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    expect(await check()).toMatchObject({
      ok: false,
      reason: 'backup_missing',
      detail: `no recovery point of ${DB_ARN} in vault ${VAULT} at all`,
      measurements: { BackupCount: 0 },
    });
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolves({ RecoveryPoints: [point('PARTIAL', 10), point('PARTIAL', 34)] });
    expect(await check()).toMatchObject({
      ok: false,
      reason: 'backup_missing',
      detail: `no completed recovery point of ${DB_ARN} in vault ${VAULT} (2 PARTIAL)`,
    });
  });

  it('reports not_found naming the vault when it does not exist', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(
      new ResourceNotFoundException({
        message: 'Backup vault with name nutri-vault does not exist',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    expect(await check()).toMatchObject({
      ok: false,
      reason: 'not_found',
      detail:
        'backup vault nutri-vault does not exist (ResourceNotFoundException: Backup vault with name nutri-vault does not exist)',
    });
  });

  it('maps AccessDeniedException to access_denied', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(
      Object.assign(new Error('not authorized to perform: backup:ListRecoveryPointsByBackupVault'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    expect(await check()).toMatchObject({
      ok: false,
      reason: 'access_denied',
      detail: expect.stringMatching(
        /^access denied reading recovery points of arn:aws:rds:.* in backup vault nutri-vault/,
      ),
    });
  });

  it('returns timeout at the 10 s deadline even when AWS Backup never answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake(() => new Promise(() => {}));
    const pending = check();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toMatchObject({ ok: false, reason: 'timeout' });
  });
});
