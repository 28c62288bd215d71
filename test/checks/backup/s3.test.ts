import { gzipSync } from 'node:zlib';
import * as s3Sdk from '@aws-sdk/client-s3';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkS3Backups } from '../../../lambdas/canary/checks/backup/s3-check.ts';
import { checkS3GzipEnds, readGzipEnds } from '../../../lambdas/canary/checks/backup/s3-gzip.ts';
import { classifyS3Error, listBackupObjects } from '../../../lambdas/canary/checks/backup/s3-source.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NEWEST = Date.UTC(2026, 10, 24, 2, 0, 0);

let server: FauxqsServer;
let s3: S3Client;
/** Every request the client sends: command name and Range header. */
const sent: { command: string; range?: string; ifMatch?: string }[] = [];

function nameAt(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

function dump(day: number): Buffer {
  const rows = Array.from(
    { length: 3000 },
    (_, i) => `${i}\tpaciente ${i * 7919 + day}\tcuidador ${i % 97}\n`,
  );
  return gzipSync(Buffer.from(`COPY public."Paciente" FROM stdin;\n${rows.join('')}\\.\n-- dump complete\n`));
}

async function put(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      sent.push({ command: String(context.commandName), range: headers.range, ifMatch: headers['if-match'] });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  server.createBucket('many');
  server.createBucket('backups');
  // 1,500 objects: two pages of ListObjectsV2 at the 1,000-key maximum.
  const keys = Array.from({ length: 1500 }, (_, i) => `db/madef_${String(i).padStart(5, '0')}.sql.gz`);
  for (let i = 0; i < keys.length; i += 100) {
    await Promise.all(keys.slice(i, i + 100).map((k) => put('many', k, 'x')));
  }
});

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('listBackupObjects (fauxqs)', () => {
  it('follows ContinuationToken until all 1,500 objects are listed', async () => {
    const listing = await listBackupObjects({ sdk: s3Sdk, client: s3 }, 'many', 'db/');
    expect(listing.ok).toBe(true);
    if (!listing.ok) return;
    expect(listing.objects).toHaveLength(1500);
    expect(listing.pages).toBe(2);
    expect(new Set(listing.objects.map((o) => o.key)).size).toBe(1500);
    expect(listing.objects[0]).toMatchObject({ key: 'db/madef_00000.sql.gz', size: 1 });
    expect(listing.objects[0]?.lastModified).toBeGreaterThan(Date.UTC(2020, 0, 1));
    const small = await listBackupObjects({ sdk: s3Sdk, client: s3 }, 'many', 'db/', { pageSize: 100 });
    expect(small.ok && small.pages).toBe(15);
  });

  it('reports not_found naming the bucket when it does not exist', async () => {
    const listing = await listBackupObjects({ sdk: s3Sdk, client: s3 }, 'no-such-bucket', 'db/');
    expect(listing).toEqual({
      ok: false,
      reason: 'not_found',
      detail: 'bucket no-such-bucket does not exist (NoSuchBucket, reading s3://no-such-bucket/db/)',
    });
  });

  it('reports aws_error, never throws, when S3 cannot be reached', async () => {
    const dead = new S3Client({
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const listing = await listBackupObjects({ sdk: s3Sdk, client: dead }, 'backups', '');
    dead.destroy();
    expect(listing).toMatchObject({
      ok: false,
      reason: 'aws_error',
      detail: expect.stringMatching(/^reading s3:\/\/backups\/ failed: /),
    });
  });
});

describe('classifyS3Error', () => {
  it('maps AccessDenied and 403s to access_denied, aborts to timeout, the rest to aws_error', () => {
    const denied = { name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } };
    expect(classifyS3Error(denied, 's3://b/p/')).toEqual({
      ok: false,
      reason: 'access_denied',
      detail: 'access denied reading s3://b/p/ (AccessDenied: Access Denied)',
    });
    expect(classifyS3Error({ name: 'Unknown', $metadata: { httpStatusCode: 403 } }, 'x').reason).toBe(
      'access_denied',
    );
    expect(classifyS3Error({ name: 'AbortError', message: 'aborted' }, 'x').reason).toBe('timeout');
    expect(classifyS3Error({ name: 'SlowDown', message: 'Reduce your request rate' }, 'x')).toMatchObject({
      reason: 'aws_error',
      detail: 'reading x failed: SlowDown: Reduce your request rate',
    });
    expect(classifyS3Error('boom', 'x').reason).toBe('aws_error');
  });
});

describe('readGzipEnds (fauxqs)', () => {
  it('reads a real gzip with exactly two ranged GETs, the second pinned to the first ETag', async () => {
    const body = dump(1);
    await put('backups', 'ends/complete.sql.gz', body);
    sent.length = 0;
    const ends = await readGzipEnds(
      { sdk: s3Sdk, client: s3 },
      'backups',
      'ends/complete.sql.gz',
      body.length,
    );
    expect(sent.map((r) => [r.command, r.range])).toEqual([
      ['GetObjectCommand', 'bytes=0-17'],
      ['GetObjectCommand', `bytes=${body.length - 8}-${body.length - 1}`],
    ]);
    expect(sent[1]?.ifMatch).toMatch(/^"?[0-9a-f]{32}"?$/);
    expect(ends).toEqual({
      ok: true,
      head: new Uint8Array(body.subarray(0, 18)),
      tail: new Uint8Array(body.subarray(body.length - 8)),
      size: body.length,
    });
    const check = await checkS3GzipEnds(
      { sdk: s3Sdk, client: s3 },
      'backups',
      'ends/complete.sql.gz',
      body.length,
    );
    expect(check).toMatchObject({
      ok: true,
      integrity: { ok: true },
      verdict: { ok: true, isizeExact: true },
    });
  });

  it('finds a truncated upload, and a missing key is not_found', async () => {
    const body = dump(2);
    const cut = body.subarray(0, body.length - 777);
    await put('backups', 'ends/truncated.sql.gz', cut);
    const check = await checkS3GzipEnds(
      { sdk: s3Sdk, client: s3 },
      'backups',
      'ends/truncated.sql.gz',
      cut.length,
    );
    expect(check).toMatchObject({
      ok: true,
      integrity: { ok: false, detail: expect.stringMatching(/^truncated: /) },
    });
    const missing = await readGzipEnds({ sdk: s3Sdk, client: s3 }, 'backups', 'ends/nope.sql.gz', 100);
    expect(missing).toMatchObject({ ok: false, reason: 'not_found' });
  });
});

describe('checkS3Backups (fauxqs)', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) await put('backups', `madef/${nameAt(NEWEST - i * DAY)}`, dump(i));
    await put('backups', 'madef/madef_latest.sql.gz', dump(0));
  });
  const rules = { pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz', maxAgeMs: DAY, minCount: 7 };

  it('passes seven complete daily dumps, testing only the newest', async () => {
    sent.length = 0;
    const result = await checkS3Backups(
      { sdk: s3Sdk, client: s3 },
      { bucket: 'backups', prefix: 'madef/', rules },
      NEWEST + 23 * HOUR,
    );
    expect(result).toMatchObject({ ok: true, count: 7, ignored: 1 });
    expect(result.detail).toMatch(
      /^s3:\/\/backups\/madef\/: newest backup madef\/madef_20261124_020000\.sql\.gz is 23\.0 h old/,
    );
    expect(sent.filter((r) => r.command === 'GetObjectCommand')).toHaveLength(2);
  });

  it('does not count a truncated newest upload and ages the one before it', async () => {
    const newer = NEWEST + DAY;
    const body = dump(9);
    await put('backups', `madef/${nameAt(newer)}`, body.subarray(0, body.length / 2));
    const result = await checkS3Backups(
      { sdk: s3Sdk, client: s3 },
      { bucket: 'backups', prefix: 'madef/', rules },
      newer + 2 * HOUR,
    );
    expect(result).toMatchObject({ ok: false, reason: 'backup_corrupt', count: 7 });
    expect(result.detail).toMatch(
      /newest file madef\/madef_20261125_020000\.sql\.gz failed its integrity check \(truncated: .*newest valid backup madef\/madef_20261124_020000\.sql\.gz is 26\.0 h old/,
    );
  });

  it('reports a missing bucket as a typed failure', async () => {
    const result = await checkS3Backups(
      { sdk: s3Sdk, client: s3 },
      { bucket: 'gone', prefix: 'madef/', rules },
      NEWEST,
    );
    expect(result).toMatchObject({ ok: false, reason: 'not_found' });
  });
});
