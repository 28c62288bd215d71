import * as rdsSdk from '@aws-sdk/client-rds';
import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  type DBSnapshot,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkRdsBackup, type RdsBackupSource } from '../../../lambdas/canary/checks/backup/rds-source.ts';
import type { CheckDeps } from '../../../lambdas/canary/checks/index.ts';
import { type BackupMonitor, resolveMonitor } from '../../../lib/config/resolve.ts';
import { backupMonitorSchema } from '../../../lib/config/schema.ts';
import { TEST_CLIENT_CONFIG, testAwsClients } from '../../support/aws-clients.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 1, 0, 0);
const hoursAgo = (h: number) => new Date(NOW - h * HOUR);

const client = new RDSClient(TEST_CLIENT_CONFIG);
const rds = mockClient(client);

const deps: CheckDeps = {
  resolveSecret: () => Promise.reject(new Error('no secrets here')),
  now: () => NOW,
  aws: testAwsClients({ rds: { sdk: rdsSdk, client } }),
};

/** A resolved monitor, validated by the real schema so tests cannot build what config cannot. */
function monitor(rdsSource: { instance?: string; cluster?: string }, maxAgeHours?: number): BackupMonitor {
  return resolveMonitor(
    backupMonitorSchema.parse({ kind: 'backup', name: 'madef-db-snapshots', rds: rdsSource, maxAgeHours }),
  ) as BackupMonitor;
}

async function check(m: BackupMonitor) {
  return checkRdsBackup(m, m.source as RdsBackupSource, deps);
}

function snapshot(id: string, hours: number, extra: Partial<DBSnapshot> = {}): DBSnapshot {
  return {
    DBSnapshotIdentifier: id,
    DBInstanceIdentifier: 'madef-db',
    SnapshotCreateTime: hoursAgo(hours),
    Status: 'available',
    SnapshotType: 'automated',
    AllocatedStorage: 100,
    ...extra,
  };
}

beforeEach(() => {
  rds.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('checkRdsBackup: instance snapshots', () => {
  it('passes on the newest available snapshot, ignoring a newer one still creating', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        snapshot('rds:madef-db-2026-11-23-02-00', 47),
        snapshot('rds:madef-db-2026-11-24-02-00', 23, { FullSnapshotSizeInBytes: 5_368_709_120 }),
        snapshot('rds:madef-db-2026-11-25-00-55', 0.1, { Status: 'creating' }),
      ],
    });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(rds.calls()).toHaveLength(1);
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'madef-db',
    });
    expect(result).toEqual({
      monitor: 'madef-db-snapshots',
      kind: 'backup',
      checkedAt: new Date(NOW).toISOString(),
      durationMs: 0,
      attempts: 1,
      ok: true,
      detail:
        'newest snapshot of instance madef-db, rds:madef-db-2026-11-24-02-00 (automated) is 23.0 h old ' +
        '(max 24.0 h); 2 available snapshots (1 creating)',
      // FullSnapshotSizeInBytes, not AllocatedStorage (the provisioned volume, 100 GiB every day).
      measurements: { BackupCount: 2, BackupAgeSeconds: 23 * 3600, BackupSizeBytes: 5_368_709_120 },
    });
  });

  it('counts manual snapshots as well as automated ones, whichever is newer', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        snapshot('rds:madef-db-2026-11-23-02-00', 47),
        snapshot('before-migration', 2, { SnapshotType: 'manual' }),
      ],
    });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(result).toMatchObject({
      ok: true,
      detail: expect.stringContaining('before-migration (manual) is 2.0 h old'),
      measurements: { BackupCount: 2, BackupAgeSeconds: 2 * 3600 },
    });
    expect(result.measurements).not.toHaveProperty('BackupSizeBytes');
  });

  it('ages a copied snapshot by its original creation time, not the copy time', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        snapshot('copied-from-prod', 1, { SnapshotType: 'manual', OriginalSnapshotCreateTime: hoursAgo(30) }),
      ],
    });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(result).toMatchObject({ ok: false, reason: 'backup_too_old' });
    expect(result.measurements?.BackupAgeSeconds).toBe(30 * 3600);
  });

  it('follows Marker to the last page and picks the newest across pages', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'madef-db', Marker: undefined })
      .resolves({ DBSnapshots: [snapshot('old-1', 70), snapshot('old-2', 46)], Marker: 'page-2' })
      .on(DescribeDBSnapshotsCommand, { Marker: 'page-2' })
      .resolves({ DBSnapshots: [snapshot('newest', 22)], Marker: 'page-3' })
      .on(DescribeDBSnapshotsCommand, { Marker: 'page-3' })
      .resolves({ DBSnapshots: [snapshot('older', 94)] });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(rds.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'madef-db' },
      { DBInstanceIdentifier: 'madef-db', Marker: 'page-2' },
      { DBInstanceIdentifier: 'madef-db', Marker: 'page-3' },
    ]);
    expect(result).toMatchObject({
      ok: true,
      detail: expect.stringContaining('newest (automated) is 22.0 h old'),
      measurements: { BackupCount: 4, BackupAgeSeconds: 22 * 3600 },
    });
  });

  it('fails backup_too_old at 25 h and passes at 23 h against a 24 h RPO (injected clock)', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('rds:madef-db-daily', 25)] });
    const old = await check(monitor({ instance: 'madef-db' }));
    expect(old).toMatchObject({
      ok: false,
      reason: 'backup_too_old',
      detail:
        'newest snapshot of instance madef-db, rds:madef-db-daily (automated) is 25.0 h old (max 24.0 h); ' +
        '1 available snapshot',
      measurements: { BackupCount: 1, BackupAgeSeconds: 25 * 3600 },
    });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('rds:madef-db-daily', 23)] });
    expect(await check(monitor({ instance: 'madef-db' }))).toMatchObject({ ok: true });
    // maxAgeHours is the monitor's, not a constant: 25 h passes a 26 h RPO.
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('rds:madef-db-daily', 25)] });
    expect(await check(monitor({ instance: 'madef-db' }, 26))).toMatchObject({ ok: true });
  });

  it('reports backup_missing, naming what is in progress, when no snapshot is available', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [snapshot('rds:madef-db-first', 0.5, { Status: 'creating' })],
    });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_missing',
      detail: 'no available snapshot of instance madef-db (1 creating)',
      measurements: { BackupCount: 0 },
    });
    // Something was listed, so the instance exists: no existence probe.
    expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
  });

  it('reports backup_missing when an existing instance has no snapshot at all', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'madef-db' }] });
    const result = await check(monitor({ instance: 'madef-db' }));
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'madef-db',
    });
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_missing',
      detail: 'no snapshot of instance madef-db at all',
      measurements: { BackupCount: 0 },
    });
  });

  it('reports not_found when the instance does not exist (RDS lists nothing rather than failing)', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({});
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance madef-dbb not found.', $metadata: {} }));
    const result = await check(monitor({ instance: 'madef-dbb' }));
    expect(result).toMatchObject({
      ok: false,
      reason: 'not_found',
      detail: 'instance madef-dbb does not exist (DBInstanceNotFoundFault); no snapshot listed',
    });
  });

  it('keeps backup_missing when the existence probe is not allowed', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBInstancesCommand).rejects(
      Object.assign(new Error('not authorized to perform: rds:DescribeDBInstances'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    expect(await check(monitor({ instance: 'madef-db' }))).toMatchObject({
      ok: false,
      reason: 'backup_missing',
    });
  });

  it('maps a denied listing to access_denied and a throttle to aws_error', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(
      Object.assign(new Error('User: arn:aws:sts::1:assumed-role/canary is not authorized'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    expect(await check(monitor({ instance: 'madef-db' }))).toMatchObject({
      ok: false,
      reason: 'access_denied',
      detail:
        'access denied reading the snapshots of instance madef-db ' +
        '(AccessDenied: User: arn:aws:sts::1:assumed-role/canary is not authorized)',
    });
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {} }));
    expect(await check(monitor({ instance: 'madef-db' }))).toMatchObject({
      ok: false,
      reason: 'aws_error',
      detail: 'reading the snapshots of instance madef-db failed: Throttling: Rate exceeded',
    });
  });

  it('returns timeout at the 10 s deadline even when RDS never answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rds.on(DescribeDBSnapshotsCommand).callsFake(() => new Promise(() => {}));
    const pending = check(monitor({ instance: 'madef-db' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toMatchObject({
      ok: false,
      reason: 'timeout',
      detail: 'reading the snapshots of instance madef-db took longer than 10000 ms',
    });
  });
});

