/**
 * runBackupCheck never throws: a source that throws anyway (a bug) becomes an aws_error result with
 * the message. The host source is replaced by one that throws, the only way to reach that path.
 */
import { describe, expect, it, vi } from 'vitest';
import { runBackupCheck } from '../../../lambdas/canary/checks/backup/index.ts';
import { type BackupMonitor, resolveMonitor } from '../../../lib/config/resolve.ts';
import { backupMonitorSchema } from '../../../lib/config/schema.ts';
import { testAwsClients } from '../../support/aws-clients.ts';

vi.mock('../../../lambdas/canary/checks/backup/host-source.ts', () => ({
  checkHostBackup: () =>
    Promise.reject(new TypeError("Cannot read properties of undefined (reading 'size')")),
}));

const NOW = Date.UTC(2026, 10, 25, 1, 0, 0);
const deps = {
  resolveSecret: () => Promise.reject(new Error('no secrets here')),
  now: () => NOW,
  aws: testAwsClients({}),
};

describe('runBackupCheck', () => {
  it('turns a throwing source into an aws_error result carrying the message', async () => {
    const monitor = resolveMonitor(
      backupMonitorSchema.parse({
        kind: 'backup',
        name: 'madef-host-backups',
        host: { instance: 'i-0123456789abcdef0', directory: '/opt/madef/backups' },
      }),
    ) as BackupMonitor;
    await expect(runBackupCheck(monitor, deps)).resolves.toEqual({
      monitor: 'madef-host-backups',
      kind: 'backup',
      checkedAt: new Date(NOW).toISOString(),
      durationMs: 0,
      attempts: 1,
      ok: false,
      reason: 'aws_error',
      detail:
        "the host backup check failed unexpectedly: TypeError: Cannot read properties of undefined (reading 'size')",
    });
  });

  it('fails, naming it, a backup source this canary does not know', async () => {
    const monitor = {
      ...resolveMonitor(
        backupMonitorSchema.parse({ kind: 'backup', name: 'future', rds: { instance: 'db' } }),
      ),
      source: { kind: 'gcs', bucket: 'x' },
    } as unknown as BackupMonitor;
    await expect(runBackupCheck(monitor, deps)).resolves.toMatchObject({
      ok: false,
      reason: 'aws_error',
      detail: 'backup source "gcs" is not supported by this canary version',
    });
  });
});
