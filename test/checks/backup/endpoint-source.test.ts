import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkEndpointBackup,
  parseBackupTime,
} from '../../../lambdas/canary/checks/backup/endpoint-source.ts';
import type { CheckDeps } from '../../../lambdas/canary/checks/index.ts';
import type { CheckFailure, CheckResult, CheckSuccess } from '../../../lambdas/canary/checks/result.ts';
import type { AwsClients } from '../../../lambdas/shared/aws.ts';
import { type BackupMonitor, type BackupSource, resolveMonitor } from '../../../lib/config/resolve.ts';
import { type BackupMonitorInput, backupMonitorSchema } from '../../../lib/config/schema.ts';
import { json, type RouteServer, startRouteServer } from '../../support/route-server.ts';

const HOUR = 3_600_000;
/** The canary's clock in every test: 2026-11-24 02:00 UTC, the night after the 01:00 dump. */
const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);

let srv: RouteServer;

beforeAll(async () => {
  const latest = (createdAt: unknown) =>
    json({ database: 'madef', latest_backup: { created_at: createdAt } });
  srv = await startRouteServer({
    '/fresh': latest(new Date(NOW - 2 * HOUR).toISOString()),
    '/stale': latest('2026-11-23T01:00:00Z'),
    '/epoch-seconds': latest((NOW - 3 * HOUR) / 1000),
    '/epoch-milliseconds': latest(NOW - 3 * HOUR),
    '/epoch-string': latest(String((NOW - 3 * HOUR) / 1000)),
    '/offset': latest('2026-11-24T01:30:00+02:00'),
    '/none': json({ database: 'madef', latest_backup: null }),
    '/empty-list': json({ backups: [] }),
    '/null-time': latest(null),
    '/garbage': latest('yesterday'),
    '/future': latest('2026-11-24T05:00:00Z'),
    '/down': json({ error: 'maintenance' }, 503),
    '/private': (req, res) => {
      const ok = req.headers.authorization === 'Bearer pscale_tkn_123';
      json(
        ok ? { data: [{ created_at: '2026-11-24T01:00:00Z' }] } : { error: 'unauthorized' },
        ok ? 200 : 401,
      )(req, res);
    },
  });
});

afterAll(async () => {
  await srv?.close();
});

const noAws: AwsClients = {
  sqs: () => Promise.reject(new Error('unused')),
  s3: () => Promise.reject(new Error('unused')),
  rds: () => Promise.reject(new Error('unused')),
  backup: () => Promise.reject(new Error('unused')),
  ssm: () => Promise.reject(new Error('unused')),
  secretsManager: () => Promise.reject(new Error('unused')),
  cloudwatch: () => Promise.reject(new Error('unused')),
  logs: () => Promise.reject(new Error('unused')),
  sns: () => Promise.reject(new Error('unused')),
};

function deps(overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    resolveSecret: () => Promise.reject(new Error('this test uses no secrets')),
    aws: noAws,
    now: () => NOW,
    ...overrides,
  };
}

type EndpointBackup = Extract<BackupSource, { kind: 'endpoint' }>;

/** A resolved backup monitor from the real schema, and its endpoint source. */
function monitor(
  path: string,
  timestampPath = 'latest_backup.created_at',
  extra: Partial<BackupMonitorInput> = {},
  endpoint: Record<string, unknown> = {},
): [BackupMonitor, EndpointBackup] {
  const m = resolveMonitor(
    backupMonitorSchema.parse({
      name: 'madef-db-backup',
      kind: 'backup',
      endpoint: { url: srv.url(path), timestampPath, ...endpoint },
      ...extra,
    }),
  ) as BackupMonitor;
  if (m.source.kind !== 'endpoint') throw new Error('expected an endpoint source');
  return [m, m.source];
}

async function check(path: string, timestampPath?: string, extra?: Partial<BackupMonitorInput>) {
  const [m, source] = monitor(path, timestampPath, extra);
  return checkEndpointBackup(m, source, deps());
}

function failure(result: CheckResult): CheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

function success(result: CheckResult): CheckSuccess {
  if (!result.ok) throw new Error(`expected a pass, got ${result.reason}: ${result.detail}`);
  return result;
}