describe('checkRdsBackup: Aurora cluster snapshots', () => {
  it('sends DescribeDBClusterSnapshots for the cluster and judges its snapshots', async () => {
    rds
      .on(DescribeDBClusterSnapshotsCommand)
      .resolvesOnce({
        DBClusterSnapshots: [
          {
            DBClusterSnapshotIdentifier: 'rds:madef-aurora-2026-11-24',
            SnapshotCreateTime: hoursAgo(21),
            Status: 'available',
            SnapshotType: 'automated',
          },
        ],
        Marker: 'next',
      })
      .resolves({
        DBClusterSnapshots: [
          {
            DBClusterSnapshotIdentifier: 'copy-in-progress',
            SnapshotCreateTime: hoursAgo(1),
            Status: 'copying',
            SnapshotType: 'manual',
          },
        ],
      });
    const result = await check(monitor({ cluster: 'madef-aurora' }));
    expect(rds.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'madef-aurora' },
      { DBClusterIdentifier: 'madef-aurora', Marker: 'next' },
    ]);
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(0);
    expect(result).toMatchObject({
      ok: true,
      detail:
        'newest snapshot of cluster madef-aurora, rds:madef-aurora-2026-11-24 (automated) is 21.0 h old ' +
        '(max 24.0 h); 1 available snapshot (1 copying)',
      measurements: { BackupCount: 1, BackupAgeSeconds: 21 * 3600 },
    });
  });

  it('reports not_found for a cluster that does not exist', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds
      .on(DescribeDBClustersCommand)
      .rejects(new DBClusterNotFoundFault({ message: 'DBCluster madef-aurora not found.', $metadata: {} }));
    const result = await check(monitor({ cluster: 'madef-aurora' }));
    expect(rds.commandCalls(DescribeDBClustersCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'madef-aurora',
    });
    expect(result).toMatchObject({
      ok: false,
      reason: 'not_found',
      detail: 'cluster madef-aurora does not exist (DBClusterNotFoundFault); no snapshot listed',
    });
  });

  it('reports not_found when the listing itself says the cluster is unknown', async () => {
    rds
      .on(DescribeDBClusterSnapshotsCommand)
      .rejects(new DBClusterNotFoundFault({ message: 'DBCluster madef-aurora not found.', $metadata: {} }));
    expect(await check(monitor({ cluster: 'madef-aurora' }))).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
  });
});
