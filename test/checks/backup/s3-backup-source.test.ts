import { gzipSync } from 'node:zlib';
import * as s3Sdk from '@aws-sdk/client-s3';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkS3Backup,
  type S3BackupSource,
} from '../../../lambdas/canary/checks/backup/s3-backup-source.ts';
import type { CheckDeps } from '../../../lambdas/canary/checks/index.ts';
import type { CheckResult } from '../../../lambdas/canary/checks/result.ts';
import { type BackupMonitor, resolveMonitor } from '../../../lib/config/resolve.ts';
import { type BackupMonitorInput, backupMonitorSchema } from '../../../lib/config/schema.ts';
import { TEST_CLIENT_CONFIG, testAwsClients } from '../../support/aws-clients.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The newest daily dump of runbook madef-home-care §3 (02:00 UTC). */
const NEWEST = Date.UTC(2026, 10, 24, 2, 0, 0);
const PATTERN = 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz';
const BUCKET = 'madef-backups';

let server: FauxqsServer;
let s3: S3Client;
const sizes = new Map<string, number>();

function nameAt(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

/** A real gzip'd pg_dump-like body, different each day. */
function dump(day: number): Buffer {
  const rows = Array.from({ length: 2000 }, (_, i) => `${i}\tpaciente ${i * 7919 + day}\n`);
  return gzipSync(Buffer.from(`COPY public."Paciente" FROM stdin;\n${rows.join('')}\\.\n-- dump complete\n`));
}

async function put(key: string, body: Uint8Array): Promise<void> {
  sizes.set(key, body.length);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

function monitor(s3Source: NonNullable<BackupMonitorInput['s3']>): BackupMonitor {
  return resolveMonitor(
    backupMonitorSchema.parse({ kind: 'backup', name: 'madef-s3-backups', s3: s3Source }),
  ) as BackupMonitor;
}

async function check(m: BackupMonitor, at: number): Promise<CheckResult> {
  const deps: CheckDeps = {
    resolveSecret: () => Promise.reject(new Error('no secrets here')),
    now: () => at,
    aws: testAwsClients({ s3: { sdk: s3Sdk, client: s3 } }),
  };
  return checkS3Backup(m, m.source as S3BackupSource, deps);
}

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  s3 = new S3Client({
    ...TEST_CLIENT_CONFIG,
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
  });
  server.createBucket(BUCKET);
  // Seven daily dumps (7 days kept), plus files that are not backups.
  for (let i = 0; i < 7; i++) await put(`madef/${nameAt(NEWEST - i * DAY)}`, dump(i));
  await put('madef/README.txt', Buffer.from('not a backup'));
  // A zero-byte dump newer than two good ones.
  await put(`zero/${nameAt(NEWEST - 2 * DAY)}`, dump(10));
  await put(`zero/${nameAt(NEWEST - DAY)}`, dump(11));
  await put(`zero/${nameAt(NEWEST)}`, new Uint8Array());
  // One dump cut off mid-upload.
  const whole = dump(20);
  await put(`cut/${nameAt(NEWEST)}`, whole.subarray(0, whole.length - 1000));
});

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('checkS3Backup (fauxqs, real S3Client)', () => {
  const daily = { bucket: BUCKET, prefix: 'madef/', pattern: PATTERN, minCount: 7 };

  it('passes seven daily dumps whose newest is 23 h old, measuring age, size and count', async () => {
    const result = await check(monitor(daily), NEWEST + 23 * HOUR);
    const newestKey = `madef/${nameAt(NEWEST)}`;
    expect(result).toEqual({
      monitor: 'madef-s3-backups',
      kind: 'backup',
      checkedAt: new Date(NEWEST + 23 * HOUR).toISOString(),
      durationMs: 0,
      attempts: 1,
      ok: true,
      detail: expect.stringMatching(
        /^s3:\/\/madef-backups\/madef\/: newest backup madef\/madef_20261124_020000\.sql\.gz is 23\.0 h old \(max 24\.0 h\), .*; 7 valid backups; 1 other file ignored$/,
      ),
      measurements: { BackupCount: 7, BackupAgeSeconds: 23 * 3600, BackupSizeBytes: sizes.get(newestKey) },
    });
  });

  it('fails backup_too_old when the newest dump (by its file name) is 25 h old', async () => {
    const result = await check(monitor(daily), NEWEST + 25 * HOUR);
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_too_old',
      detail: expect.stringContaining('madef/madef_20261124_020000.sql.gz is 25.0 h old (max 24.0 h)'),
      measurements: { BackupCount: 7, BackupAgeSeconds: 25 * 3600 },
    });
  });

  it('passes the config rules through: minCount 8 fails backup_too_few', async () => {
    const result = await check(monitor({ ...daily, minCount: 8 }), NEWEST + HOUR);
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_too_few',
      detail: expect.stringContaining('only 7 valid backups kept (minimum 8)'),
    });
  });

  it('fails backup_too_small on a zero-byte newest dump once the previous one is past the RPO', async () => {
    const m = monitor({ bucket: BUCKET, prefix: 'zero/', pattern: PATTERN });
    const result = await check(m, NEWEST + 2 * HOUR);
    expect(result).toMatchObject({
      ok: false,
      reason: 'backup_too_small',
      detail: expect.stringContaining(`newest file zero/${nameAt(NEWEST)} is 0 B (minimum 1 B)`),
      measurements: { BackupCount: 2, BackupAgeSeconds: 26 * 3600 },
    });
  });

  it('finds a truncated upload by its gzip ends, and skips that read when verifyGzip is false', async () => {
    const cut = { bucket: BUCKET, prefix: 'cut/', pattern: PATTERN };
    expect(await check(monitor(cut), NEWEST + HOUR)).toMatchObject({
      ok: false,
      reason: 'backup_corrupt',
      measurements: { BackupCount: 0 },
    });
    expect(await check(monitor({ ...cut, verifyGzip: false }), NEWEST + HOUR)).toMatchObject({
      ok: true,
      measurements: { BackupCount: 1 },
    });
  });

  it('reports not_found, with no measurements, for a bucket that does not exist', async () => {
    const result = await check(monitor({ bucket: 'no-such-bucket', prefix: 'madef/' }), NEWEST);
    expect(result).toMatchObject({
      ok: false,
      reason: 'not_found',
      detail: 'bucket no-such-bucket does not exist (NoSuchBucket, reading s3://no-such-bucket/madef/)',
    });
    expect(result).not.toHaveProperty('measurements');
  });
});