describe('checkEndpointBackup (a real server on 127.0.0.1)', () => {
  it('passes a backup 2 h old under the default 24 h limit and measures its age', async () => {
    const result = success(await check('/fresh'));
    expect(result).toMatchObject({
      monitor: 'madef-db-backup',
      kind: 'backup',
      statusCode: 200,
      attempts: 1,
    });
    expect(result.measurements).toEqual({ BackupAgeSeconds: 7200 });
    expect(result.detail).toBe('newest backup 2.0 h old, within the 24 h limit (2026-11-24T00:00:00Z)');
  });

  it('fails a backup 25 h old as backup_too_old, with its age, the limit and its time', async () => {
    const f = failure(await check('/stale'));
    expect(f.reason).toBe('backup_too_old');
    expect(f.detail).toBe('newest backup 25.0 h old, over the 24 h limit (2026-11-23T01:00:00Z)');
    expect(f.measurements).toEqual({ BackupAgeSeconds: 90_000 });
  });

  it('passes the same 25 h old backup under a 48 h limit', async () => {
    const result = success(await check('/stale', undefined, { maxAgeHours: 48 }));
    expect(result.detail).toBe('newest backup 25.0 h old, within the 48 h limit (2026-11-23T01:00:00Z)');
  });

  it('reads epoch seconds, epoch milliseconds and a digit string as the same instant', async () => {
    for (const path of ['/epoch-seconds', '/epoch-milliseconds', '/epoch-string']) {
      const result = success(await check(path));
      expect(result.measurements, path).toEqual({ BackupAgeSeconds: 10_800 });
      expect(result.detail, path).toBe(
        'newest backup 3.0 h old, within the 24 h limit (2026-11-23T23:00:00Z)',
      );
    }
  });

  it('honours a zone offset in an ISO time', async () => {
    const result = success(await check('/offset'));
    expect(result.measurements).toEqual({ BackupAgeSeconds: 9000 });
    expect(result.detail).toBe('newest backup 2.5 h old, within the 24 h limit (2026-11-23T23:30:00Z)');
  });

  it('fails as backup_missing when the API reports no backup (null)', async () => {
    const f = failure(await check('/none'));
    expect(f.reason).toBe('backup_missing');
    expect(f.detail).toBe('no backup reported: latest_backup is null');
    expect(f.measurements).toBeUndefined();

    const nullTime = failure(await check('/null-time'));
    expect(nullTime.reason).toBe('backup_missing');
    expect(nullTime.detail).toBe('no backup reported: latest_backup.created_at is null');
  });

  it('fails as backup_missing when the list of backups is empty', async () => {
    const f = failure(await check('/empty-list', 'backups[0].created_at'));
    expect(f.reason).toBe('backup_missing');
    expect(f.detail).toBe('no backup reported: backups has no item [0] (it is empty)');
  });

  it('fails a time it cannot read as bad_json, naming the path and the value', async () => {
    const f = failure(await check('/garbage'));
    expect(f.reason).toBe('bad_json');
    expect(f.detail).toBe(
      'timestampPath latest_backup.created_at is the string "yesterday", not an ISO 8601 time or an epoch number',
    );
  });

  it('fails a backup dated hours in the future as backup_too_old: a wrong zone must not hide a stale backup', async () => {
    const f = failure(await check('/future'));
    expect(f.reason).toBe('backup_too_old');
    expect(f.detail).toBe(
      'newest backup is dated 3.0 h in the future (2026-11-24T05:00:00Z); is latest_backup.created_at in UTC?',
    );
    expect(f.measurements).toBeUndefined();
  });

  it('fails a 503 as http_status, through the HTTP engine', async () => {
    const f = failure(await check('/down'));
    expect(f).toMatchObject({ reason: 'http_status', statusCode: 503, kind: 'backup' });
    expect(f.detail).toBe('HTTP 503 Service Unavailable, expected 2xx');
  });

  it("sends the provider's token from Secrets Manager, resolved by the engine", async () => {
    const [m, source] = monitor(
      '/private',
      'data[0].created_at',
      {},
      { headers: { authorization: { secretsManager: 'vigil/planetscale-token', prefix: 'Bearer ' } } },
    );
    const result = success(
      await checkEndpointBackup(m, source, deps({ resolveSecret: async () => 'pscale_tkn_123\n' })),
    );
    expect(result.measurements).toEqual({ BackupAgeSeconds: 3600 });
    expect(srv.requests.at(-1)?.headers.authorization).toBe('Bearer pscale_tkn_123');
  });
});

describe('parseBackupTime', () => {
  const at = Date.UTC(2026, 10, 24, 1, 0, 0);

  it('tells epoch seconds from milliseconds at 1e11', () => {
    expect(parseBackupTime(at / 1000)).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime(at)).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime(1e11 - 1)).toEqual({ ok: true, epochMs: (1e11 - 1) * 1000 });
    expect(parseBackupTime(1e11)).toEqual({ ok: true, epochMs: 1e11 });
    expect(parseBackupTime(1_732_410_000.5)).toEqual({ ok: true, epochMs: 1_732_410_000_500 });
  });

  it('refuses micro- and nanoseconds, zero and negatives rather than guessing', () => {
    expect(parseBackupTime(at * 1000)).toEqual({
      ok: false,
      problem: `number ${at * 1000}, too large for epoch seconds or milliseconds (microseconds?)`,
    });
    expect(parseBackupTime(0)).toEqual({ ok: false, problem: 'number 0, not a time after 1970' });
    expect(parseBackupTime(-5)).toEqual({ ok: false, problem: 'number -5, not a time after 1970' });
  });

  it('reads ISO 8601 with Z, offsets with and without a colon, and no zone as UTC', () => {
    expect(parseBackupTime('2026-11-24T01:00:00Z')).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime('2026-11-24T01:00:00.000Z')).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime('2026-11-24T03:00:00+02:00')).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime('2026-11-24T03:00:00+0200')).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime('2026-11-24 01:00:00')).toEqual({ ok: true, epochMs: at });
    expect(parseBackupTime('2026-11-24T01:00')).toEqual({ ok: true, epochMs: at });
  });

  it('refuses a bare date, words, booleans and objects', () => {
    expect(parseBackupTime('2026-11-24')).toEqual({
      ok: false,
      problem: 'the string "2026-11-24", not an ISO 8601 time or an epoch number',
    });
    expect(parseBackupTime('2026-13-45T99:00:00Z').ok).toBe(false);
    expect(parseBackupTime(true)).toEqual({ ok: false, problem: 'boolean true, not a time' });
    expect(parseBackupTime({ seconds: 1 })).toEqual({
      ok: false,
      problem: 'an object with keys seconds, not a time',
    });
  });
});
