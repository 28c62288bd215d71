import { describe, expect, it } from 'vitest';
import {
  judgeRecoveryPoints,
  type RecoveryPointRules,
} from '../../../lambdas/canary/checks/backup/recovery-points.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 1, 0, 0);
const rules: RecoveryPointRules = {
  usable: new Set(['available']),
  usableLabel: 'available',
  maxAgeMs: 24 * HOUR,
  noun: 'snapshot',
  of: 'instance madef-db',
};

describe('judgeRecoveryPoints', () => {
  it('does not count a usable point without a time, and says so', () => {
    const verdict = judgeRecoveryPoints([{ id: 'mystery', status: 'available' }], rules, NOW);
    expect(verdict).toEqual({
      ok: false,
      reason: 'backup_missing',
      detail: 'no available snapshot of instance madef-db (1 available without a creation time)',
      measurements: { BackupCount: 0 },
    });
  });

  it('breaks a tie in time by id, so the same listing always names the same newest point', () => {
    const at = NOW - HOUR;
    const a = judgeRecoveryPoints(
      [
        { id: 'snap-a', status: 'available', takenAt: at },
        { id: 'snap-b', status: 'available', takenAt: at },
      ],
      rules,
      NOW,
    );
    const b = judgeRecoveryPoints(
      [
        { id: 'snap-b', status: 'available', takenAt: at },
        { id: 'snap-a', status: 'available', takenAt: at },
      ],
      rules,
      NOW,
    );
    expect(a.newest?.id).toBe('snap-b');
    expect(b.newest?.id).toBe('snap-b');
  });

  it('measures a point dated slightly ahead (clock skew) as 0 s old, not negative', () => {
    const verdict = judgeRecoveryPoints(
      [{ id: 'just-now', status: 'available', takenAt: NOW + 30_000, sizeBytes: 42 }],
      rules,
      NOW,
    );
    expect(verdict).toMatchObject({
      ok: true,
      measurements: { BackupCount: 1, BackupAgeSeconds: 0, BackupSizeBytes: 42 },
    });
  });

  it('passes exactly at the RPO and fails one second past it', () => {
    const at = (ms: number) =>
      judgeRecoveryPoints([{ id: 's', status: 'available', takenAt: NOW - ms }], rules, NOW);
    expect(at(24 * HOUR).ok).toBe(true);
    expect(at(24 * HOUR + 1000)).toMatchObject({ ok: false, reason: 'backup_too_old' });
  });
});
